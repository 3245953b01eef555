// One local node as the host runs it: its config, the live ChaskiNode while it runs, and what the UI needs that the
// library does not keep (run state, peers that gave up, recently disconnected peers, discovery progress).
import type { DiscoveryOutcome } from '../../shared/contract'
import type {
  DiscoveryProgress,
  EdgeSnapshot,
  HostEventKind,
  NodeConfig,
  NodeRunState,
  NodeSnapshot,
  OnPair,
  TextPart
} from '../../shared/snapshots'
import {
  ChaskiNode,
  formatAddress,
  type ChaskiNodeEvents,
  type DiscoveryOutcome as LibraryDiscoveryOutcome,
  type Edge
} from '../chaski/index'
import { words } from './event-words'
import { NodeNotServingError, UnknownPeerError, describeError } from './host-errors'
import { LanDeviceList } from './lan-devices'
import { toNodeOptions } from './node-config'
import { edgeSnapshot, lanPeerSnapshots, retryingEdges, unconnectedEdge } from './snapshot'

const RECENT_PEERS = 10

export interface HostedNodeListener {
  changed(node: HostedNode, graphToo: boolean): void
  /** `peerId`: the peer the event is about (reconnect attempts for one peer fold into one row). */
  event(node: HostedNode, kind: HostEventKind, parts: TextPart[], peerId?: string): void
  message(
    node: HostedNode,
    message: { topic: string; data: unknown; fromName: string; fromAddress: string }
  ): void
  /** Handling one of the node's events threw: log it; the node and the host go on. */
  failed(node: HostedNode, what: string, err: unknown): void
}

export class HostedNode {
  config: NodeConfig
  node: ChaskiNode | null = null
  state: NodeRunState = 'stopped'
  since = Date.now()
  error: string | null = null
  discovery: DiscoveryProgress | null = null
  private readonly gaveUp = new Map<string, EdgeSnapshot>()
  private recentPeers: NodeSnapshot['recentPeers'] = []
  private readonly lanDevices = new LanDeviceList()

  constructor(
    config: NodeConfig,
    private readonly listener: HostedNodeListener
  ) {
    this.config = config
  }

  get id(): string {
    return this.config.id
  }

  async start(): Promise<void> {
    if (this.state === 'serving' || this.state === 'starting') return
    const node = new ChaskiNode(toNodeOptions(this.config))
    this.node = node
    this.wire(node)
    this.setState('starting')
    try {
      await node.start()
      this.error = null
      this.setState('serving')
      const address = formatAddress(node.ip, node.port)
      this.listener.event(this, 'node-started', words.started(this.config.name, address))
    } catch (err) {
      this.node = null
      node.removeAllListeners()
      await node.stop().catch(() => undefined)
      const target = `${this.config.ip}:${this.config.port}`
      this.error = describeError(err, target).message
      this.setState('failed')
      this.listener.event(this, 'node-failed', words.failed(this.config.name, this.error))
      throw err
    }
  }

  async stop(): Promise<void> {
    const node = this.node
    if (!node) return
    this.setState('stopping')
    await node.stop()
    node.removeAllListeners()
    this.node = null
    this.gaveUp.clear()
    this.discovery = null
    this.setState('stopped')
    this.listener.event(this, 'node-stopped', words.stopped(this.config.name))
  }

  /** Forgets a peer that gave up reconnecting (the user dismissed it); false when there was none. */
  forgetPeer(peerId: string): boolean {
    const had = this.gaveUp.delete(peerId)
    if (had) this.listener.changed(this, true)
    return had
  }

  /** Forgets a device heard on the LAN that is offline now; it shows up again if it comes back. */
  forgetLanDevice(peerId: string): void {
    const device = this.lanDevices.get(peerId)
    if (!device) throw new UnknownPeerError('that device is not in the LAN list (any more)')
    if (device.online)
      throw new UnknownPeerError(
        `${device.name} is on the LAN right now; it can be forgotten once it goes offline`
      )
    this.lanDevices.forget(peerId)
    this.listener.changed(this, false)
  }

  /** Applies the config's LAN settings to the running node (beacons restart; edges stay). */
  async applyLanConfig(): Promise<void> {
    if (!this.node) return
    await this.node.setLan(toNodeOptions(this.config).lan ?? false)
    this.listener.changed(this, true)
  }

  /** Runs discovery (spec §4) and keeps per-topic progress in the snapshot while it runs. */
  async runDiscovery(args: {
    onPair: OnPair
    timeoutMs: number
    via: Edge | undefined
  }): Promise<DiscoveryOutcome> {
    const node = this.node
    if (!node) throw new NodeNotServingError(`${this.config.name} is not running; start it first`)
    this.discovery = {
      running: true,
      onPair: args.onPair,
      startedAt: Date.now(),
      topics: this.config.subscriptions.map((topic) => ({ topic, state: 'searching', partner: null }))
    }
    this.listener.changed(this, false)
    try {
      const results = await node.discovery({ node: args.via, onPair: args.onPair, timeoutMs: args.timeoutMs })
      const topics = results.map((r) => ({
        topic: r.topic,
        result: contractResult(r.result),
        partner: r.edge ? `${r.edge.name} (${r.edge.address})` : null
      }))
      this.discovery = {
        ...this.discovery,
        running: false,
        topics: topics.map((t) => ({ topic: t.topic, state: progressState(t.result), partner: t.partner }))
      }
      return { topics }
    } finally {
      if (this.discovery?.running) this.discovery = { ...this.discovery, running: false }
      this.listener.changed(this, true)
    }
  }

  rememberPeer(edge: { id: string; name: string; address: string }): void {
    this.recentPeers = [
      { peerId: edge.id, name: edge.name, address: edge.address, at: Date.now() },
      ...this.recentPeers.filter((p) => p.peerId !== edge.id && p.address !== edge.address)
    ].slice(0, RECENT_PEERS)
  }

  /** Drops a peer from the recent list (a link closed at once because it was not the node the person meant). */
  dropRecentPeer(peerId: string): void {
    this.recentPeers = this.recentPeers.filter((p) => p.peerId !== peerId)
    this.listener.changed(this, false)
  }

  snapshot(): NodeSnapshot {
    const node = this.node
    const serving = node !== null && this.state === 'serving'
    const pairedTopics: Record<string, boolean> = {}
    for (const topic of this.config.subscriptions)
      pairedTopics[topic] = serving ? node.pairedFor(topic) : this.config.paired
    const edges = serving
      ? [...node.edges.map(edgeSnapshot), ...retryingEdges(node, this.gaveUp.values())]
      : []
    // Devices stay listed when they go quiet, or when this node stops listening (all offline then).
    this.lanDevices.update(serving && this.config.lan.enabled ? lanPeerSnapshots(node) : [])
    return {
      id: this.id,
      config: this.config,
      state: this.state,
      since: this.since,
      error: this.error,
      port: serving ? node.port : null,
      address: serving ? node.address : null,
      pairedTopics,
      paired: serving ? node.paired : false,
      edges,
      lan: {
        enabled: this.config.lan.enabled,
        autoConnect: this.config.lan.autoConnect,
        active: serving && this.config.lan.enabled,
        peers: this.lanDevices.list()
      },
      discovery: this.discovery,
      recentPeers: this.recentPeers
    }
  }

  private setState(state: NodeRunState): void {
    this.state = state
    this.since = Date.now()
    this.listener.changed(this, true)
  }

  /**
   * Library events only mark the node dirty (cheap); snapshots are built at most 10 times a second. Every handler
   * is guarded: whatever a peer made the node emit, an exception in our handling is logged and goes no further
   * (not into the library's frame handling, not up to the process).
   */
  private wire(emitter: ChaskiNode): void {
    const node = {
      on: <K extends keyof ChaskiNodeEvents>(event: K, handle: (payload: ChaskiNodeEvents[K]) => void) => {
        emitter.on(event, (payload) => {
          try {
            handle(payload)
          } catch (err) {
            this.listener.failed(this, `handling its '${event}' event`, err)
          }
        })
      }
    }
    const changed = (graphToo = true) => this.listener.changed(this, graphToo)
    const log = (kind: HostEventKind, parts: TextPart[], peerId?: string) =>
      this.listener.event(this, kind, parts, peerId)
    const peerOf = (p: { name: string; ip: string; port: number }) => ({
      name: p.name,
      address: formatAddress(p.ip, p.port)
    })
    node.on('edge-added', ({ edge, reconnected }) => {
      this.gaveUp.delete(edge.id)
      log('edge-added', words.connected(edge, reconnected), edge.id)
      changed()
    })
    node.on('edge-removed', ({ edge, reason, detail, willReconnect }) => {
      this.rememberPeer(edge)
      log('edge-removed', words.disconnected(edge, reason, detail, willReconnect), edge.id)
      changed()
    })
    node.on('edge-updated', () => changed())
    node.on('latency', () => changed(false))
    node.on('paired', ({ topic, edge }) => {
      log('paired', words.paired(topic, edge ?? null), edge?.id)
      changed()
    })
    node.on('unpaired', ({ topic }) => {
      log('unpaired', words.unpaired(topic))
      changed()
    })
    node.on('reconnecting', ({ peer, attempt, delayMs }) => {
      log('reconnecting', words.reconnecting(peerOf(peer), attempt, peer.maxAttempts, delayMs), peer.peerId)
      changed()
    })
    node.on('reconnect-gave-up', ({ peer, attempts }) => {
      this.gaveUp.set(peer.peerId, unconnectedEdge(peer, 'gave-up', Date.now(), attempts, peer.maxAttempts))
      log('reconnect-gave-up', words.gaveUp(peerOf(peer), attempts), peer.peerId)
      changed()
    })
    node.on('discovery-started', ({ topics, onPair }) => {
      log('discovery-started', words.discoveryStarted(topics, onPair))
    })
    node.on('discovery-concluded', ({ topic, result, edge, holders }) => {
      if (this.discovery?.running) {
        const state = progressState(contractResult(result))
        const partner = edge ? `${edge.name} (${edge.address})` : null
        this.discovery = {
          ...this.discovery,
          topics: this.discovery.topics.map((t) => (t.topic === topic ? { topic, state, partner } : t))
        }
      }
      log('discovery-concluded', words.discoveryConcluded(topic, result, edge ?? null, holders), edge?.id)
      changed()
    })
    node.on('protocol-error', ({ error, remoteAddress, remotePort }) => {
      log('protocol-error', words.protocolError(formatAddress(remoteAddress, remotePort), error.message))
    })
    node.on('lan-peer-seen', ({ peer }) => {
      log('lan-peer-seen', words.lanSeen(peer), peer.id)
      changed()
    })
    node.on('lan-peer-updated', () => changed())
    node.on('lan-peer-lost', ({ peer, reason }) => {
      log('lan-peer-lost', words.lanLost(peer, reason), peer.id)
      changed()
    })
    node.on('subscriptions-changed', () => changed())
    node.on('name-changed', () => changed())
    node.on('message', ({ topic, data, from }) => {
      this.listener.message(this, {
        topic,
        data,
        fromName: from.name,
        fromAddress: formatAddress(from.ip, from.port)
      })
    })
  }
}

type ContractDiscoveryResult = DiscoveryOutcome['topics'][number]['result']

/** The library's per-topic outcome in the contract's words ('no-edges' means we are the topic's first node). */
function contractResult(result: LibraryDiscoveryOutcome): ContractDiscoveryResult {
  if (result === 'no-edges') return 'first-of-topic'
  if (result === 'stopped') return 'timeout'
  return result
}

function progressState(result: ContractDiscoveryResult): DiscoveryProgress['topics'][number]['state'] {
  return result === 'already-paired' ? 'paired' : result
}
