// ChaskiNode (spec §1–§7): wires the listener, links, handshake, ping/keep-alive, reconnection, discovery,
// the UDP side channel and pub/sub together. Protocol details live in the modules it delegates to.
import type dgram from 'node:dgram'
import { createSocket } from 'node:dgram'
import { EventEmitter } from 'node:events'
import net from 'node:net'
import { dialableIp, formatAddress, parseAddress } from './address'
import type { Codec } from './codec'
import { ConnectionManager, type ConnectionHost } from './connections'
import {
  CONTROL_TOPIC,
  DEFAULT_DISCOVERY_TIMEOUT_MS,
  KEEP_ALIVE_JITTER_FACTOR,
  MAX_PING_SIZE,
  PROTOCOL_VERSION,
  ROOT_TOPIC
} from './constants'
import { DiscoveryEngine, type DiscoveryHost } from './discovery'
import { Edge } from './edge'
import {
  DialLimitedError,
  EdgeClosedError,
  InvalidOptionError,
  NodeStoppedError,
  NotRunningError
} from './errors'
import type { ChaskiNodeEvents, DiscoveryResult, NodeStatus } from './events'
import { nextMessageId } from './ids'
import type { Link } from './link'
import { bindSockets, closeServer, closeUdp } from './listener'
import { LocalIdentity } from './local-identity'
import { createLogger, type Logger } from './logger'
import { MessagePool } from './message-pool'
import {
  isKnownCommand,
  parseDiscovery,
  parseDiscoveryAck,
  parseReportPaired,
  parseUpdate,
  type Envelope,
  type Identity,
  type OnPair
} from './messages'
import {
  normalizeOptions,
  normalizeTopics,
  validateName,
  validateTopic,
  type ChaskiNodeOptions,
  type NormalizedOptions
} from './options'
import { PairingState } from './pairing'
import { KeepAlive } from './pinger'
import { NodePings } from './node-pings'
import type { ReconnectState } from './reconnect'
import { UdpStatusChannel, type StatusResponse } from './udp-status'
import { WireFormat, type OutgoingFrame } from './wire'
import { NodeLan } from './lan/node-lan'
import { normalizeLanOptions, type LanOptions } from './lan/options'
import type { LanPeer } from './lan/peer-table'
import type { LanDiscovery } from './lan/lan-discovery'

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
  /** Edge (or a node / address we have an edge to) the search starts through. @default the first edge */
  node?: Edge | ChaskiNode | string | null
  onPair?: OnPair
  timeoutMs?: number
}

export interface PublishOptions {
  /** Hop limit when messagePropagation is on. @default options.ttl */
  ttl?: number
}

type Lifecycle = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped'

const NO_LAN_PEERS: ReadonlyMap<string, LanPeer> = new Map()

// Local copy: hot paths should not go through module-binding getters when run from transpiled sources.
const CONTROL = CONTROL_TOPIC
const newMessageId = nextMessageId
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
export class ChaskiNode extends EventEmitter implements DiscoveryHost, ConnectionHost {
  /** Random UUID (or options.id): protocol logic uses it, never the name. */
  readonly id: string
  /** Normalised options (`lan` changes with setLan()). */
  get options(): Readonly<NormalizedOptions> {
    return this._options
  }
  /** Resolves when TCP and UDP listen (`port` is then the real port); rejects with a clear error. */
  readonly ready: Promise<void>
  readonly log: Logger

  private _options: Readonly<NormalizedOptions>
  private _name: string
  private _port = 0
  private readonly subs: Set<string>
  readonly pairing: PairingState
  private readonly codec: Codec
  /** @internal Frame encoding/decoding (ConnectionHost). */
  readonly wire: WireFormat
  /** Our identity as sent in handshakes and pongs; rebuilt after a change of name, subscriptions or pairing. */
  private readonly localIdentity: LocalIdentity
  private readonly connections: ConnectionManager
  private readonly pings: NodePings
  private readonly keepAlive: KeepAlive | null
  private readonly discoveryEngine: DiscoveryEngine
  private readonly pool: MessagePool | null
  /** LAN discovery (option `lan`), null when off. */
  private lan: NodeLan | null
  /** setLan() calls run one after another. */
  private lanChange: Promise<void> = Promise.resolve()
  private server: net.Server | null = null
  private udp: dgram.Socket | null = null
  private statusChannel: UdpStatusChannel | null = null
  private lifecycle: Lifecycle = 'idle'
  private startPromise: Promise<void> | null = null
  private stopPromise: Promise<void> | null = null
  private resolveReady!: () => void
  private rejectReady!: (error: Error) => void

  constructor(options: ChaskiNodeOptions = {}) {
    super()
    const normalized = normalizeOptions(options)
    this._options = Object.freeze(normalized)
    this.id = normalized.id
    this._name = normalized.name
    this.codec = normalized.codec
    this.wire = new WireFormat(normalized.codec, normalized.customCodec, normalized.messagePropagation)
    this.localIdentity = new LocalIdentity(() => this.buildIdentity(), normalized.customCodec)
    this.log = createLogger('chaski:node')
    this.subs = new Set(normalized.subscriptions)
    if (normalized.root) this.subs.add(ROOT_TOPIC)
    this.pairing = new PairingState(this.subs, normalized.paired, (topic, paired, edge) =>
      this.onPairingChange(topic, paired, edge)
    )
    if (normalized.root) this.pairing.setPaired(ROOT_TOPIC, 0)
    this.pool = normalized.messagePropagation ? new MessagePool(normalized.messagesPoolMaxSize) : null
    this.keepAlive = normalized.keepAlive
      ? new KeepAlive(normalized.keepAliveIntervalMs, KEEP_ALIVE_JITTER_FACTOR, () =>
          this.pings.keepAliveRound()
        )
      : null
    this.discoveryEngine = new DiscoveryEngine(this)
    // The node is its connections' host (@internal methods below), as it is its discovery engine's: no host
    // object with a closure per method, per node.
    this.connections = new ConnectionManager(this)
    this.pings = new NodePings(this, this.connections, this.localIdentity)
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve
      this.rejectReady = reject
    })
    // `ready` may legitimately go unobserved (fire-and-forget nodes): never an unhandled rejection.
    this.ready.catch(() => {})
    this.lan = this.createLan(normalized.lan)
    if (normalized.run) void this.start().catch(() => {})
  }

  // ------------------------------------------------------------------------------------------------------
  // Public state

  get name(): string {
    return this._name
  }

  /** Renames the node: peers are told (`update`), 'name-changed' is emitted. */
  set name(value: string) {
    const name = validateName(value)
    if (name === this._name) return
    const previous = this._name
    this._name = name
    this.identityChanged()
    this.broadcastUpdate()
    this.emitSafe('name-changed', { name, previous })
  }

  get ip(): string {
    return this.options.ip
  }

  /** 'ip:port' ('[v6]:port') of the listening sockets. */
  get address(): string {
    return formatAddress(this.options.ip, this._port)
  }

  /** The real listening port once `ready` resolved (0 before). */
  get port(): number {
    return this._port
  }

  /** Our listening address as peers dial it (spec §4 origin address). */
  get listenIp(): string {
    return dialableIp(this.options.ip)
  }

  get ttl(): number {
    return this.options.ttl
  }

  get root(): boolean {
    return this.options.root
  }

  get maxConnections(): number {
    return this.options.maxConnections
  }

  get hopWaitMs(): number {
    return this.options.discoveryHopWaitMs
  }

  get subscriptions(): ReadonlySet<string> {
    return this.subs
  }

  /** Connected peers (a new array on each read). */
  get edges(): Edge[] {
    return this.connections.edges
  }

  /** True when every subscription is paired (a root node always counts as paired). */
  get paired(): boolean {
    return this.options.root || this.pairing.allPaired
  }

  /** Nodes heard on the LAN (option `lan`), keyed by node id; empty when LAN discovery is off. */
  get lanPeers(): ReadonlyMap<string, LanPeer> {
    return this.lan?.peers ?? NO_LAN_PEERS
  }

  /** The LAN discovery instance (interfaces, stats, 'beacon-rejected' events), or null when off. */
  get lanDiscovery(): LanDiscovery | null {
    return this.lan?.discovery ?? null
  }

  /** Peers being retried after an unexpected loss (attempt n, next try, since). */
  get reconnects(): ReconnectState[] {
    return this.connections.reconnects
  }

  /** Spec §1 / §5: what the UDP status request answers. */
  get status(): NodeStatus {
    return {
      name: this._name,
      paired: this.pairing.toRecord(),
      serving: this.lifecycle === 'running' && this.server !== null && this.server.listening,
      reconnecting: this.connections.reconnecting
    }
  }

  get running(): boolean {
    return this.lifecycle === 'running'
  }

  pairedFor(topic: string): boolean {
    return (this.options.root && topic === ROOT_TOPIC) || this.pairing.isPaired(topic)
  }

  isConnectedTo(other: ChaskiNode | Edge | string): boolean {
    if (other instanceof ChaskiNode) {
      return (
        this.edgesById.has(other.id) ||
        this.connections.edgeByAddress(other.listenIp, other.port) !== undefined
      )
    }
    if (other instanceof Edge) return this.edgesById.get(other.id) === other
    const address = parseAddress(other)
    return this.connections.edgeByAddress(dialableIp(address.ip), address.port) !== undefined
  }

  override toString(): string {
    return `${this.paired ? '*' : ''}ChaskiNode@${formatAddress(this.options.ip, this._port)}`
  }

  // ------------------------------------------------------------------------------------------------------
  // Lifecycle

  /** Starts listening (called by the constructor unless `run: false`). Resolves like `ready`. */
  start(): Promise<void> {
    if (this.startPromise) return this.startPromise
    if (this.lifecycle !== 'idle') return Promise.reject(new NodeStoppedError('node was stopped'))
    this.lifecycle = 'starting'
    this.startPromise = this.listen()
    return this.startPromise
  }

  private async listen(): Promise<void> {
    const { ip, port, root } = this.options
    let bound
    try {
      bound = await bindSockets(
        ip,
        port,
        root,
        () => net.createServer({ noDelay: true }, (socket) => this.connections.accept(socket)),
        () => createSocket({ type: net.isIP(ip) === 6 ? 'udp6' : 'udp4' })
      )
    } catch (error) {
      this.lifecycle = 'stopped'
      this.rejectReady(error as Error)
      throw error
    }
    if (this.lifecycle !== 'starting') {
      // stop() was called while binding.
      await Promise.all([closeServer(bound.server), closeUdp(bound.udp)])
      const error = new NodeStoppedError('node stopped before it was ready')
      this.rejectReady(error)
      throw error
    }
    this.server = bound.server
    this.udp = bound.udp
    this._port = bound.port
    this.identityChanged()
    // Encoded now that the port is known, so connecting does not pay for it (rebuilt on identity changes).
    this.localIdentity.handshake(PROTOCOL_VERSION, false)
    this.server.on('error', (error) => this.log.error('TCP server error', { error }))
    this.udp.on('error', (error) => this.log.warn('UDP socket error', { error }))
    this.statusChannel = new UdpStatusChannel(
      this.udp,
      this.codec,
      () => this.status,
      this.log,
      (error, address, rport) => {
        this.log.debug('dropped a datagram', { from: formatAddress(address, rport), error })
      }
    )
    this.lifecycle = 'running'
    this.keepAlive?.start()
    this.resolveReady()
    this.emitSafe('ready', { ip, port: bound.port })
    // Beacons start once the port is known; their sockets are the LAN module's (stop() waits for them).
    this.lan?.start().catch((error: unknown) => this.log.warn('LAN discovery failed to start', { error }))
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
    const change = this.lanChange.then(async () => {
      const previous = this.lan
      this.lan = null
      await previous?.stop()
      this._options = Object.freeze({ ...this._options, lan })
      if (this.lifecycle === 'stopping' || this.lifecycle === 'stopped') return
      this.lan = this.createLan(lan)
      if (this.lifecycle === 'running') await this.lan?.start()
    })
    this.lanChange = change.catch(() => {})
    return change
  }

  private createLan(lan: boolean | LanOptions): NodeLan | null {
    if (lan === false) return null
    return new NodeLan(this, lan, {
      isConnected: (id) => this.edgesById.has(id),
      emit: (event, payload) => this.emitSafe(event, payload)
    })
  }

  /** Announces the stop to every peer, closes every socket, clears every timer. Idempotent. */
  stop(): Promise<void> {
    this.stopPromise ??= this.shutdown()
    return this.stopPromise
  }

  private async shutdown(): Promise<void> {
    const previous = this.lifecycle
    this.lifecycle = 'stopping'
    if (previous === 'starting') await this.startPromise?.catch(() => {})
    await this.lanChange
    await this.lan?.stop() // goodbye first: LAN peers drop us at once, auto-connect dials nothing more
    this.keepAlive?.stop()
    this.discoveryEngine.stop()
    this.pings.clear(new NodeStoppedError('node stopped'))
    this.statusChannel?.close()
    if (previous === 'idle') this.rejectReady(new NodeStoppedError('node stopped before it was started'))
    const closing: Promise<void>[] = [this.connections.stop()]
    if (this.server) closing.push(closeServer(this.server))
    if (this.udp) closing.push(closeUdp(this.udp))
    await Promise.all(closing)
    this.lifecycle = 'stopped'
    this.emitSafe('stopped', {})
  }

  private async whenRunning(): Promise<void> {
    if (this.lifecycle === 'running') return
    if (this.lifecycle === 'starting') {
      await this.ready
      return
    }
    if (this.lifecycle === 'idle')
      throw new NotRunningError('node is not started (run: false): call start() first')
    throw new NodeStoppedError('node is stopped')
  }

  // ------------------------------------------------------------------------------------------------------
  // Connections (spec §3, delegated to ConnectionManager)

  /** @internal Edges by peer id. */
  private get edgesById(): ReadonlyMap<string, Edge> {
    return this.connections.edgesById
  }

  /** Connects to a peer, or returns the existing edge; concurrent calls for one peer share one attempt. */
  async connect(target: ConnectTarget, port?: number): Promise<Edge> {
    const { ip, port: targetPort } = this.resolveTarget(target, port)
    if (this.lifecycle !== 'running') await this.whenRunning()
    return this.connections.connect(ip, targetPort, false)
  }

  private resolveTarget(target: ConnectTarget, port?: number): { ip: string; port: number } {
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
    let edge: Edge | undefined
    if (target instanceof Edge) edge = target
    else if (target instanceof ChaskiNode) edge = this.edgesById.get(target.id)
    else {
      const { ip, port } = this.resolveTarget(target)
      this.connections.forget(ip, port)
      edge = this.connections.edgeByAddress(ip, port)
    }
    if (edge) await this.connections.close(edge, 'closed', 'closed-by-us')
  }

  /** @internal Deliberate close decided by discovery (spec §4). */
  closeEdge(edge: Edge, reason: 'pair-disconnect' | 'pair-rejected'): void {
    void this.connections.close(edge, reason, reason)
  }

  /** @internal ConnectionHost */
  isRunning(): boolean {
    return this.lifecycle === 'running'
  }

  /** @internal ConnectionHost */
  listeningPort(): number {
    return this._port
  }

  /** @internal ConnectionHost: data of our handshake / handshake_back. */
  handshakeData(version: number, reconnect: boolean): unknown {
    return this.localIdentity.handshake(version, reconnect)
  }

  /** @internal ConnectionHost: frames to decode (topic 'All', our subscriptions, everything when root). */
  acceptsTopic(topic: string): boolean {
    return topic === CONTROL || this.options.root || this.subs.has(topic)
  }

  /** @internal ConnectionHost: an edge left the registry. */
  onEdgeRemoved(edge: Edge): void {
    this.pings.dropEdge(edge)
    this.discoveryEngine.onEdgeRemoved(edge)
  }

  /** @internal ConnectionHost: frames of an established edge (the handshake and close are ConnectionManager's). */
  onCommand(link: Link, edge: Edge, envelope: Envelope): void {
    switch (envelope.command) {
      case 'message':
        this.onMessage(edge, envelope)
        return
      case 'ping':
        this.pings.onPing(edge, envelope)
        return
      case 'pong':
        this.pings.onPong(edge, envelope)
        return
      case 'discovery':
        this.discoveryEngine.onDiscovery(edge, parseDiscovery(envelope.data), envelope.ttl)
        return
      case 'discovery_ack':
        this.discoveryEngine.onAck(edge, parseDiscoveryAck(envelope.data))
        return
      case 'report_paired':
        this.discoveryEngine.onReport(edge, parseReportPaired(envelope.data))
        return
      case 'update':
        if (edge.refresh(parseUpdate(envelope.data))) this.emitSafe('edge-updated', { edge })
        return
      default:
        if (!isKnownCommand(envelope.command) && link.shouldLogUnknownCommand()) {
          this.log.warn('unknown command ignored', { command: envelope.command, from: edge.toString() })
        }
    }
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
    const timeoutMs = options.timeoutMs ?? this.options.pingTimeoutMs
    const latencyUpdate = options.latencyUpdate ?? true
    // Not an async function: one promise per ping, settled straight by the pong (spec §6 latency matters).
    if (edge) return this.pings.pingEdge(edge, size, timeoutMs, latencyUpdate)
    return this.pings.pingAll(size, timeoutMs, latencyUpdate)
  }

  // ------------------------------------------------------------------------------------------------------
  // Discovery (spec §4)

  /** Finds a partner for every unpaired subscription; resolves when each topic is concluded. */
  async discovery(options: DiscoveryOptions = {}): Promise<DiscoveryResult[]> {
    await this.whenRunning()
    const onPair = options.onPair ?? 'none'
    if (onPair !== 'none' && onPair !== 'disconnect')
      throw new InvalidOptionError("onPair must be 'none' or 'disconnect'")
    const timeoutMs = options.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0)
      throw new InvalidOptionError('timeoutMs must be a number >= 0')
    let via: Edge | null = null
    if (options.node instanceof Edge) via = options.node
    else if (options.node instanceof ChaskiNode) via = this.edgesById.get(options.node.id) ?? null
    else if (typeof options.node === 'string') {
      const { ip, port } = this.resolveTarget(options.node)
      via = this.connections.edgeByAddress(ip, port) ?? null
    }
    if (options.node && (!via || this.edgesById.get(via.id) !== via)) {
      throw new EdgeClosedError('discovery: the given node is not a connected edge of this node')
    }
    const topics = [...this.subs].filter((topic) => topic !== ROOT_TOPIC)
    this.emitSafe('discovery-started', { topics, via: via ?? this.edges[0] ?? null, onPair, timeoutMs })
    return this.discoveryEngine.run({ via, onPair, timeoutMs })
  }

  /** @internal DiscoveryHost */
  edgeList(): Edge[] {
    return this.edges
  }

  /** @internal DiscoveryHost */
  edgeByAddress(ip: string, port: number): Edge | undefined {
    return this.connections.edgeByAddress(ip, port)
  }

  /** @internal DiscoveryHost */
  send(
    edge: Edge,
    command: 'discovery' | 'discovery_ack' | 'report_paired',
    data: object,
    ttl: number
  ): void {
    if (edge.open) this.wire.send(edge.link, command, CONTROL, data, ttl, Date.now())
  }

  /** @internal DiscoveryHost */
  connectToPeer(ip: string, port: number): Promise<Edge> {
    return this.connections.connect(ip, port, false)
  }

  /** @internal DiscoveryHost: dial limits of addresses learned from the network (docs/PROTOCOL.md §10). */
  allowLearnedDial(ip: string, port: number): boolean {
    return this.connections.allowLearnedDial(ip, port)
  }

  /**
   * @internal Connects to an address learned from the network (a LAN beacon) within the dial limits of such
   * addresses: rejects with DialLimitedError when that target, or all together, were dialled too often lately.
   */
  async connectLearned(target: string): Promise<Edge> {
    const { ip, port } = this.resolveTarget(target)
    if (this.lifecycle !== 'running') await this.whenRunning()
    if (!this.connections.allowLearnedDial(ip, port)) {
      throw new DialLimitedError(`not dialling ${formatAddress(ip, port)} now: dialled too often lately`)
    }
    return this.connections.connect(ip, port, false)
  }

  /** @internal DiscoveryHost */
  markEdgePaired(edge: Edge, topic: string): void {
    edge.pairedTopics.add(topic)
  }

  /** @internal DiscoveryHost */
  concluded(result: DiscoveryResult): void {
    this.emitSafe('discovery-concluded', result)
  }

  /** Asks a node's status over UDP (spec §5); rejects with StatusTimeoutError after timeoutMs. */
  async requestStatus(
    ip: string,
    port: number,
    options: { timeoutMs?: number } = {}
  ): Promise<StatusResponse> {
    await this.whenRunning()
    return this.statusChannel!.request(ip, port, options.timeoutMs ?? this.options.statusTimeoutMs)
  }

  private onPairingChange(topic: string, paired: boolean, edge: Edge | null): void {
    this.identityChanged()
    if (paired) this.emitSafe('paired', { topic, edge })
    else this.emitSafe('unpaired', { topic })
  }

  // ------------------------------------------------------------------------------------------------------
  // Subscriptions and messages (spec §1, §7)

  subscribe(topics: string | Iterable<string>, options: { paired?: boolean } = {}): void {
    const added = normalizeTopics(topics, 'topics').filter((topic) => !this.subs.has(topic))
    if (added.length === 0) return
    for (const topic of added) {
      this.subs.add(topic)
      this.pairing.add(topic, options.paired ?? false)
    }
    this.broadcastUpdate()
    this.emitSafe('subscriptions-changed', { subscriptions: [...this.subs], added, removed: [] })
  }

  unsubscribe(topics: string | Iterable<string>): void {
    const removed = normalizeTopics(topics, 'topics').filter((topic) => this.subs.has(topic))
    if (removed.length === 0) return
    for (const topic of removed) {
      this.subs.delete(topic)
      this.pairing.remove(topic)
      for (const edge of this.edgesById.values()) edge.pairedTopics.delete(topic)
    }
    this.broadcastUpdate()
    this.emitSafe('subscriptions-changed', { subscriptions: [...this.subs], added: [], removed })
  }

  /**
   * Sends `data` to every edge whose peer subscribes to `topic` (or is root). Resolves with the number of
   * edges it was sent to, after socket buffers drained below the high-water mark (backpressure).
   */
  async publish(topic: string, data: unknown, options?: PublishOptions): Promise<number> {
    checkTopic(topic)
    if (this.lifecycle !== 'running') await this.whenRunning()
    const ttl = options?.ttl ?? this.options.ttl
    const pool = this.pool
    // Pooled ids (propagation) are needed as strings; otherwise the id is written into the frame as bytes.
    const uuid = pool === null ? null : newMessageId()
    if (uuid !== null) pool!.add(uuid)
    const frame = this.wire.outgoing('message', topic, data, ttl, uuid, Date.now())
    let sent = 0
    let waits: Promise<void>[] | null = null
    for (const edge of this.connections.edgeList) {
      if (!edge.wants(topic) || !frame.sendTo(edge.link)) continue
      sent++
      if (edge.link.congested) (waits ??= []).push(edge.link.waitDrain())
    }
    if (waits) await Promise.all(waits)
    return sent
  }

  private onMessage(edge: Edge, envelope: Envelope): void {
    const pool = this.pool
    if (pool !== null && !pool.add(envelope.uuid)) return
    const topic = envelope.topic
    if (this.options.root || this.subs.has(topic))
      this.emitSafe('message', { topic, data: envelope.data, from: edge.from })
    // Propagation (spec §6): forward with ttl - 1 to every other interested edge.
    if (pool === null || envelope.ttl - 1 <= 0) return
    let frame: OutgoingFrame | null = null
    for (const other of this.connections.edgeList) {
      if (other === edge || !other.wants(topic)) continue
      frame ??= this.wire.outgoing(
        'message',
        topic,
        envelope.data,
        envelope.ttl - 1,
        envelope.uuid,
        envelope.timestamp
      )
      frame.sendTo(other.link)
    }
  }

  private broadcastUpdate(): void {
    this.identityChanged()
    if (this.edgesById.size === 0) return
    const frame = this.controlFrame('update', {
      name: this._name,
      subscriptions: [...this.subs],
      paired: this.paired
    })
    for (const edge of this.edgesById.values()) edge.link.send(frame)
  }

  // ------------------------------------------------------------------------------------------------------
  // Encoding helpers

  /** Our identity as sent in handshakes and pongs (LocalIdentity caches it until identityChanged()). */
  private buildIdentity(): Identity {
    return {
      id: this.id,
      name: this._name,
      ip: this.options.ip,
      port: this._port,
      subscriptions: [...this.subs],
      paired: this.paired,
      root: this.options.root
    }
  }

  private identityChanged(): void {
    this.localIdentity.changed()
  }

  private controlFrame(command: string, data: unknown): Buffer {
    return this.wire.control(command, data, this.options.ttl)
  }

  /**
   * @internal ConnectionHost. Listener errors are logged, never allowed to break the connection that triggered
   * them.
   */
  emitSafe<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): void {
    if (this.listenerCount(event) === 0) return
    try {
      this.emit(event, payload)
    } catch (error) {
      this.log.error(`a '${event}' listener threw`, { error })
    }
  }
}
