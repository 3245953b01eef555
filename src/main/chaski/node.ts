// ChaskiNode (spec §1–§7): the public API of one node. It validates what callers give it and delegates to its
// private context (context.ts), which holds the node's state and parts: connections (connections.ts), the
// command registry (commands/), pings and keep-alive (node-pings.ts), discovery (discovery.ts), topic messages
// (topic-messages.ts), the UDP side channel (udp-status.ts) and LAN discovery (lan/).
import { EventEmitter } from 'node:events'
import { dialableIp, formatAddress, parseAddress } from './address'
import { systemClock } from './clock'
import { DEFAULT_DISCOVERY_TIMEOUT_MS, MAX_PING_SIZE } from './constants'
import { NodeContext } from './context'
import { Edge } from './edge'
import { linkedEdge, type LinkedEdge } from './linked-edge'
import { EdgeClosedError, InvalidOptionError, NodeStoppedError, NotRunningError } from './errors'
import type { ChaskiNodeEvents, DiscoveryResult, NodeStatus } from './events'
import type { OnPair } from './commands/discovery'
import type { LanDiscovery } from './lan/lan-discovery'
import { normalizeLanOptions, type LanOptions } from './lan/options'
import type { LanPeer } from './lan/peer-table'
import type { Logger } from './logger'
import {
  normalizeOptions,
  normalizeTopics,
  validateName,
  validateTopic,
  type ChaskiNodeOptions,
  type NormalizedOptions
} from './options'
import type { ReconnectState } from './reconnect'
import type { NetworkMap } from '../../shared/network-map'
import type { Coordinate } from './coordinates/coordinate'
import { MAP_MAX_DEPTH, MAP_MAX_NODES } from './map/limits'
import type { AdvertStats } from './map/node-map'
import type { StatusResponse } from './udp-status'
import { TlsTransport } from './tls-transport'
import type { TrustedPeer, TrustPolicy } from './trust'
import type { PendingPeer } from './approval'
import { tcpTransport } from './transport'

export type ConnectTarget = ChaskiNode | Edge | string

export interface PingOptions {
  /** Random payload bytes carried by the ping. @default 0 */
  size?: number
  /** @default options.pingTimeoutMs (5000) */
  timeoutMs?: number
  /** Update the edge's latency estimate with this sample. @default true */
  latencyUpdate?: boolean
}

export interface DiscoveryOptions {
  /**
   * Edge (or a node / address we have an edge to) the search starts through. @default every edge: the search
   * reaches the whole connected network, whichever edge leads to the nodes sharing a topic.
   */
  node?: Edge | ChaskiNode | string | null
  onPair?: OnPair
  timeoutMs?: number
}

export interface PublishOptions {
  /** Hop limit when messagePropagation is on. @default options.ttl */
  ttl?: number
}

function settledAlready(): void {}

/** Settled publish() results by edge count, shared: a resolved promise is immutable, so one per count serves all. */
const resolvedCounts: Promise<number>[] = []

function resolvedCount(sent: number): Promise<number> {
  if (sent >= 64) return Promise.resolve(sent)
  return (resolvedCounts[sent] ??= Promise.resolve(sent))
}

const NO_LAN_PEERS: ReadonlyMap<string, LanPeer> = new Map()

// Local copy: publish() validates its topic every time, and imported bindings are getters under tsx.
const checkTopic = validateTopic

type Listener<K extends keyof ChaskiNodeEvents> = (payload: ChaskiNodeEvents[K]) => void

/** Typed events: `node.on('edge-added', ({ edge }) => ...)`. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- typed event overloads only
export interface ChaskiNode {
  on<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): this
  once<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): this
  off<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): this
  addListener<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): this
  removeListener<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): this
  prependListener<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): this
  listenerCount<K extends keyof ChaskiNodeEvents>(event: K): number
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- typed event overloads only
export class ChaskiNode extends EventEmitter {
  /**
   * The id of the node's key (secure nodes; security/node-id.ts), or a random UUID / options.id (secure: false):
   * protocol logic uses it, never the name.
   */
  readonly id: string
  /** Resolves when TCP and UDP listen (`port` is then the real port); rejects with a clear error. */
  readonly ready: Promise<void>
  readonly #ctx: NodeContext
  /** setLan() calls run one after another (null until the first). */
  #lanChange: Promise<void> | null = null
  /** start() was called while idle: it answers `ready` from then on. */
  #started = false
  #stopPromise: Promise<void> | null = null
  #resolveReady!: () => void
  #rejectReady!: (error: Error) => void

  constructor(options: ChaskiNodeOptions = {}) {
    super()
    const normalized = normalizeOptions(options)
    this.id = normalized.id
    const clock = options.clock ?? systemClock
    const transport = normalized.key ? new TlsTransport(normalized.key, clock) : tcpTransport
    const ctx = new NodeContext(this, normalized, clock, transport)
    this.#ctx = ctx
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve
      this.#rejectReady = reject
    })
    // `ready` may legitimately go unobserved (fire-and-forget nodes): never an unhandled rejection.
    this.ready.catch(() => {})
    ctx.lan = ctx.createLan(normalized.lan)
    if (normalized.run) void this.start()
  }

  // ------------------------------------------------------------------------------------------------------
  // Public state

  /** Normalised options (`lan` changes with setLan()): a new frozen object on each read. */
  get options(): Readonly<NormalizedOptions> {
    return this.#ctx.options.flat()
  }

  /** This node's logger: every line says which node wrote it. */
  get log(): Logger {
    return this.#ctx.log
  }

  get name(): string {
    return this.#ctx.name
  }

  /** Renames the node: peers are told (`update`), 'name-changed' is emitted. */
  set name(value: string) {
    const ctx = this.#ctx
    const name = validateName(value)
    if (name === ctx.name) return
    const previous = ctx.name
    ctx.name = name
    ctx.broadcastUpdate()
    ctx.emit('name-changed', { name, previous })
  }

  get ip(): string {
    return this.#ctx.options.ip
  }

  /** 'ip:port' ('[v6]:port') of the listening sockets. */
  get address(): string {
    return formatAddress(this.#ctx.options.ip, this.#ctx.port)
  }

  /** The real listening port once `ready` resolved (0 before). */
  get port(): number {
    return this.#ctx.port
  }

  /** Our listening address as peers dial it (spec §4 origin address). */
  get listenIp(): string {
    return this.#ctx.listenIp
  }

  get ttl(): number {
    return this.#ctx.options.ttl
  }

  get root(): boolean {
    return this.#ctx.options.root
  }

  get maxConnections(): number {
    return this.#ctx.options.maxConnections
  }

  get hopWaitMs(): number {
    return this.#ctx.options.discoveryHopWaitMs
  }

  /** Our topics as they are now: subscribe() and unsubscribe() put a new set in place of this one (read it anew). */
  get subscriptions(): ReadonlySet<string> {
    return this.#ctx.subscriptions
  }

  /** Connected peers (a new array on each read). */
  get edges(): Edge[] {
    return [...this.#ctx.connections.edgeList]
  }

  /** True when every subscription is paired (a root node always counts as paired). */
  get paired(): boolean {
    return this.#ctx.paired
  }

  /** Nodes heard on the LAN (option `lan`), keyed by node id; empty when LAN discovery is off. */
  get lanPeers(): ReadonlyMap<string, LanPeer> {
    return this.#ctx.lan?.peers ?? NO_LAN_PEERS
  }

  /** The LAN discovery instance (interfaces, stats, 'beacon-rejected' events), or null when off. */
  get lanDiscovery(): LanDiscovery | null {
    return this.#ctx.lan?.discovery ?? null
  }

  /** The trust policy (trust.ts): 'open', 'tofu' or 'approve'. */
  get trust(): TrustPolicy {
    return this.#ctx.options.trust
  }

  /**
   * Peers whose key is pinned at their address (policy tofu) or accepted by the user (policy approve), oldest first:
   * save them, seed `trustedPeers`.
   */
  get trustedPeers(): TrustedPeer[] {
    return this.#ctx.connections.trust.list()
  }

  /**
   * Links held pending (policy approve, docs/PROTOCOL.md §3a "Approve") with the comparison code both sides show,
   * oldest first: those this node's user must accept (`accepted: false`), and those waiting for the peer's.
   */
  pendingPeers(): PendingPeer[] {
    return this.#ctx.connections.approvals.list()
  }

  /**
   * Accepts a pending peer: it is pinned (trustedPeers; it links without asking from now on) and told; the link
   * opens once the peer accepts this node too. False when no peer with this id is pending.
   */
  acceptPeer(peerId: string): boolean {
    return this.#ctx.connections.approvals.accept(peerId)
  }

  /**
   * Rejects a pending peer: its link closes with `close {reason: 'rejected'}`, and its links are refused at once for
   * 10 minutes (then it may ask again; revoke() refuses it for good). False when no peer with this id is pending.
   */
  rejectPeer(peerId: string): boolean {
    return this.#ctx.connections.approvals.reject(peerId)
  }

  /**
   * Refuses a peer from now on (close reason 'revoked', under every policy) and closes its link if there is one.
   * Resolves once that link is closed.
   */
  async revoke(peerId: string): Promise<void> {
    const connections = this.#ctx.connections
    connections.trust.revoke(peerId)
    connections.approvals.revoke(peerId)
    const edge = connections.edgesById.get(peerId)
    if (edge) await connections.close(edge, 'revoked', 'closed-by-us')
  }

  /**
   * Takes a revocation back (the person changed their mind): the peer is unknown again, and the policy decides at its
   * next link (tofu pins it, approve holds it pending, open links). False when the id was not revoked.
   */
  unrevoke(peerId: string): boolean {
    const connections = this.#ctx.connections
    connections.approvals.forget(peerId)
    return connections.trust.unrevoke(peerId)
  }

  /** The ids revoked on this node, in the order they were revoked (save them, revoke() them again at the next start). */
  get revokedPeers(): string[] {
    return this.#ctx.connections.trust.revokedIds()
  }

  /** Peers being retried after an unexpected loss (attempt n, next try, since). */
  get reconnects(): ReconnectState[] {
    return this.#ctx.reconnects
  }

  /** Spec §1 / §5: what the UDP status request answers. */
  get status(): NodeStatus {
    return this.#ctx.status
  }

  get running(): boolean {
    return this.#ctx.running
  }

  pairedFor(topic: string): boolean {
    return this.#ctx.pairedFor(topic)
  }

  isConnectedTo(other: ChaskiNode | Edge | string): boolean {
    const connections = this.#ctx.connections
    if (other instanceof ChaskiNode) {
      return (
        connections.edgesById.has(other.id) ||
        connections.edgeByAddress(other.listenIp, other.port) !== undefined
      )
    }
    if (other instanceof Edge) return connections.edgesById.get(other.id) === other
    const address = parseAddress(other)
    return connections.edgeByAddress(dialableIp(address.ip), address.port) !== undefined
  }

  /**
   * The map of the network this node holds (docs/PROTOCOL.md §12): itself, its peers, the nodes learned from
   * neighbour adverts up to `depth` hops (≤ 3), LAN peers; at most `maxNodes` (≤ 1024), nearest first.
   */
  map(options: { depth?: number; maxNodes?: number } = {}): NetworkMap {
    const depth = options.depth ?? MAP_MAX_DEPTH
    const maxNodes = options.maxNodes ?? MAP_MAX_NODES
    if (!Number.isInteger(depth) || depth < 0 || depth > MAP_MAX_DEPTH)
      throw new InvalidOptionError(`map depth must be an integer in 0..${MAP_MAX_DEPTH}`)
    if (!Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > MAP_MAX_NODES)
      throw new InvalidOptionError(`map maxNodes must be an integer in 1..${MAP_MAX_NODES}`)
    return this.#ctx.map.snapshot(depth, maxNodes)
  }

  /**
   * Asks a connected peer (an edge, or the address of one) for the map it holds (docs/PROTOCOL.md §12 "On
   * demand"): up to `depth` hops (≤ 3) and `maxNodes` nodes (≤ 1024). Rejects with MapRequestTimeoutError after
   * `timeoutMs` (default 5 s), EdgeClosedError when the link goes first.
   */
  async requestMap(
    target: Edge | string,
    options: { depth?: number; maxNodes?: number; timeoutMs?: number } = {}
  ): Promise<NetworkMap> {
    const depth = options.depth ?? MAP_MAX_DEPTH
    const maxNodes = options.maxNodes ?? MAP_MAX_NODES
    const timeoutMs = options.timeoutMs ?? 5000
    if (!Number.isInteger(depth) || depth < 0 || depth > MAP_MAX_DEPTH)
      throw new InvalidOptionError(`map depth must be an integer in 0..${MAP_MAX_DEPTH}`)
    if (!Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > MAP_MAX_NODES)
      throw new InvalidOptionError(`map maxNodes must be an integer in 1..${MAP_MAX_NODES}`)
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000)
      throw new InvalidOptionError('map timeoutMs must be an integer in 1..600000')
    const ctx = this.#ctx
    await ctx.whenRunning()
    let edge: LinkedEdge | undefined
    if (target instanceof Edge) edge = ctx.connections.edgesById.get(target.id)
    else {
      const address = parseAddress(target)
      edge = ctx.connections.edgeByAddress(dialableIp(address.ip), address.port)
    }
    if (edge === undefined || !edge.open) throw new EdgeClosedError(`no connected edge to ${String(target)}`)
    return ctx.map.requestMap(edge, depth, maxNodes, timeoutMs)
  }

  /** Counters of neighbour adverts sent, received, accepted, forwarded and ignored (and why). */
  get mapStats(): Readonly<AdvertStats> {
    return { ...this.#ctx.map.stats }
  }

  /** This node's Vivaldi coordinate, kept from the round trips of its pings (keep-alive included). */
  get coordinate(): Coordinate {
    return this.#ctx.map.coordinate
  }

  override toString(): string {
    return `${this.paired ? '*' : ''}ChaskiNode@${formatAddress(this.#ctx.options.ip, this.#ctx.port)}`
  }

  // ------------------------------------------------------------------------------------------------------
  // Lifecycle

  /** Starts listening (called by the constructor unless `run: false`). Resolves like `ready`. */
  start(): Promise<void> {
    if (this.#started) return this.ready
    const ctx = this.#ctx
    if (ctx.lifecycle !== 'idle') return Promise.reject(new NodeStoppedError('node was stopped'))
    ctx.lifecycle = 'starting'
    this.#started = true
    // Settles `ready` (one promise per node, not a second one for start()); it never rejects itself.
    void this.#listen()
    return this.ready
  }

  async #listen(): Promise<void> {
    const ctx = this.#ctx
    try {
      await ctx.listen()
    } catch (error) {
      if (ctx.lifecycle === 'starting') ctx.lifecycle = 'stopped'
      this.#rejectReady(error as Error)
      return
    }
    this.#resolveReady()
    // Settled for good: the resolvers (two closures and their context) need not live as long as the node.
    this.#resolveReady = this.#rejectReady = settledAlready
    ctx.emit('ready', { ip: ctx.options.ip, port: ctx.port })
    // Beacons start once the port is known.
    ctx.startLan()
  }

  /**
   * Turns LAN discovery on or off, or changes its options, on a node that may be running: the old beacons say
   * goodbye and the new ones start at once. Edges are untouched. Invalid options throw InvalidOptionError.
   */
  setLan(lan: boolean | LanOptions): Promise<void> {
    try {
      normalizeLanOptions(lan)
    } catch (error) {
      return Promise.reject(new InvalidOptionError(`option 'lan': ${(error as Error).message}`))
    }
    const ctx = this.#ctx
    const change = (this.#lanChange ?? Promise.resolve()).then(async () => {
      const previous = ctx.lan
      ctx.lan = null
      await previous?.stop()
      ctx.options = ctx.options.withLan(lan)
      if (ctx.lifecycle === 'stopping' || ctx.lifecycle === 'stopped') return
      ctx.lan = ctx.createLan(lan)
      if (ctx.lifecycle === 'running') await ctx.lan?.start()
    })
    this.#lanChange = change.catch(() => {})
    return change
  }

  /** Announces the stop to every peer, closes every socket, clears every timer. Idempotent. */
  stop(): Promise<void> {
    this.#stopPromise ??= this.#shutdown()
    return this.#stopPromise
  }

  async #shutdown(): Promise<void> {
    const ctx = this.#ctx
    const previous = ctx.lifecycle
    ctx.lifecycle = 'stopping'
    if (previous === 'starting') await this.ready.catch(() => {})
    await this.#lanChange
    if (previous === 'idle') this.#rejectReady(new NodeStoppedError('node stopped before it was started'))
    await ctx.shutdown()
    ctx.lifecycle = 'stopped'
    ctx.emit('stopped', {})
  }

  // ------------------------------------------------------------------------------------------------------
  // Connections (spec §3, connections.ts)

  /** Connects to a peer, or returns the existing edge; concurrent calls for one peer share one attempt. */
  async connect(target: ConnectTarget, port?: number): Promise<Edge> {
    const { ip, port: targetPort } = this.#resolveTarget(target, port)
    const ctx = this.#ctx
    if (ctx.lifecycle !== 'running') await ctx.whenRunning()
    return ctx.connections.connect(ip, targetPort, false)
  }

  #resolveTarget(target: ConnectTarget, port?: number): { ip: string; port: number } {
    if (target instanceof ChaskiNode) {
      if (target.port === 0) {
        throw new NotRunningError(`${target.toString()} is not listening yet (await its ready)`)
      }
      return { ip: target.listenIp, port: target.port }
    }
    if (target instanceof Edge) return { ip: target.ip, port: target.port }
    const address = parseAddress(target, port)
    return { ip: dialableIp(address.ip), port: address.port }
  }

  /** Closes an edge deliberately: announced to the peer, never undone by reconnection (spec §3 Ours). */
  async closeConnection(target: ConnectTarget): Promise<void> {
    const connections = this.#ctx.connections
    let edge: LinkedEdge | undefined
    if (target instanceof Edge) edge = linkedEdge(target)
    else if (target instanceof ChaskiNode) edge = connections.edgesById.get(target.id)
    else {
      const { ip, port } = this.#resolveTarget(target)
      connections.forget(ip, port)
      edge = connections.edgeByAddress(ip, port)
    }
    if (edge) await connections.close(edge, 'closed', 'closed-by-us')
  }

  // ------------------------------------------------------------------------------------------------------
  // Ping, latency, keep-alive (spec §6, node-pings.ts)

  /** Pings one edge (resolves with the round trip in ms) or, without an edge, all (Map edge → ms). */
  ping(edge: Edge, options?: PingOptions): Promise<number>
  ping(edge?: null, options?: PingOptions): Promise<Map<Edge, number>>
  ping(edge?: Edge | null, options: PingOptions = {}): Promise<number | Map<Edge, number>> {
    const size = options.size ?? 0
    if (!Number.isInteger(size) || size < 0 || size > MAX_PING_SIZE) {
      return Promise.reject(new InvalidOptionError(`ping size must be an integer in 0..${MAX_PING_SIZE}`))
    }
    const pings = this.#ctx.pings
    const timeoutMs = options.timeoutMs ?? this.#ctx.options.pingTimeoutMs
    const latencyUpdate = options.latencyUpdate ?? true
    // Not an async function: one promise per ping, settled straight by the pong (spec §6 latency matters).
    if (edge) return pings.pingEdge(linkedEdge(edge), size, timeoutMs, latencyUpdate)
    return pings.pingAll(size, timeoutMs, latencyUpdate)
  }

  // ------------------------------------------------------------------------------------------------------
  // Discovery (spec §4, discovery.ts)

  /** Finds a partner for every unpaired subscription; resolves when each topic is concluded. */
  async discovery(options: DiscoveryOptions = {}): Promise<DiscoveryResult[]> {
    const ctx = this.#ctx
    await ctx.whenRunning()
    const onPair = options.onPair ?? 'none'
    if (onPair !== 'none' && onPair !== 'disconnect')
      throw new InvalidOptionError("onPair must be 'none' or 'disconnect'")
    const timeoutMs = options.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0)
      throw new InvalidOptionError('timeoutMs must be a number >= 0')
    const connections = ctx.connections
    let via: LinkedEdge | null = null
    if (options.node instanceof Edge) via = linkedEdge(options.node)
    else if (options.node instanceof ChaskiNode) via = connections.edgesById.get(options.node.id) ?? null
    else if (typeof options.node === 'string') {
      const { ip, port } = this.#resolveTarget(options.node)
      via = connections.edgeByAddress(ip, port) ?? null
    }
    if (options.node && (!via || connections.edgesById.get(via.id) !== via)) {
      throw new EdgeClosedError('discovery: the given node is not a connected edge of this node')
    }
    return ctx.runDiscovery({ via, onPair, timeoutMs })
  }

  /** Asks a node's status over UDP (spec §5); rejects with StatusTimeoutError after timeoutMs. */
  requestStatus(ip: string, port: number, options: { timeoutMs?: number } = {}): Promise<StatusResponse> {
    return this.#ctx.requestStatus(ip, port, options.timeoutMs)
  }

  // ------------------------------------------------------------------------------------------------------
  // Subscriptions and messages (spec §1, §7)

  subscribe(topics: string | Iterable<string>, options: { paired?: boolean } = {}): void {
    const ctx = this.#ctx
    const subs = ctx.subscriptions
    const added = normalizeTopics(topics, 'topics').filter((topic) => !subs.has(topic))
    if (added.length === 0) return
    // A new set, never the one in place: nodes that started alike share theirs (options.ts startTopics).
    const now = new Set(subs)
    for (const topic of added) now.add(topic)
    ctx.subscriptions = now
    for (const topic of added) ctx.pairing.add(topic, options.paired ?? false)
    ctx.broadcastUpdate()
    ctx.emit('subscriptions-changed', { subscriptions: [...now], added, removed: [] })
  }

  unsubscribe(topics: string | Iterable<string>): void {
    const ctx = this.#ctx
    const subs = ctx.subscriptions
    const removed = normalizeTopics(topics, 'topics').filter((topic) => subs.has(topic))
    if (removed.length === 0) return
    const now = new Set(subs)
    for (const topic of removed) now.delete(topic)
    ctx.subscriptions = now
    for (const topic of removed) {
      ctx.pairing.remove(topic)
      for (const edge of ctx.connections.edgesById.values()) edge.pairedTopics.delete(topic)
    }
    ctx.broadcastUpdate()
    ctx.emit('subscriptions-changed', { subscriptions: [...now], added: [], removed })
  }

  /**
   * Sends `data` to every edge whose peer subscribes to `topic` (or is root). Resolves with the number of
   * edges it was sent to, after socket buffers drained below the high-water mark (backpressure).
   */
  publish(topic: string, data: unknown, options?: PublishOptions): Promise<number> {
    // Not an async function: a publish that need not wait returns a shared settled promise and allocates nothing
    // for it (an async function's promise and frame were a third of the bytes allocated per 64 B message). Errors
    // still reject, never throw.
    const ctx = this.#ctx
    try {
      checkTopic(topic)
      if (ctx.lifecycle !== 'running') return this.#publishWhenRunning(topic, data, options)
      const sent = ctx.messages.publish(topic, data, options?.ttl ?? ctx.options.ttl, ctx.clock.epochMs())
      return typeof sent === 'number' ? resolvedCount(sent) : sent
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  async #publishWhenRunning(topic: string, data: unknown, options?: PublishOptions): Promise<number> {
    const ctx = this.#ctx
    await ctx.whenRunning()
    return ctx.messages.publish(topic, data, options?.ttl ?? ctx.options.ttl, ctx.clock.epochMs())
  }
}
