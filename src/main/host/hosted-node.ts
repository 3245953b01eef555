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
  OnPair
} from '../../shared/snapshots'
import {
  ChaskiNode,
  type ChaskiNodeEvents,
  type DiscoveryOutcome as LibraryDiscoveryOutcome,
  type Edge
} from '../chaski/index'
import { NodeNotServingError, describeError } from './host-errors'
import { toNodeOptions } from './node-config'
import { edgeSnapshot, lanPeerSnapshots, retryingEdges, unconnectedEdge } from './snapshot'

const RECENT_PEERS = 10

export interface HostedNodeListener {
  changed(node: HostedNode, graphToo: boolean): void
  event(node: HostedNode, kind: HostEventKind, text: string): void
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
      this.listener.event(this, 'node-started', `${this.config.name} serving on ${node.toString()}`)
    } catch (err) {
      this.node = null
      node.removeAllListeners()
      await node.stop().catch(() => undefined)
      const target = `${this.config.ip}:${this.config.port}`
      this.error = describeError(err, target).message
      this.setState('failed')
      this.listener.event(this, 'node-failed', `${this.config.name} could not start: ${this.error}`)
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
    this.listener.event(this, 'node-stopped', `${this.config.name} stopped`)
  }

  /** Forgets a peer that gave up reconnecting (the user dismissed it); false when there was none. */
  forgetPeer(peerId: string): boolean {
    const had = this.gaveUp.delete(peerId)
    if (had) this.listener.changed(this, true)
    return had
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

  snapshot(): NodeSnapshot {
    const node = this.node
    const serving = node !== null && this.state === 'serving'
    const pairedTopics: Record<string, boolean> = {}
    for (const topic of this.config.subscriptions)
      pairedTopics[topic] = serving ? node.pairedFor(topic) : this.config.paired
    const edges = serving
      ? [...node.edges.map(edgeSnapshot), ...retryingEdges(node, this.gaveUp.values())]
      : []
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
        peers: serving ? lanPeerSnapshots(node) : []
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
    const log = (kind: HostEventKind, text: string) => this.listener.event(this, kind, text)
    const who = (edge: Edge) => `${edge.name} (${edge.address})`
    node.on('edge-added', ({ edge, reconnected }) => {
      this.gaveUp.delete(edge.id)
      log('edge-added', `${reconnected ? 'reconnected to' : 'connected to'} ${who(edge)}`)
      changed()
    })
    node.on('edge-removed', ({ edge, reason, willReconnect }) => {
      this.rememberPeer(edge)
      log('edge-removed', `disconnected from ${who(edge)}: ${reason}${willReconnect ? ', reconnecting' : ''}`)
      changed()
    })
    node.on('edge-updated', () => changed())
    node.on('latency', () => changed(false))
    node.on('paired', ({ topic, edge }) => {
      log('paired', `paired for ${topic}${edge ? ` with ${who(edge)}` : ''}`)
      changed()
    })
    node.on('unpaired', ({ topic }) => {
      log('unpaired', `not paired for ${topic}`)
      changed()
    })
    node.on('reconnecting', ({ peer, attempt, delayMs }) => {
      log('reconnecting', `reconnecting to ${peer.name} (attempt ${attempt} in ${Math.round(delayMs)} ms)`)
      changed()
    })
    node.on('reconnect-gave-up', ({ peer, attempts }) => {
      this.gaveUp.set(peer.peerId, unconnectedEdge(peer, 'gave-up', Date.now(), attempts))
      log('reconnect-gave-up', `gave up reconnecting to ${peer.name} after ${attempts} attempts`)
      changed()
    })
    node.on('discovery-started', ({ topics, onPair }) => {
      log('discovery-started', `discovery for ${topics.join(', ') || 'no topic'} (onPair ${onPair})`)
    })
    node.on('discovery-concluded', ({ topic, result, edge }) => {
      if (this.discovery?.running) {
        const state = progressState(contractResult(result))
        const partner = edge ? `${edge.name} (${edge.address})` : null
        this.discovery = {
          ...this.discovery,
          topics: this.discovery.topics.map((t) => (t.topic === topic ? { topic, state, partner } : t))
        }
      }
      log('discovery-concluded', `discovery for ${topic}: ${result}${edge ? ` with ${who(edge)}` : ''}`)
      changed()
    })
    node.on('protocol-error', ({ error, remoteAddress, remotePort }) => {
      log('protocol-error', `protocol error from ${remoteAddress}:${remotePort}: ${error.message}`)
    })
    node.on('lan-peer-seen', ({ peer }) => {
      log('lan-peer-seen', `heard ${peer.name} (${peer.address}) on the LAN`)
      changed()
    })
    node.on('lan-peer-updated', () => changed())
    node.on('lan-peer-lost', ({ peer, reason }) => {
      log('lan-peer-lost', `${peer.name} (${peer.address}) left the LAN: ${reason}`)
      changed()
    })
    node.on('subscriptions-changed', () => changed())
    node.on('name-changed', () => changed())
    node.on('message', ({ topic, data, from }) => {
      this.listener.message(this, {
        topic,
        data,
        fromName: from.name,
        fromAddress: `${from.ip}:${from.port}`
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
