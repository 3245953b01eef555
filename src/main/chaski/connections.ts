// Connections of one node (spec §3): dialling with timeouts, the handshake and version negotiation, duplicate
// links, the edge registry (by peer id and listening address), deliberate closes, and reconnection after an
// unexpected loss. Every frame is read and handled through the command registry (ConnectionHost.dispatch); the
// handshake, close and update commands come back here (HandshakeReceiver, CloseReceiver, UpdateReceiver).
import type net from 'node:net'
import { addressKey, formatAddress, isLoopbackIp, isUnspecifiedIp, normalizeIp } from './address'
import { Approvals } from './approval'
import type { Clock } from './clock'
import type { CloseData, CloseReason, CloseReceiver } from './commands/close'
import type { HandshakeCommandName, HandshakeData, HandshakeReceiver } from './commands/handshake'
import type { CommandData } from './commands/index'
import type { UpdateData, UpdateReceiver } from './commands/update'
import {
  CLOSE_GRACE_MS,
  CLOSED_PEER_MEMORY_MS,
  CLOSED_PEER_MEMORY_SIZE,
  MAX_HANDSHAKE_FRAME_BYTES,
  MAX_PARTIAL_FRAME_BYTES,
  MAX_PRE_HANDSHAKE_BYTES,
  CONTROL_TOPIC,
  MESSAGE_RUNS_FEATURE,
  PLAINTEXT_PROTOCOL_VERSION,
  PROTOCOL_VERSION
} from './constants'
import { ConnectionLimits, type PendingConnection } from './connection-limits'
import { EdgeTable } from './edge-table'
import { connectionDeadlines, DeadlineSweep } from './deadlines'
import { LinkedEdge } from './linked-edge'
import type { Envelope } from './envelope'
import {
  ConnectionRefusedError,
  HandshakeTimeoutError,
  NodeStoppedError,
  ProtocolError,
  ProtocolVersionError,
  SelfConnectionError,
  TooManyEdgesError
} from './errors'
import type { ChaskiNodeEvents } from './events'
import { ClosedPeers, keepNewLink, negotiateVersion } from './handshake'
import type { Identity } from './identity'
import type { Logger } from './logger'
import type { NormalizedOptions } from './options'
import { PeerLink, type PeerLinkOwner, type PendingHandshake } from './peer-link'
import { ReconnectQueue, type ReconnectState } from './reconnect'
import { RECONNECTING_REASONS, type Removal, type RemovalReason } from './removal'
import { RUN_MARKER } from './message-runs'
import { NetworkKeyGate } from './network-key-gate'
import type { NetworkKeyReceiver } from './commands/network-key'
import { isNodeId } from './security/node-id'
import {
  IdentityMismatchError,
  PlaintextPeerError,
  PlaintextRefusedError,
  type NetworkKeyMismatchError
} from './security/errors'
import { tcpTransport, type Dialling, type Transport } from './transport'
import { TrustStore } from './trust'
import type { WireFormat } from './wire'

/** A checked handshake, kept while its link is held pending (policy approve) to register the edge later. */
interface Admission {
  readonly handshake: HandshakeData
  readonly version: number
  readonly ip: string
  readonly key: string
  readonly pinAddress: string
  readonly provenId: string | null
}

/** What the connection layer needs from its node. */
export interface ConnectionHost {
  readonly id: string
  readonly options: Readonly<NormalizedOptions>
  /** The node's logger (connections log as its 'connections' component). */
  readonly log: Logger
  readonly clock: Clock
  readonly transport: Transport
  readonly wire: WireFormat
  /** True while the node is started and not stopping. */
  isRunning(): boolean
  /** Our listening port. */
  listeningPort(): number
  /** Data of our handshake / handshake_back (encoded once per identity change with the default codec). */
  handshakeData(version: number, reconnect: boolean): CommandData<'handshake'>
  /** Frames to decode (topic 'All', our subscriptions, everything when root). */
  acceptsTopic(topic: string): boolean
  /** Reads and handles a frame through the command registry; throws ProtocolError when it is not acceptable. */
  dispatch(link: PeerLink, envelope: Envelope): void
  /** A run frame's body (message-runs.ts) on a user topic. */
  dispatchRun(link: PeerLink, topic: string, buf: Buffer, start: number, end: number): void
  /** An edge left the registry (pending pings and discovery waves must let go of it). */
  onEdgeRemoved(edge: LinkedEdge): void
  /** An edge's link is about to be replaced by a new one (its keep-alive ping on the old link is forgotten). */
  onLinkReplaced(edge: LinkedEdge): void
  /** Emits a node event; a throwing listener is logged, never thrown into the connection code. */
  emit<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): void
}

/** What connect() says when a peer under policy approve closes the link it held pending (docs/PROTOCOL.md §3a). */
const APPROVAL_REFUSALS: Partial<Record<CloseReason, string>> = {
  rejected: "the peer's user rejected this node (trust policy approve)",
  'pending-expired':
    'nobody accepted this node at the peer in time (its pendingTimeoutMs; trust policy approve)',
  'too-many-pending': 'the peer already holds as many pending peers as it allows (trust policy approve)'
}

/** Close reason received on the wire → why the edge is removed on our side. */
function removalFor(reason: CloseReason): RemovalReason {
  // 'too-many-edges' and 'overloaded' are limits of the peer: closed by it, not lost (no automatic reconnection).
  if (reason === 'stop') return 'peer-stopped'
  if (reason === 'protocol-error' || reason === 'version') return 'protocol-error'
  return 'closed-by-peer'
}

// What a manager reads before its first connect() / dial: never written to.
/** From this many edges on, a node looks their addresses up in a table (ConnectionManager.addressIndex). */
const ADDRESS_INDEX_FROM = 8

const NOTHING_CONNECTING: ReadonlyMap<string, Promise<LinkedEdge>> = new Map()
const NOTHING_DIALLED: ReadonlySet<Dialling> = new Set()
/** Never added to: replaced by a set of the node's own on its first upgrade (only deleted from, a no-op when empty). */
const NOTHING_UPGRADING = new Set<UpgradingConnection>()

/** An accepted connection its transport is still setting up (TLS): counted as waiting for its handshake. */
interface UpgradingConnection extends PendingConnection {
  readonly remotePort: number
  readonly socket: net.Socket
  readonly controller: AbortController
}

/** A connect() whose link lost a duplicate race, waiting (bounded) for the peer's surviving link to register. */
interface EdgeWaiter {
  pending: PendingHandshake
  timer: ReturnType<Clock['setTimeout']>
}

/**
 * What only some nodes ever need, made on the first need of any of it: a node that loses no duplicate race, retries
 * nobody, closes nobody deliberately, holds no network key and no approval keeps none of these fields.
 */
class RareConnectionState {
  /** Outbound links that lost a duplicate race wait for the surviving edge of this peer id. */
  edgeWaiters: Map<string, EdgeWaiter[]> | null = null
  /** Edges being retried: their latency history and paired flags go to the reconnected edge. */
  lostEdgeMap: Map<string, LinkedEdge> | null = null
  /** Peers we closed lately (made on our first deliberate close). */
  closedPeers: ClosedPeers | null = null
  /**
   * The network-key step before the handshake (network-key-gate.ts): made on first need (a network key, or a peer
   * sending or refusing a proof), as most nodes hold no key.
   */
  keyGate: NetworkKeyGate | null = null
  /** Policy approve: links held as pending peers, and the comparison-code exchange. */
  approvalState: Approvals | null = null
  /** Checked handshakes of held links. */
  admissions: Map<PeerLink, Admission> | null = null
  /** Made on the first unexpected loss: most nodes never retry anyone. */
  retries: ReconnectQueue | null = null
  /** The dial and handshake timeouts of a node given a clock of its own (tests): not the process-wide sweep. */
  deadlines: DeadlineSweep | null = null
}

/**
 * The node's connections. It is the owner of every link it creates (PeerLinkOwner: methods on one prototype, not
 * a handler object with closures per node).
 */
export class ConnectionManager
  implements PeerLinkOwner, HandshakeReceiver, CloseReceiver, UpdateReceiver, NetworkKeyReceiver
{
  /** Registered edges by peer id (one edge in a field, a table from the second on: edge-table.ts). */
  readonly edgesById = new EdgeTable()
  /**
   * Edges by listening address (addressKey), kept once the node has ADDRESS_INDEX_FROM edges. With fewer, edgeAtKey()
   * scans edgesById as fast, and a leaf holds no second table for its one edge.
   */
  private addressIndex: Map<string, LinkedEdge> | null = null
  /**
   * Every link of this node (handshaking, open, closing), in a list threaded through the links themselves
   * (PeerLink.prevLink / nextLink): no table per node, where a leaf has one link. addLink(), removeLink(), allLinks().
   */
  private firstLink: PeerLink | null = null
  /** Dials under way (made on the first dial: a node that is only dialled never needs it). */
  private dialSet: Set<Dialling> | null = null
  /** Accepted connections whose transport is still setting them up (TLS), counted as waiting for a handshake. */
  /** Inbound TLS upgrades in progress (a shared empty set until the first: only secure nodes take any). */
  private upgrading: Set<UpgradingConnection> = NOTHING_UPGRADING
  /** Registered edges as an array (publish() walks it for every message); rebuilt on first use after a change. */
  private edgeArray: readonly LinkedEdge[] | null = null
  /** connect() calls under way by address (made on the first one). */
  private connectingMap: Map<string, Promise<LinkedEdge>> | null = null
  /**
   * Pins and revocations (trust.ts); null while a store would hold nothing and decide nothing (policy open, nothing
   * seeded nor revoked): then no peer is revoked, none conflicts with a pin, and nothing is pinned.
   */
  private trustStore: TrustStore | null
  /** What only some nodes ever need (races, reconnections, deliberate closes, network keys, approvals). */
  private rare: RareConnectionState | null = null
  /**
   * Bounds on what peers may make this node hold or do (docs/PROTOCOL.md §10): made on first need (an inbound
   * connection, an unfinished frame, a learned dial), as most nodes of a large network never need them.
   */
  private limits: ConnectionLimits | null = null
  private logger: Logger | null = null

  /**
   * Dial and handshake timeouts: with the system clock, one timer for the process, shared with other nodes
   * (deadlines.ts); a node given another clock (tests) has its own.
   */
  private get deadlines(): DeadlineSweep {
    return this.rare?.deadlines ?? connectionDeadlines
  }

  /** The node's options (read from the node: a manager keeps no copy). */
  private get options(): Readonly<NormalizedOptions> {
    return this.host.options
  }

  /** Pins and revocations (trust.ts), made on first use under policy open. */
  get trust(): TrustStore {
    return (this.trustStore ??= new TrustStore(this.options.trust, this.options.trustedPeers))
  }

  /** The rarely needed state, for writing (made now if it is not yet). */
  private get extra(): RareConnectionState {
    return (this.rare ??= new RareConnectionState())
  }

  /** PeerLinkOwner: the node's clock (its links' close grace period runs on it). */
  get clock(): Clock {
    return this.host.clock
  }

  constructor(private readonly host: ConnectionHost) {
    if (host.clock !== connectionDeadlines.clock) this.extra.deadlines = new DeadlineSweep(host.clock)
    const { trust, trustedPeers } = this.options
    // Under policy open with nothing seeded, a store holds nothing until a revoke(): made then (the trust getter).
    this.trustStore =
      trust === 'open' && trustedPeers.length === 0 ? null : new TrustStore(trust, trustedPeers)
  }

  private get networkKey(): NetworkKeyGate {
    return (this.extra.keyGate ??= new NetworkKeyGate(
      this.options.networkKey,
      {
        sendProofs: (link, proofs) => {
          this.host.wire.send(link, 'network_key', { proofs }, this.options.ttl, this.host.clock.epochMs())
          link.flush()
        },
        continueHandshake: (link) => {
          if (this.options.trust === 'approve') this.approvals.beforeHandshake(link)
          this.sendHandshake(link, 'handshake', this.linkVersion(link), link.reconnect)
          link.flush()
        },
        refuse: (link, error) => this.refuse(link, 'network-key-mismatch', error),
        reportRefused: (link, error) => this.reportNetworkKeyRefusal(link, error)
      },
      this.log,
      this.host.clock
    ))
  }

  /** NetworkKeyReceiver (commands/network-key.ts): the peer's network-key proofs. */
  onNetworkKey(link: PeerLink, proofs: Buffer[]): void {
    this.networkKey.onProofs(link, proofs)
  }

  private reportNetworkKeyRefusal(link: PeerLink, error: NetworkKeyMismatchError): void {
    this.host.emit('peer-refused', {
      reason: 'network-key-mismatch',
      error,
      remoteAddress: link.remoteAddress,
      remotePort: link.remotePort,
      direction: link.outbound ? 'outbound' : 'inbound'
    })
  }

  /**
   * Pending peers and the comparison-code exchange (approval.ts): made on first need (a node under approve, an
   * approval frame from a peer, the API), as most nodes never hold anyone.
   */
  get approvals(): Approvals {
    return (this.extra.approvalState ??= this.createApprovals())
  }

  /** The approval state machine's view of this manager (approval.ts ApprovalHost). */
  private createApprovals(): Approvals {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const connections = this
    const { host, options } = this
    return new Approvals({
      selfId: host.id,
      ownSpki: options.key?.spki ?? null,
      trust: this.trust,
      clock: host.clock,
      get log() {
        return connections.log
      },
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      pendingTimeoutMs: options.pendingTimeoutMs,
      sendApproval: (link, command, data) => {
        host.wire.send(link, command, data, options.ttl, host.clock.epochMs())
      },
      setDeadline: (link, inMs) => {
        this.deadlines.delete(link)
        this.deadlines.add(link, inMs)
      },
      refuse: (link, reason, error) => {
        if (reason !== 'duplicate-pending') return this.refuse(link, reason, error)
        // Without our id: the loser's connect() rejects at once instead of waiting for an edge (it stays pending).
        this.failHandshake(link, error)
        const frame = host.wire.control('close', { reason: 'duplicate' }, options.ttl, host.clock.epochMs())
        void link.close(frame, { reason: 'lost', detail: 'duplicate' })
      },
      admit: (link) => this.admitHeld(link),
      emit: (event, payload) => host.emit(event, payload)
    })
  }

  private get connecting(): Map<string, Promise<LinkedEdge>> {
    return (this.connectingMap ?? NOTHING_CONNECTING) as Map<string, Promise<LinkedEdge>>
  }

  private get dialing(): Set<Dialling> {
    return (this.dialSet ?? NOTHING_DIALLED) as Set<Dialling>
  }

  /** The 'connections' logger of this node, made on first use. */
  private get log(): Logger {
    return (this.logger ??= this.host.log.child('connections'))
  }

  private get bounds(): ConnectionLimits {
    return (this.limits ??= new ConnectionLimits(this.log, this.host.clock))
  }

  /** Largest frame accepted before a link's handshake completes. */
  private get handshakeFrameLimit(): number {
    return Math.min(this.options.maxFrameSize, MAX_HANDSHAKE_FRAME_BYTES)
  }

  get edges(): LinkedEdge[] {
    return [...this.edgesById.values()]
  }

  /** The registered edges, not to be modified (a new array once an edge comes or goes). */
  get edgeList(): readonly LinkedEdge[] {
    this.edgeArray ??= [...this.edgesById.values()]
    return this.edgeArray
  }

  /** Peers being retried after an unexpected loss. */
  get reconnects(): ReconnectState[] {
    return this.rare?.retries?.list() ?? []
  }

  get reconnecting(): boolean {
    return (this.rare?.retries?.size ?? 0) > 0
  }

  edgeByAddress(ip: string, port: number): LinkedEdge | undefined {
    return this.edgeAtKey(addressKey(ip, port))
  }

  /** The edge registered last at this address (addressKey), unless it is gone. */
  private edgeAtKey(key: string): LinkedEdge | undefined {
    const index = this.addressIndex
    if (index !== null) return index.get(key)
    // At most one edge per address is not superseded (registerEdge): the one the index would hold.
    for (const edge of this.edgesById.values()) {
      if (!edge.supersededAtAddress && addressKey(edge.ip, edge.port) === key) return edge
    }
    return undefined
  }

  /** The node reached ADDRESS_INDEX_FROM edges: from now on their addresses are looked up in a table. */
  private indexAddresses(): void {
    const index = new Map<string, LinkedEdge>()
    for (const edge of this.edgesById.values()) {
      if (!edge.supersededAtAddress) index.set(addressKey(edge.ip, edge.port), edge)
    }
    this.addressIndex = index
  }

  /**
   * Connects to a listening address, or returns the existing edge; concurrent calls share one attempt.
   * `expectedPeerId`: the peer must prove that id's key (a reconnection, a pinned peer): IdentityMismatchError
   * and an 'identity-changed' event otherwise.
   */
  connect(ip: string, port: number, reconnect: boolean, expectedPeerId?: string): Promise<LinkedEdge> {
    if (!this.host.isRunning()) return Promise.reject(new NodeStoppedError('node is not running'))
    const key = addressKey(ip, port)
    const existing = this.edgeAtKey(key)
    if (existing) return Promise.resolve(existing)
    if (this.isSelfAddress(ip, port)) {
      return Promise.reject(new SelfConnectionError(`${formatAddress(ip, port)} is this node`))
    }
    const inflight = this.connecting.get(key)
    if (inflight) return inflight
    if (this.edgesById.size >= this.options.maxEdges) {
      return Promise.reject(
        new TooManyEdgesError(
          `cannot connect to ${formatAddress(ip, port)}: this node already has ${this.edgesById.size} edges (maxEdges)`
        )
      )
    }
    const attempt = this.dial(ip, port, reconnect, expectedPeerId)
    ;(this.connectingMap ??= new Map()).set(key, attempt)
    const cleanup = (): void => {
      if (this.connecting.get(key) === attempt) this.connecting.delete(key)
      if (this.connectingMap?.size === 0) this.connectingMap = null
    }
    attempt.then(cleanup, cleanup)
    return attempt
  }

  /**
   * May the node contact this address it learned from the network (a discovery origin, a LAN beacon)? Takes from
   * the per-target and overall dial budgets (docs/PROTOCOL.md §10) and says whether there was enough. An edge
   * at that address is no proof: its address is what the peer claimed.
   */
  allowLearnedDial(ip: string, port: number): boolean {
    return this.bounds.learnedDials.allow(addressKey(ip, port))
  }

  /**
   * A new inbound TCP connection (from the node's server). Bounded before trust (docs/PROTOCOL.md §10): beyond
   * the caps on connections still handshaking, in total and from its source address, it is closed at once.
   */
  accept(socket: net.Socket): void {
    if (!this.host.isRunning()) {
      socket.destroy()
      return
    }
    const limits = this.bounds
    const refused = limits.admitPending(
      () => socket.remoteAddress ?? '',
      () => this.pendingInbound()
    )
    if (refused !== null) {
      socket.destroy()
      limits.refusals.report({ from: socket.remoteAddress ?? '', reason: refused })
      return
    }
    if (this.host.transport.upgradeInbound) {
      this.upgradeInbound(socket)
      return
    }
    this.acceptLink(socket, this.options.handshakeTimeoutMs)
  }

  private acceptLink(socket: net.Socket, handshakeTimeoutMs: number): void {
    const link = new PeerLink(socket, false, this, this.handshakeFrameLimit)
    this.addLink(link)
    // A connection that never introduces itself is dropped (onHandshakeDeadline).
    this.deadlines.add(link, handshakeTimeoutMs)
  }

  /**
   * The transport sets up an admitted connection (TLS) before its first frame; it stays counted as waiting for its
   * handshake meanwhile, and one deadline (handshakeTimeoutMs) covers both. A plaintext peer is answered with
   * `close {reason: 'secure-required'}` unless the node is `insecure`.
   */
  private upgradeInbound(socket: net.Socket): void {
    const waiting: UpgradingConnection = {
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      socket,
      controller: new AbortController()
    }
    if (this.upgrading === NOTHING_UPGRADING) this.upgrading = new Set()
    this.upgrading.add(waiting)
    const started = this.host.clock.now()
    const timeoutMs = this.options.handshakeTimeoutMs
    const done = (): boolean => {
      this.upgrading.delete(waiting)
      return this.host.isRunning() && !waiting.controller.signal.aborted
    }
    this.host.transport.upgradeInbound!(socket, timeoutMs, waiting.controller.signal).then(
      (upgrade) => {
        if (!done()) {
          this.limits?.releasePending(waiting)
          upgrade.socket.destroy()
          return
        }
        if (!upgrade.secure && !this.options.insecure) {
          this.limits?.releasePending(waiting)
          this.refusePlaintext(waiting)
          return
        }
        // The pending count taken for `waiting` now belongs to the link (released on open() or close).
        const left = Math.max(1, timeoutMs - (this.host.clock.now() - started))
        this.acceptLink(upgrade.socket, left)
        upgrade.socket.resume() // the sniffed first bytes wait in a paused socket
      },
      (error: Error) => {
        done()
        this.limits?.releasePending(waiting)
        socket.destroy()
        this.log.debug('inbound secure handshake failed', {
          from: formatAddress(waiting.remoteAddress, waiting.remotePort),
          error: error.message
        })
        this.host.emit('peer-refused', {
          reason: 'secure-handshake',
          error,
          remoteAddress: waiting.remoteAddress,
          remotePort: waiting.remotePort
        })
      }
    )
  }

  /** A plaintext (version 1) peer of a node that allows none: told why, in plaintext it can read, then closed. */
  private refusePlaintext(waiting: UpgradingConnection): void {
    const from = formatAddress(waiting.remoteAddress, waiting.remotePort)
    const error = new PlaintextRefusedError(
      `${from} connected in plaintext (protocol version 1); this node accepts secure links only (option insecure)`
    )
    this.bounds.plaintextRefusals.report({ from })
    this.host.emit('peer-refused', {
      reason: 'secure-required',
      error,
      remoteAddress: waiting.remoteAddress,
      remotePort: waiting.remotePort
    })
    const socket = waiting.socket
    socket.on('error', () => socket.destroy())
    socket.resume() // whatever it sends is not read
    socket.end(this.closeFrame('secure-required'))
    // A peer that never closes its end is not waited for.
    const timer = this.host.clock.setTimeout(() => socket.destroy(), CLOSE_GRACE_MS)
    socket.once('close', () => this.host.clock.clearTimeout(timer))
  }

  /** Inbound links whose handshake is not complete (ConnectionLimits counts them). */
  private *pendingInbound(): Iterable<PendingConnection> {
    yield* this.upgrading
    for (let link = this.firstLink; link !== null; link = link.nextLink) {
      if (!link.outbound && link.version === 0) yield link
    }
  }

  private addLink(link: PeerLink): void {
    const first = this.firstLink
    link.nextLink = first
    if (first !== null) first.prevLink = link
    this.firstLink = link
  }

  private removeLink(link: PeerLink): void {
    const { prevLink, nextLink } = link
    if (prevLink !== null) prevLink.nextLink = nextLink
    else if (this.firstLink === link) this.firstLink = nextLink
    else return // not listed
    if (nextLink !== null) nextLink.prevLink = prevLink
    link.prevLink = null
    link.nextLink = null
  }

  /** The links as they are now (closing one may unlist others). */
  private allLinks(): PeerLink[] {
    const all: PeerLink[] = []
    for (let link = this.firstLink; link !== null; link = link.nextLink) all.push(link)
    return all
  }

  /** Deliberate close, announced to the peer and never undone by reconnection (spec §3 Ours). */
  close(
    edge: LinkedEdge,
    reason: 'closed' | 'pair-disconnect' | 'pair-rejected' | 'revoked',
    removal: RemovalReason
  ): Promise<void> {
    const key = addressKey(edge.ip, edge.port)
    this.rare?.retries?.cancel(key)
    this.rare?.lostEdgeMap?.delete(key)
    if (this.edgesById.get(edge.id) !== edge) return Promise.resolve()
    const closed = (this.extra.closedPeers ??= new ClosedPeers(
      CLOSED_PEER_MEMORY_MS,
      CLOSED_PEER_MEMORY_SIZE,
      this.host.clock
    ))
    closed.remember(edge.id)
    return edge.link.close(this.closeFrame(reason), { reason: removal })
  }

  /** Stops retrying a peer (the user closed it while it was being retried). */
  forget(ip: string, port: number): void {
    const key = addressKey(ip, port)
    this.rare?.retries?.cancel(key)
    this.rare?.lostEdgeMap?.delete(key)
  }

  /** Closes every link with a `close {reason: 'stop'}` and resolves when every socket is closed. */
  async stop(): Promise<void> {
    this.rare?.retries?.stop()
    const stopped = new NodeStoppedError('node stopped')
    for (const dial of this.dialing) dial.abort()
    this.dialing.clear()
    for (const waiting of this.upgrading) {
      waiting.controller.abort(stopped)
      waiting.socket.destroy()
    }
    const links = this.allLinks()
    for (const link of links) this.deadlines.delete(link)
    const closeFrame = this.closeFrame('stop')
    const closing: Promise<void>[] = []
    for (const link of links) {
      if (link.state === 'closed') continue // closed (and unlisted) while an earlier one closed
      this.failHandshake(link, stopped)
      // A link held pending (policy approve) is told too: its peer sees a stop, not a failed handshake.
      const tell = link.state === 'open' || this.rare?.approvalState?.isHeld(link) === true
      closing.push(link.close(tell ? closeFrame : null, { reason: 'stopped' }))
    }
    await Promise.all(closing)
    // connect() calls still waiting for a duplicate's surviving edge fail now, and their timers go with them.
    for (const waiters of this.rare?.edgeWaiters?.values() ?? []) {
      for (const waiter of waiters) {
        this.host.clock.clearTimeout(waiter.timer)
        waiter.pending.reject(stopped)
      }
    }
    if (this.rare !== null) this.rare.edgeWaiters = null
  }

  /** `close {reason, id}`: our id lets a duplicate-link loser find the surviving edge. */
  private closeFrame(reason: CloseReason): Buffer {
    return this.host.wire.control(
      'close',
      { reason, id: this.host.id },
      this.options.ttl,
      this.host.clock.epochMs()
    )
  }

  /** Queues our handshake (or handshake_back) on the link, encoded straight into its write batch. */
  private sendHandshake(
    link: PeerLink,
    command: HandshakeCommandName,
    version: number,
    reconnect: boolean
  ): void {
    const data = this.host.handshakeData(version, reconnect)
    this.host.wire.send(link, command, data, this.options.ttl, this.host.clock.epochMs())
  }

  private isSelfAddress(ip: string, port: number): boolean {
    if (port !== this.host.listeningPort()) return false
    const own = normalizeIp(this.options.ip)
    return normalizeIp(ip) === own || (isUnspecifiedIp(own) && (isLoopbackIp(ip) || isUnspecifiedIp(ip)))
  }

  private dial(ip: string, port: number, reconnect: boolean, expectedPeerId?: string): Promise<LinkedEdge> {
    return new Promise<LinkedEdge>((resolve, reject) => {
      const attempt = (transport: Transport): void => {
        const options = { handshakeTimeoutMs: this.options.handshakeTimeoutMs, expectedPeerId }
        const dial = transport.dial(
          ip,
          port,
          this.options.connectTimeoutMs,
          this.deadlines,
          {
            connected: (socket) => {
              this.dialDone(dial)
              this.startHandshake(socket, reconnect, { resolve, reject }, ip, port)
            },
            failed: (error) => {
              this.dialDone(dial)
              if (error instanceof PlaintextPeerError && this.options.insecure && transport.secure) {
                if (expectedPeerId !== undefined && isNodeId(expectedPeerId)) {
                  // A dial for a key id (a formerly secure peer, a beacon's id): a plaintext answer proves nothing,
                  // so no downgrade, whatever `insecure` allows (docs/PROTOCOL.md §3a "Plaintext peers").
                  return reject(
                    new PlaintextPeerError(
                      `${formatAddress(ip, port)} answered in plaintext, but this dial is for node ${expectedPeerId}, ` +
                        'which proves its key over TLS: not falling back to plaintext'
                    )
                  )
                }
                // The peer speaks version 1 only, and this node allows plaintext: once more, in plaintext.
                this.log.warn('peer does not speak TLS: linking in plaintext (insecure)', {
                  peer: formatAddress(ip, port)
                })
                if (this.host.isRunning()) return attempt(tcpTransport)
              }
              if (error instanceof IdentityMismatchError)
                this.reportIdentityChange(ip, port, error, 'outbound')
              reject(error)
            }
          },
          options
        )
        ;(this.dialSet ??= new Set()).add(dial)
      }
      attempt(this.host.transport)
    })
  }

  /**
   * A peer proved another key than the id we expected (a dial for a known id) or claimed (its handshake): loud, as
   * it is either a changed identity or an impostor (docs/PROTOCOL.md "Secure links").
   */
  private reportIdentityChange(
    ip: string,
    port: number,
    error: IdentityMismatchError,
    direction: 'inbound' | 'outbound'
  ): void {
    const address = formatAddress(ip, port)
    if (direction === 'outbound') {
      // Not retried: another key at this address is refused every time, and each time would be reported again.
      this.rare?.retries?.cancelTarget(ip, port)
      this.rare?.lostEdgeMap?.delete(addressKey(ip, port))
    }
    this.log.warn('peer refused: it did not prove the identity expected', {
      peer: address,
      expectedId: error.claimedId,
      provenId: error.provenId,
      direction
    })
    this.host.emit('identity-changed', {
      address,
      expectedId: error.claimedId,
      provenId: error.provenId,
      direction,
      error
    })
  }

  /** A dial connected or failed; an empty set is let go (it is made again by the next dial). */
  private dialDone(dial: Dialling): void {
    const dials = this.dialSet
    if (dials === null) return
    dials.delete(dial)
    if (dials.size === 0) this.dialSet = null
  }

  /** The TCP connection of a dial is open: introduce ourselves (the peer answers handshake_back). */
  private startHandshake(
    socket: net.Socket,
    reconnect: boolean,
    pending: PendingHandshake,
    ip: string,
    port: number
  ): void {
    if (!this.host.isRunning()) {
      socket.destroy()
      pending.reject(new NodeStoppedError('node stopped while connecting'))
      return
    }
    const link = new PeerLink(socket, true, this, this.handshakeFrameLimit)
    link.reconnect = reconnect
    link.setDialled(ip, port)
    link.pendingHandshake = pending
    this.addLink(link)
    this.deadlines.add(link, this.options.handshakeTimeoutMs)
    // With a network key the handshake waits for the peer's proof (network-key-gate.ts).
    if (this.options.networkKey !== null && this.networkKey.holdsHandshake(link)) return
    // Policy approve: a dialler that holds the peer commits to its comparison nonce before introducing itself.
    if (this.options.trust === 'approve') this.approvals.beforeHandshake(link)
    this.sendHandshake(link, 'handshake', this.linkVersion(link), reconnect)
    link.flush()
  }

  /** The one protocol version a link speaks: 2 over a verified TLS link, 1 in plaintext. */
  private linkVersion(link: PeerLink): number {
    return this.host.transport.peerKey(link.socket) === null ? PLAINTEXT_PROTOCOL_VERSION : PROTOCOL_VERSION
  }

  /** PeerLinkOwner: a link's handshake did not complete within handshakeTimeoutMs (spec §3 Ours). */
  onHandshakeDeadline(link: PeerLink): void {
    if (this.rare?.approvalState?.onDeadline(link) === true) return // a pending peer nobody accepted in time
    if (link.outbound) {
      const address = formatAddress(link.remoteAddress, link.remotePort)
      const ms = this.options.handshakeTimeoutMs
      this.failHandshake(
        link,
        new HandshakeTimeoutError(`${address} did not complete the handshake within ${ms} ms`)
      )
    } else {
      this.log.debug('inbound connection without handshake dropped', { from: link.remoteAddress })
    }
    link.destroy({ reason: 'lost', detail: 'handshake timeout' })
  }

  /** PeerLinkOwner: node-wide budgets of bytes held in unfinished frames (docs/PROTOCOL.md §10). */
  onHeldBytes(link: PeerLink, delta: number): void {
    const limits = this.bounds
    const beforeHandshake = link.version === 0
    if (limits.hold(beforeHandshake, delta)) return
    // Over budget: this link, the one that would take the node over, is dropped and lets go of its bytes.
    const budget = beforeHandshake ? MAX_PRE_HANDSHAKE_BYTES : MAX_PARTIAL_FRAME_BYTES
    const detail = `overloaded: the node's links would hold more than ${budget} bytes of unfinished frames`
    limits.drops.report({ from: formatAddress(link.remoteAddress, link.remotePort), budget })
    if (link.state === 'open') {
      void link.close(this.closeFrame('overloaded'), { reason: 'closed-by-us', detail })
    } else {
      this.failHandshake(link, new ConnectionRefusedError(detail, 'overloaded'))
      link.destroy({ reason: 'lost', detail })
    }
    // Nothing more is read into memory: the close frame leaves, the socket goes after the close grace period.
    link.discardInput()
    link.socket.pause()
  }

  // ------------------------------------------------------------------------------------------------------
  // Frames

  /** PeerLinkOwner */
  acceptTopic(link: PeerLink, topic: string): boolean {
    // Before the handshake (and while held pending) only control frames are allowed: a frame on any other topic
    // is read, so that the command registry refuses it as a protocol error, never skipped.
    return link.state === 'handshaking' || this.host.acceptsTopic(topic)
  }

  /** PeerLinkOwner: every frame goes through the command registry (commands/index.ts). */
  onFrame(link: PeerLink, topic: string, buf: Buffer, start: number, end: number): void {
    // An envelope is a map; an array 32 on a user topic is a run of messages (default codec only).
    if (start < end && buf[start] === RUN_MARKER && topic !== CONTROL_TOPIC && !this.options.customCodec) {
      this.host.dispatchRun(link, topic, buf, start, end)
      return
    }
    this.host.dispatch(link, this.host.wire.decode(topic, buf, start, end))
  }

  /**
   * HandshakeReceiver (commands/handshake.ts): completes a link's handshake; on an established link (a peer
   * following the original 4-message exchange) refreshes the peer's identity and answers a `handshake`.
   */
  onHandshake(link: PeerLink, handshake: HandshakeData, command: HandshakeCommandName): void {
    if (link.state === 'handshaking') {
      if (this.options.networkKey !== null && !this.networkKey.admits(link)) return
      if (this.rare?.approvalState?.isHeld(link) === true)
        throw new ProtocolError(`'${command}' on a link held pending`)
      this.completeHandshake(link, handshake, command === 'handshake' && !link.outbound)
      return
    }
    const edge = link.edge!
    if (edge.refresh(handshake)) this.host.emit('edge-updated', { edge })
    if (command === 'handshake') this.sendHandshake(link, 'handshake_back', link.version, false)
  }

  /** UpdateReceiver (commands/update.ts): the peer's name, subscriptions or paired flag changed. */
  onUpdate(edge: LinkedEdge, update: UpdateData): void {
    if (edge.refresh(update)) this.host.emit('edge-updated', { edge })
  }

  /**
   * Handshake (docs/PROTOCOL.md "Handshake"): the initiator sends `handshake`; the acceptor registers the edge
   * and answers `handshake_back`; the initiator registers on `handshake_back`, so when connect() resolves
   * both sides list the edge with the peer's identity.
   */
  private completeHandshake(link: PeerLink, handshake: HandshakeData, reply: boolean): void {
    this.deadlines.delete(link)
    const selfId = this.host.id
    const ours = this.linkVersion(link)
    const version = reply ? negotiateVersion(handshake, { v: ours, vmin: ours }) : handshake.v
    if (version !== ours) {
      const secure = ours === PROTOCOL_VERSION ? 'secure' : 'plaintext'
      const error = new ProtocolVersionError(
        `peer speaks protocol v${handshake.vmin}..v${handshake.v}, this ${secure} link speaks v${ours}`
      )
      this.reportProtocolError(link, error)
      this.refuse(link, 'version', error)
      return
    }
    const provenId = this.host.transport.peerKey(link.socket)
    if (provenId !== null && provenId !== handshake.id) {
      // The claimed id is not the key's: another node's id (an impostor), or a relay's key under the id it relays.
      const error = new IdentityMismatchError(
        `${formatAddress(link.remoteAddress, link.remotePort)} claims the node id ${handshake.id} but proved the key of ${provenId}`,
        handshake.id,
        provenId
      )
      this.reportIdentityChange(
        link.remoteAddress,
        link.remotePort,
        error,
        link.outbound ? 'outbound' : 'inbound'
      )
      this.refuse(link, 'identity-mismatch', error)
      return
    }
    if (handshake.id === selfId) {
      const error = new SelfConnectionError(
        `${formatAddress(link.remoteAddress, link.remotePort)} is this node`
      )
      this.refuse(link, 'self', error)
      return
    }
    if (reply && handshake.reconnect && this.rare?.closedPeers?.has(handshake.id) === true) {
      this.refuse(
        link,
        'reconnect-refused',
        new ConnectionRefusedError('reconnection refused', 'reconnect-refused')
      )
      return
    }
    const ip = isUnspecifiedIp(handshake.ip) ? normalizeIp(link.remoteAddress) : normalizeIp(handshake.ip)
    const key = addressKey(ip, handshake.port)
    const trust = this.trustStore
    if (trust !== null && trust.isRevoked(handshake.id)) {
      this.refuse(link, 'revoked', new ConnectionRefusedError('this node revoked the peer', 'revoked'))
      return
    }
    const pinAddress = formatAddress(ip, handshake.port)
    const pinned = trust === null ? null : trust.conflict(pinAddress, handshake.id)
    if (pinned !== null) {
      const error = new IdentityMismatchError(
        `${pinAddress} proved the key of ${handshake.id}, but this node trusts ${pinned.id} (${pinned.name}) there`,
        pinned.id,
        handshake.id
      )
      this.reportIdentityChange(ip, handshake.port, error, link.outbound ? 'outbound' : 'inbound')
      this.refuse(link, 'identity-changed', error)
      return
    }
    const admission: Admission = { handshake, version, ip, key, pinAddress, provenId }
    if (this.options.trust === 'approve' || this.rare?.approvalState?.isExchanging(link) === true) {
      if (this.holdForApproval(link, admission, reply)) return
    }
    this.admit(link, admission, reply)
  }

  /**
   * Policy approve (docs/PROTOCOL.md §3a "Approve"): true when the link is held as a pending peer (or was refused
   * there); the acceptor's handshake_back then follows the approval frames.
   */
  private holdForApproval(link: PeerLink, admission: Admission, reply: boolean): boolean {
    const { handshake } = admission
    if (!this.edgesById.has(handshake.id) && this.edgesById.size >= this.options.maxEdges) {
      this.refuseForMaxEdges(link, handshake)
      return true
    }
    const outcome = this.approvals.hold(link, handshake.name, admission.pinAddress)
    if (outcome === 'open') return false
    if (outcome === 'held') {
      ;(this.extra.admissions ??= new Map()).set(link, admission)
      if (reply) this.sendHandshake(link, 'handshake_back', admission.version, false)
      link.flush()
    }
    return true
  }

  /** A held link both sides now admit: registered as if its handshake had just completed. */
  private admitHeld(link: PeerLink): void {
    const admission = this.rare?.admissions?.get(link)
    if (admission === undefined) return
    this.rare!.admissions!.delete(link)
    this.deadlines.delete(link)
    this.admit(link, admission, false)
  }

  /** The handshake passed every check: the link opens and its edge registers (or it loses a duplicate race). */
  private admit(link: PeerLink, admission: Admission, reply: boolean): void {
    const { handshake, version, ip, key, pinAddress, provenId } = admission
    const selfId = this.host.id
    // Runs bypass a user codec, so they are sent only with ours (docs/PROTOCOL.md §8 "Runs").
    link.peerRuns = !this.options.customCodec && handshake.features.includes(MESSAGE_RUNS_FEATURE)
    const existing = this.edgesById.get(handshake.id)
    let keepNew = true
    // The same side opened both links: the peer (or we) dialled again while the old link still looked alive.
    const reconnection = existing !== undefined && existing.link.outbound === link.outbound
    if (existing && existing.link !== link && existing.link.state === 'open') {
      keepNew = keepNewLink(selfId, handshake.id, existing.link.outbound, link.outbound)
    } else if (!existing && reply && this.connecting.has(key) && selfId < handshake.id) {
      // Both sides are dialling each other: our own link (initiated by the lower id) wins.
      keepNew = false
    }
    if (!keepNew) {
      link.removal = { reason: 'lost', detail: 'duplicate' }
      if (existing) this.settleHandshake(link, existing)
      void link.close(this.closeFrame('duplicate'), link.removal)
      return
    }
    if (!existing && this.edgesById.size >= this.options.maxEdges) {
      this.refuseForMaxEdges(link, handshake)
      return
    }
    if (reply) {
      // Out at once: registering the edge and the listeners of its events must not delay the peer's connect().
      this.sendHandshake(link, 'handshake_back', version, false)
      link.flush()
    }
    link.open(version, this.options.maxFrameSize)
    if (provenId !== null)
      this.trustStore?.seen(pinAddress, handshake.id, handshake.name, this.host.clock.epochMs())
    if (!link.outbound) this.limits?.releasePending(link)
    this.rare?.closedPeers?.forget(handshake.id)
    const edge = existing
      ? this.replaceLink(existing, link, handshake, reconnection)
      : this.registerEdge(link, handshake, ip, key, version)
    this.settleHandshake(link, edge)
  }

  /** A new peer while we keep maxEdges edges: `close {reason: 'too-many-edges'}` (docs/PROTOCOL.md §10). */
  private refuseForMaxEdges(link: PeerLink, handshake: HandshakeData): void {
    const max = this.options.maxEdges
    this.bounds.edgeRefusals.report({
      peer: formatAddress(link.remoteAddress, link.remotePort),
      id: handshake.id,
      maxEdges: max
    })
    const error = new TooManyEdgesError(
      `${formatAddress(link.remoteAddress, link.remotePort)} refused: this node already has ${max} edges (maxEdges)`
    )
    this.refuse(link, 'too-many-edges', error)
  }

  /**
   * A new link of a registered peer replaces the old one. `reconnection`: opened by the same side as the old one,
   * which therefore lost it (half-open: this side had not noticed yet). That is reported as the other side reports
   * its own reconnection: `handshake` and `edge-added {reconnected: true}`, the edge staying the same object.
   */
  private replaceLink(
    edge: LinkedEdge,
    link: PeerLink,
    handshake: HandshakeData,
    reconnection: boolean
  ): LinkedEdge {
    // Every link of an edge is one this manager made (a PeerLink).
    const old = edge.link as PeerLink
    this.host.onLinkReplaced(edge)
    edge.replaceLink(link)
    edge.version = link.version
    link.edge = edge
    old.edge = null
    void old.close(this.closeFrame('duplicate'), { reason: 'lost', detail: 'duplicate' })
    if (edge.refresh(handshake)) this.host.emit('edge-updated', { edge })
    if (reconnection) {
      this.log.info('peer reconnected over a new link; the old one was half-open', { peer: edge.toString() })
      this.host.emit('handshake', { edge, version: link.version, direction: edge.direction })
      this.host.emit('edge-added', { edge, direction: edge.direction, reconnected: true })
    }
    return edge
  }

  private registerEdge(
    link: PeerLink,
    identity: Identity,
    ip: string,
    key: string,
    version: number
  ): LinkedEdge {
    const edge = new LinkedEdge(identity, link, ip, version, this.host.clock.epochMs())
    link.edge = edge
    const lost = this.rare?.lostEdgeMap?.get(key)
    const reconnected = lost !== undefined || this.rare?.retries?.has(key) === true
    if (lost) {
      edge.stats.adopt(lost.stats)
      for (const topic of lost.pairedTopics) if (edge.subscriptions.has(topic)) edge.pairedTopics.add(topic)
      this.rare?.lostEdgeMap?.delete(key)
    }
    this.rare?.retries?.cancel(key)
    const previousAtAddress = this.edgeAtKey(key)
    if (previousAtAddress && previousAtAddress.id !== edge.id) {
      // A restarted peer on the same address with a new id: the old edge is stale.
      previousAtAddress.supersededAtAddress = true
      previousAtAddress.link.destroy({ reason: 'lost', detail: 'replaced by a new node at the same address' })
    }
    this.edgesById.set(edge)
    if (this.addressIndex !== null) this.addressIndex.set(key, edge)
    else if (this.edgesById.size >= ADDRESS_INDEX_FROM) this.indexAddresses()
    this.edgeArray = null
    this.host.emit('handshake', { edge, version, direction: edge.direction })
    this.host.emit('edge-added', { edge, direction: edge.direction, reconnected })
    const waiters = this.rare?.edgeWaiters?.get(edge.id)
    if (waiters) {
      this.rare!.edgeWaiters!.delete(edge.id)
      for (const waiter of waiters) {
        this.host.clock.clearTimeout(waiter.timer)
        waiter.pending.resolve(edge)
      }
    }
    return edge
  }

  private settleHandshake(link: PeerLink, edge: LinkedEdge): void {
    const pending = link.pendingHandshake
    link.pendingHandshake = null
    pending?.resolve(edge)
  }

  private failHandshake(link: PeerLink, error: Error): void {
    const pending = link.pendingHandshake
    link.pendingHandshake = null
    pending?.reject(error)
  }

  private refuse(link: PeerLink, reason: CloseReason, error: Error): void {
    this.failHandshake(link, error)
    const removal = reason === 'version' ? 'protocol-error' : 'closed-by-us'
    void link.close(this.closeFrame(reason), { reason: removal, detail: reason })
  }

  /** CloseReceiver (commands/close.ts): the peer closes the link deliberately. */
  onCloseCommand(link: PeerLink, close: CloseData): void {
    if (close.reason === 'duplicate') {
      // We lost a duplicate race: the peer keeps the other link; a pending connect gets that edge.
      const pending = link.pendingHandshake
      link.pendingHandshake = null
      if (pending && close.id !== undefined) this.waitForEdge(close.id, pending)
      else pending?.reject(new ConnectionRefusedError('peer kept another connection', 'duplicate'))
      link.destroy({ reason: 'lost', detail: 'duplicate' })
      return
    }
    const error =
      close.reason === 'self'
        ? new SelfConnectionError('the peer is this node')
        : close.reason === 'version'
          ? new ProtocolVersionError('the peer speaks no protocol version we support')
          : close.reason === 'secure-required'
            ? new ConnectionRefusedError(
                'the peer accepts secure links only (secure-required): this node linked in plaintext',
                close.reason
              )
            : close.reason === 'network-key-mismatch'
              ? this.networkKey.onRefusedByPeer(link)
              : close.reason === 'too-many-edges'
                ? new ConnectionRefusedError(
                    'the peer refused the connection: it already has as many edges as it allows (its maxEdges)',
                    close.reason
                  )
                : close.reason in APPROVAL_REFUSALS
                  ? new ConnectionRefusedError(APPROVAL_REFUSALS[close.reason]!, close.reason)
                  : new ConnectionRefusedError(`peer closed the connection (${close.reason})`, close.reason)
    this.failHandshake(link, error)
    if (link.reconnect && close.reason === 'reconnect-refused' && link.edge === null) {
      // The peer closed us deliberately before: stop retrying it.
      this.rare?.retries?.cancelTarget(link.remoteAddress, link.remotePort)
    }
    link.destroy({ reason: removalFor(close.reason), detail: close.reason })
  }

  private waitForEdge(peerId: string, pending: PendingHandshake): void {
    const edge = this.edgesById.get(peerId)
    if (edge) return pending.resolve(edge)
    const waiters = (this.extra.edgeWaiters ??= new Map())
    const list = waiters.get(peerId) ?? []
    const waiter: EdgeWaiter = {
      pending,
      timer: this.host.clock.setTimeout(() => {
        list.splice(list.indexOf(waiter), 1)
        if (list.length === 0 && waiters.get(peerId) === list) waiters.delete(peerId)
        pending.reject(new HandshakeTimeoutError('the peer kept another connection that never completed'))
      }, this.options.handshakeTimeoutMs)
    }
    list.push(waiter)
    waiters.set(peerId, list)
  }

  /** PeerLinkOwner: a frame could not be decoded, was not acceptable, or its handler refused it. */
  onBadFrame(link: PeerLink, error: Error): void {
    this.reportProtocolError(link, error)
    this.failHandshake(link, error)
    void link.close(this.closeFrame('protocol-error'), { reason: 'protocol-error', detail: error.message })
  }

  private reportProtocolError(link: PeerLink, error: Error): void {
    const from = formatAddress(link.remoteAddress, link.remotePort)
    this.log.warn('protocol error, closing the connection', { from, error })
    this.host.emit('protocol-error', {
      error,
      transport: 'tcp',
      edge: link.edge,
      remoteAddress: link.remoteAddress,
      remotePort: link.remotePort
    })
  }

  /** PeerLinkOwner */
  onClose(link: PeerLink): void {
    this.removeLink(link)
    this.deadlines.delete(link)
    this.rare?.approvalState?.onClose(link)
    this.rare?.admissions?.delete(link)
    // An inbound link that never completed its handshake leaves the pending count (open() released the others).
    if (!link.outbound && link.version === 0) this.limits?.releasePending(link)
    const running = this.host.isRunning()
    if (link.pendingHandshake) {
      this.failHandshake(
        link,
        running
          ? new ConnectionRefusedError('the peer closed the connection during the handshake')
          : new NodeStoppedError('node stopped')
      )
    }
    const edge = link.edge
    if (!edge || edge.link !== link || this.edgesById.get(edge.id) !== edge) return
    const key = addressKey(edge.ip, edge.port)
    this.edgesById.delete(edge.id)
    this.edgeArray = null
    if (this.addressIndex?.get(key) === edge) this.addressIndex.delete(key)
    this.host.onEdgeRemoved(edge)
    const removal: Removal = link.removal ?? { reason: 'lost' }
    const reason: RemovalReason = running ? removal.reason : 'stopped'
    // Only the side that dialled retries, and only the address it dialled and completed a handshake with (an
    // outbound link's remoteAddress): the address a peer claims is never dialled on its word (docs/PROTOCOL.md §7).
    // The peer that dialled us redials.
    const willReconnect =
      running && link.outbound && RECONNECTING_REASONS.has(reason) && this.options.reconnections > 0
    if (willReconnect) {
      ;(this.extra.lostEdgeMap ??= new Map()).set(key, edge)
    }
    this.host.emit('edge-removed', { edge, reason, detail: removal.detail, willReconnect })
    if (willReconnect) {
      const retries = (this.extra.retries ??= this.createRetries())
      retries.start(key, {
        peerId: edge.id,
        name: edge.name,
        ip: link.remoteAddress,
        port: link.remotePort
      })
    }
  }

  /** The retry loop of unexpected losses, made when the first one happens (onClose). */
  private createRetries(): ReconnectQueue {
    return new ReconnectQueue(
      {
        maxAttempts: this.host.options.reconnections,
        baseMs: this.host.options.reconnectBaseMs,
        capMs: this.host.options.reconnectCapMs
      },
      {
        // The peer must prove the key it had: another node at its address is refused (identity-changed).
        dial: (target) => this.connect(target.ip, target.port, true, target.peerId),
        onAttempt: (peer, delayMs) =>
          this.host.emit('reconnecting', { peer, attempt: peer.attempt, delayMs }),
        onGaveUp: (peer) => {
          this.rare?.lostEdgeMap?.delete(addressKey(peer.ip, peer.port))
          this.log.warn('gave up reconnecting', {
            peer: formatAddress(peer.ip, peer.port),
            attempts: peer.attempt
          })
          this.host.emit('reconnect-gave-up', { peer, attempts: peer.attempt })
        },
        onSuccess: () => {}
      },
      this.host.clock
    )
  }
}
