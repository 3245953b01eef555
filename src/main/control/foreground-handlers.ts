// The control channel of a foreground `chaski node` (one node, no NodeHost): the same four methods as a host's
// (control-protocol.ts), validated with the contract's schemas, answering with a NodeSnapshot of that one node, so
// `chaski trust` works against it as against the desktop app. Revocations are the keeper's (cli/foreground-trust.ts:
// saved beside --key, so they outlast the process).
import { parseArguments, type ContractArgs } from '../../shared/contract'
import type { MethodName } from '../../shared/methods'
import { fail, ok } from '../../shared/result'
import type { AppState, NodeSnapshot, RevokedPeerSnapshot } from '../../shared/snapshots'
import type { ChaskiNode } from '../chaski/index'
import type { ContractHandler } from '../host/contract-handlers'
import { describeError } from '../host/host-errors'
import { pendingPeersOf } from '../host/pending-peers'
import { edgeSnapshot } from '../host/snapshot'
import { LIMITS } from '../../shared/limits'

/** Where the node's revocations live (and are saved). */
export interface ForegroundTrustKeeper {
  revoke(peerId: string, name: string): Promise<void>
  /** False when the peer was not revoked. */
  unrevoke(peerId: string): Promise<boolean>
  revokedPeers(): RevokedPeerSnapshot[]
}

export function foregroundControlHandlers(
  node: ChaskiNode,
  keeper: ForegroundTrustKeeper
): Map<MethodName, ContractHandler> {
  const snapshot = (): NodeSnapshot => foregroundSnapshot(node, keeper.revokedPeers())
  const checkNode = (id: string) => {
    if (id !== node.id && id !== node.name)
      throw namedError('UnknownNodeError', 'this chaski node has another id')
  }
  const noPending = () =>
    namedError(
      'UnknownPeerError',
      'no peer with that id is waiting for approval (it may have been decided or gone)'
    )
  const calls: {
    [M in 'getState' | 'acceptPeer' | 'rejectPeer' | 'revokePeer' | 'unrevokePeer']: (
      ...a: ContractArgs<M>
    ) => unknown
  } = {
    getState: () => ({ nodes: [snapshot()] }) as Partial<AppState>,
    acceptPeer: (id, peerId) => {
      checkNode(id)
      if (!node.acceptPeer(peerId)) throw noPending()
      return snapshot()
    },
    rejectPeer: (id, peerId) => {
      checkNode(id)
      if (!node.rejectPeer(peerId)) throw noPending()
      return snapshot()
    },
    revokePeer: async (id, peerId) => {
      checkNode(id)
      const name =
        node.edges.find((e) => e.id === peerId)?.name ??
        node.trustedPeers.find((p) => p.id === peerId)?.name ??
        ''
      await keeper.revoke(peerId, name)
      return snapshot()
    },
    unrevokePeer: async (id, peerId) => {
      checkNode(id)
      if (!(await keeper.unrevoke(peerId)))
        throw namedError('UnknownPeerError', 'that peer is not revoked on this node (run the list again)')
      return snapshot()
    }
  }
  const table = new Map<MethodName, ContractHandler>()
  for (const [method, call] of Object.entries(calls) as [
    keyof typeof calls,
    (...a: unknown[]) => unknown
  ][]) {
    table.set(method, async (raw) => {
      const parsed = parseArguments(method, raw)
      if (!parsed.ok) return fail('ValidationError', parsed.message)
      try {
        return ok(await call(...(parsed.args as unknown[])))
      } catch (err) {
        const { name, message } = describeError(err)
        return fail(name, message)
      }
    })
  }
  return table
}

function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name })
}

/** The one node as the dashboard's snapshot shape (what `chaski trust` reads). */
function foregroundSnapshot(node: ChaskiNode, revoked: RevokedPeerSnapshot[]): NodeSnapshot {
  const o = node.options
  const lan = typeof o.lan === 'object' ? o.lan : null
  return {
    id: node.id,
    nodeId: node.id,
    config: {
      id: node.id,
      name: node.name,
      ip: o.ip,
      port: node.port,
      subscriptions: [...node.subscriptions].filter((t) => t !== '@'),
      ttl: o.ttl,
      root: o.root,
      paired: o.paired,
      maxConnections: o.maxConnections,
      reconnections: o.reconnections,
      keepAlive: o.keepAlive,
      messagePropagation: o.messagePropagation,
      messagesPoolMaxSize: o.messagesPoolMaxSize,
      lan: { enabled: o.lan !== false, autoConnect: lan?.autoConnect ?? false, interfaces: [] },
      autoStart: true,
      trust: o.trust,
      insecure: o.insecure
    },
    state: 'serving',
    since: Date.now(),
    error: null,
    port: node.port,
    address: node.address,
    pairedTopics: {},
    paired: node.paired,
    edges: node.edges.map(edgeSnapshot),
    lan: {
      enabled: o.lan !== false,
      autoConnect: lan?.autoConnect ?? false,
      active: o.lan !== false,
      peers: []
    },
    discovery: null,
    recentPeers: [],
    knownPeers: [],
    reachableAt: [],
    portInUse: null,
    pendingRestart: [],
    trust: {
      policy: o.trust,
      insecure: o.insecure,
      pending: pendingPeersOf(node),
      trusted: node.trustedPeers.sort((a, b) => b.lastSeen - a.lastSeen).slice(0, LIMITS.trustedPeersPerNode),
      revoked
    }
  }
}
