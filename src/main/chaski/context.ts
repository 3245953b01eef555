// The private context of one node (as js-libp2p hands its parts `components`): the node's state and its parts,
// given to each part through the narrow interface that part declares (ConnectionHost, DiscoveryHost, PingHost,
// MessageHost, LanHost, and the command handlers' CommandContext). The public ChaskiNode (node.ts) owns one and
// delegates to it; nothing here is reachable from the node's public API.
import type dgram from 'node:dgram'
import type net from 'node:net'
import { createSocket } from 'node:dgram'
import { dialableIp, formatAddress, ipVersion, parseAddress } from './address'
import type { Clock } from './clock'
import type { Codec } from './codec'
import type { CommandData } from './commands/index'
import { dispatchCommand } from './commands/index'
import { CONTROL_TOPIC, PLAINTEXT_PROTOCOL_VERSION, PROTOCOL_VERSION, ROOT_TOPIC } from './constants'
import { isNodeId } from './security/node-id'
import type { NetworkKeySet } from './security/network-key'
import { ConnectionManager, type ConnectionHost } from './connections'
import { DiscoveryEngine, type DiscoveryHost, type DiscoveryRequest } from './discovery'
import { linkedEdge, type LinkedEdge } from './linked-edge'
import type { Envelope } from './envelope'
import { DialLimitedError, NodeStoppedError, NotRunningError, ProtocolError } from './errors'
import type { ChaskiNodeEvents, DiscoveryResult, NodeStatus } from './events'
import type { Identity } from './identity'
import { bindSockets, closeUdp } from './listener'
import { LocalIdentity, type IdentitySource } from './local-identity'
import { localFeatures, readRun } from './message-runs'
import { nodeLogger, type Logger } from './logger'
import { NodeLan, type LanHost } from './lan/node-lan'
import type { LanOptions } from './lan/options'
import { NodeMap, type MapHost } from './map/node-map'
import type { AdvertOptions } from './map/options'
import type { NodeKey } from './security/node-key'
import { NodePings, type PingHost } from './node-pings'
import { NodeOptions, type NormalizedOptions } from './options'
import { PairingState } from './pairing'
import type { PeerLink } from './peer-link'
import type { ReconnectState } from './reconnect'
import { TopicMessages, type MessageHost } from './topic-messages'
import type { ListenerOwner, Transport, TransportListener } from './transport'
import { UdpStatusChannel, type StatusResponse } from './udp-status'
import { WireFormat } from './wire'

type Listener<K extends keyof ChaskiNodeEvents> = (payload: ChaskiNodeEvents[K]) => void

/** The public node, as its context sees it: where events go. */
export interface NodeEvents {
  /** Resolves when listening (whenRunning() waits for it while starting). */
  readonly ready: Promise<void>
  emit<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): boolean
  listenerCount<K extends keyof ChaskiNodeEvents>(event: K): number
  on<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): unknown
  off<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): unknown
}

export type Lifecycle = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped'

// Local copy: hot paths should not go through module-binding getters when run from transpiled sources.
const CONTROL = CONTROL_TOPIC

export class NodeContext
  implements
    ConnectionHost,
    DiscoveryHost,
    PingHost,
    MessageHost,
    LanHost,
    IdentitySource,
    MapHost,
    ListenerOwner
{
  /** The node's options (shared with nodes whose values are equal: options.ts NodeOptions). */
  options: NodeOptions
  name: string
  /** The real listening port once listening (0 before). */
  port = 0
  lifecycle: Lifecycle = 'idle'
  /**
   * Our topics (the root topic among them on a root node). Never modified: subscribe() and unsubscribe() put a new
   * set here (nodes that start alike share one: options.ts startTopics).
   */
  subscriptions: ReadonlySet<string>
  readonly pairing: PairingState
  readonly wire: WireFormat
  /** Our identity as sent in handshakes and pongs; rebuilt after a change of name, subscriptions or pairing. */
  readonly identity: LocalIdentity
  /** The node's logger, made on the first line logged (most nodes of a large network log nothing). */
  private logger: Logger | null = null
  readonly connections: ConnectionManager
  readonly pings: NodePings
  // Made on first use: a node that never runs, relays or answers a discovery, never publishes nor receives a
  // message, needs neither.
  private discoveryEngine: DiscoveryEngine | null = null
  private topicMessages: TopicMessages | null = null
  /** Neighbour adverts, the map store and our Vivaldi coordinate (map/node-map.ts). */
  readonly map: NodeMap
  /** LAN discovery (option `lan`), null when off. */
  lan: NodeLan | null = null
  listener: TransportListener | null = null
  udp: dgram.Socket | null = null
  statusChannel: UdpStatusChannel | null = null
  /** The `paired` flag every edge was last told (handshake or update); an update follows when it changes. */
  private pairedTold: boolean
  private pairedCheckScheduled = false

  constructor(
    private readonly events: NodeEvents,
    options: NormalizedOptions,
    clock: Clock,
    readonly transport: Transport
  ) {
    this.options = NodeOptions.of(options, clock)
    this.name = options.name
    this.wire = WireFormat.of(options.codec, options.customCodec, options.messagePropagation)
    this.identity = new LocalIdentity(
      this,
      options.customCodec,
      localFeatures(options.customCodec, options.maxFrameSize)
    )
    this.subscriptions = this.options.startTopics
    this.pairing = new PairingState(options.paired, this)
    if (options.root) this.pairing.setPaired(ROOT_TOPIC, 0)
    this.pairedTold = this.paired
    this.connections = new ConnectionManager(this)
    this.pings = new NodePings(this)
    this.map = new NodeMap(this)
  }

  /** The node's logger ('chaski:node'; its parts' loggers are its children). */
  get log(): Logger {
    return (this.logger ??= nodeLogger(this))
  }

  /** The node id (the key's on a secure node): kept in the options, not twice. */
  get id(): string {
    return this.options.id
  }

  /** The clock every timing decision of the node reads (option `clock`). */
  get clock(): Clock {
    return this.options.clock
  }

  get codec(): Codec {
    return this.options.codec
  }

  /** MapHost: the option `adverts`. */
  get adverts(): Readonly<AdvertOptions> {
    return this.options.adverts
  }

  /** MapHost: the key that signs our adverts (null on a plaintext node: `secure: false`). */
  get nodeKey(): NodeKey | null {
    return this.options.key
  }

  /** Discovery (spec §4). */
  get discovery(): DiscoveryEngine {
    return (this.discoveryEngine ??= new DiscoveryEngine(this))
  }

  /** Topic messages (spec §7). */
  get messages(): TopicMessages {
    return (this.topicMessages ??= new TopicMessages(this))
  }

  // ------------------------------------------------------------------------------------------------------
  // State the parts read

  get running(): boolean {
    return this.lifecycle === 'running'
  }

  get ip(): string {
    return this.options.ip
  }

  /** Our listening address as peers dial it (spec §4 origin address). */
  get listenIp(): string {
    return dialableIp(this.options.ip)
  }

  get ttl(): number {
    return this.options.ttl
  }

  /** LanHost: our network key (beacons are authenticated with it). */
  get networkKey(): NetworkKeySet | null {
    return this.options.networkKey
  }

  /** LanHost: the version our links speak, as beacons announce it (not always PROTOCOL_VERSION: plaintext nodes). */
  get linkVersion(): number {
    return this.transport.secure ? PROTOCOL_VERSION : PLAINTEXT_PROTOCOL_VERSION
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

  /** True when every subscription is paired (a root node always counts as paired). */
  get paired(): boolean {
    return this.options.root || this.pairing.allPaired
  }

  /** The registered edges, not to be modified (a new array once an edge comes or goes). */
  get edges(): readonly LinkedEdge[] {
    return this.connections.edgeList
  }

  get edgesById(): ReadonlyMap<string, LinkedEdge> {
    return this.connections.edgesById
  }

  get reconnects(): ReconnectState[] {
    return this.connections.reconnects
  }

  /** Spec §1 / §5: what the UDP status request answers. */
  get status(): NodeStatus {
    return {
      name: this.name,
      paired: this.pairing.toRecord(),
      serving: this.lifecycle === 'running' && this.listener !== null && this.listener.listening,
      reconnecting: this.connections.reconnecting
    }
  }

  pairedFor(topic: string): boolean {
    return (this.options.root && topic === ROOT_TOPIC) || this.pairing.isPaired(topic)
  }

  isConnected(id: string): boolean {
    return this.connections.edgesById.has(id)
  }

  /** IdentitySource: our identity as handshakes, pongs and beacons carry it (every field of identity.ts). */
  identityNow(): Identity {
    return {
      id: this.id,
      name: this.name,
      ip: this.options.ip,
      port: this.port,
      subscriptions: [...this.subscriptions],
      paired: this.paired,
      root: this.options.root
    }
  }

  // ------------------------------------------------------------------------------------------------------
  // Events

  /** Emits a node event; a throwing listener is logged, never thrown into the code that emitted. */
  emit<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): void {
    // Our edges changed: our next advert says so (debounced).
    if (event === 'edge-added')
      this.map.onEdgeAdded(linkedEdge((payload as ChaskiNodeEvents['edge-added']).edge))
    else if (event === 'reconnect-gave-up') this.map.changed()
    const events = this.events
    if (events.listenerCount(event) === 0) return
    try {
      events.emit(event, payload)
    } catch (error) {
      this.log.error(`a '${event}' listener threw`, { error })
    }
  }

  listenerCount(event: keyof ChaskiNodeEvents): number {
    return this.events.listenerCount(event)
  }

  on<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): void {
    this.events.on(event, listener)
  }

  off<K extends keyof ChaskiNodeEvents>(event: K, listener: Listener<K>): void {
    this.events.off(event, listener)
  }

  // ------------------------------------------------------------------------------------------------------
  // ConnectionHost

  isRunning(): boolean {
    return this.lifecycle === 'running'
  }

  listeningPort(): number {
    return this.port
  }

  handshakeData(version: number, reconnect: boolean): CommandData<'handshake'> {
    return this.identity.handshake(version, reconnect)
  }

  /** Frames to decode: topic 'All', our subscriptions, everything when root. */
  acceptsTopic(topic: string): boolean {
    return topic === CONTROL || this.options.root || this.subscriptions.has(topic)
  }

  dispatch(link: PeerLink, envelope: Envelope): void {
    dispatchCommand(this, link, envelope)
  }

  /** A run frame (message-runs.ts): like a `message`, only on an open link's user topic. */
  dispatchRun(link: PeerLink, topic: string, buf: Buffer, start: number, end: number): void {
    if (link.state === 'handshaking') throw new ProtocolError('a message run before the handshake')
    if (link.state !== 'open' || link.edge === null) return
    readRun(buf, start, end, topic, this.options.messagePropagation, this.messages, link.edge)
  }

  onEdgeRemoved(edge: LinkedEdge): void {
    this.pings.dropEdge(edge)
    this.discoveryEngine?.onEdgeRemoved(edge)
    this.map.onEdgeRemoved(edge)
  }

  // ------------------------------------------------------------------------------------------------------
  // PingHost, MapHost

  onRoundTrip(edge: LinkedEdge, rttMs: number): void {
    this.map.onRoundTrip(edge, rttMs)
  }

  lanPeers(): Iterable<{ id: string; name: string; ip: string; port: number }> {
    return this.lan?.peers.values() ?? []
  }

  onLinkReplaced(edge: LinkedEdge): void {
    this.pings.linkReplaced(edge)
  }

  // ------------------------------------------------------------------------------------------------------
  // DiscoveryHost

  edgeList(): readonly LinkedEdge[] {
    return this.connections.edgeList
  }

  edgeByAddress(ip: string, port: number): LinkedEdge | undefined {
    return this.connections.edgeByAddress(ip, port)
  }

  send<C extends 'discovery' | 'discovery_ack' | 'report_paired'>(
    edge: LinkedEdge,
    command: C,
    data: CommandData<C>,
    ttl: number
  ): void {
    if (edge.open) this.wire.send(edge.link, command, data, ttl, this.clock.epochMs())
  }

  connectToPeer(ip: string, port: number): Promise<LinkedEdge> {
    return this.connections.connect(ip, port, false)
  }

  allowLearnedDial(ip: string, port: number): boolean {
    return this.connections.allowLearnedDial(ip, port)
  }

  /** Asks a node's status over UDP (spec §5); rejects with StatusTimeoutError after timeoutMs. */
  async requestStatus(
    ip: string,
    port: number,
    timeoutMs = this.options.statusTimeoutMs
  ): Promise<StatusResponse> {
    await this.whenRunning()
    return this.statusChannel!.request(ip, port, timeoutMs)
  }

  closeEdge(edge: LinkedEdge, reason: 'pair-disconnect' | 'pair-rejected'): void {
    void this.connections.close(edge, reason, reason)
  }

  markEdgePaired(edge: LinkedEdge, topic: string): void {
    edge.pairedTopics.add(topic)
  }

  concluded(result: DiscoveryResult): void {
    this.emit('discovery-concluded', result)
  }

  // ------------------------------------------------------------------------------------------------------
  // LanHost (auto-connect)

  /**
   * Connects to an address learned from the network (a LAN beacon) within the dial limits of such addresses:
   * rejects with DialLimitedError when that target, or all together, were dialled too often lately.
   */
  async connectLearned(address: string, expectedPeerId?: string): Promise<LinkedEdge> {
    const { ip, port } = this.parseTarget(address)
    if (this.lifecycle !== 'running') await this.whenRunning()
    if (!this.connections.allowLearnedDial(ip, port)) {
      throw new DialLimitedError(`not dialling ${formatAddress(ip, port)} now: dialled too often lately`)
    }
    // A beacon's key id is what the peer must prove: a forged beacon cannot steer the dial to another node unseen.
    const expected = this.transport.secure && expectedPeerId !== undefined && isNodeId(expectedPeerId)
    return this.connections.connect(ip, port, false, expected ? expectedPeerId : undefined)
  }

  /** The protocol version a link with us can speak (LAN auto-connect skips beacons of another one). */
  linksWithVersion(v: number): boolean {
    if (!this.transport.secure) return v === PLAINTEXT_PROTOCOL_VERSION
    return v === PROTOCOL_VERSION || (this.options.insecure && v === PLAINTEXT_PROTOCOL_VERSION)
  }

  /** Discovery through one edge (auto-connect pairs what an edge shares). */
  async discover(options: { node: LinkedEdge; timeoutMs: number }): Promise<DiscoveryResult[]> {
    await this.whenRunning()
    return this.runDiscovery({ via: options.node, onPair: 'none', timeoutMs: options.timeoutMs })
  }

  /** Runs discovery for every subscription (the node checked the request); emits 'discovery-started'. */
  runDiscovery(request: DiscoveryRequest): Promise<DiscoveryResult[]> {
    const topics = [...this.subscriptions].filter((topic) => topic !== ROOT_TOPIC)
    this.emit('discovery-started', {
      topics,
      via: request.via,
      onPair: request.onPair,
      timeoutMs: request.timeoutMs
    })
    return this.discovery.run(request)
  }

  /** An address as the library dials it (an unspecified ip means this host: its loopback). */
  private parseTarget(address: string): { ip: string; port: number } {
    const parsed = parseAddress(address)
    return { ip: dialableIp(parsed.ip), port: parsed.port }
  }

  // ------------------------------------------------------------------------------------------------------
  // Identity changes

  /** Something peers see changed: our encoded identity is rebuilt on next use. */
  identityChanged(): void {
    this.identity.changed()
  }

  /** Tells every edge our name, subscriptions and paired flag (docs/PROTOCOL.md §4 `update`). */
  broadcastUpdate(): void {
    this.identityChanged()
    this.map.changed() // our name is in our advert
    this.pairedTold = this.paired
    const edges = this.connections.edgesById
    if (edges.size === 0) return
    const frame = this.wire.control(
      'update',
      { name: this.name, subscriptions: [...this.subscriptions], paired: this.paired },
      this.options.ttl,
      this.clock.epochMs()
    )
    for (const edge of edges.values()) edge.link.send(frame)
  }

  /** PairingOwner: a topic was paired or unpaired. */
  onPairingChange(topic: string, paired: boolean, edge: LinkedEdge | null): void {
    this.identityChanged()
    if (paired) this.emit('paired', { topic, edge })
    else this.emit('unpaired', { topic })
    // The node's own `paired` flag may have changed: edges are told once the changes of this tick are done (a
    // discovery run marks topics unpaired and often paired again at once: nothing to tell then).
    if (this.pairedCheckScheduled) return
    this.pairedCheckScheduled = true
    process.nextTick(() => {
      this.pairedCheckScheduled = false
      if (this.paired !== this.pairedTold) this.broadcastUpdate()
    })
  }

  // ------------------------------------------------------------------------------------------------------
  // Lifecycle

  async whenRunning(): Promise<void> {
    if (this.lifecycle === 'running') return
    if (this.lifecycle === 'starting') {
      await this.events.ready
      return
    }
    if (this.lifecycle === 'idle')
      throw new NotRunningError('node is not started (run: false): call start() first')
    throw new NodeStoppedError('node is stopped')
  }

  /** Binds the transport listener and the UDP socket; the node handles the outcome (ready, errors). */
  async listen(): Promise<void> {
    const { ip, port, root } = this.options
    await this.transport.prepare?.()
    if (this.lifecycle !== 'starting') throw new NodeStoppedError('node stopped before it was ready')
    const bound = await bindSockets({
      ip,
      port,
      root,
      transport: this.transport,
      owner: this,
      makeUdp: () => createSocket({ type: ipVersion(ip) === 6 ? 'udp6' : 'udp4' })
    })
    if (this.lifecycle !== 'starting') {
      // stop() was called while binding.
      await Promise.all([bound.listener.close(), closeUdp(bound.udp)])
      throw new NodeStoppedError('node stopped before it was ready')
    }
    this.listener = bound.listener
    this.udp = bound.udp
    this.port = bound.port
    this.identityChanged()
    // Encoded now that the port is known, so connecting does not pay for it (rebuilt on identity changes).
    this.identity.prepareHandshake(this.transport.secure ? PROTOCOL_VERSION : PLAINTEXT_PROTOCOL_VERSION)
    this.statusChannel = new UdpStatusChannel(this.udp, this)
    this.lifecycle = 'running'
    this.pings.start()
    this.map.start()
  }

  /** ListenerOwner: a connection our listener accepted. */
  acceptConnection(socket: net.Socket): void {
    this.connections.accept(socket)
  }

  /** ListenerOwner: our listening server failed. */
  listenerError(error: Error): void {
    this.log.error('TCP server error', { error })
  }

  /** Starts LAN discovery (once listening); its sockets are its own (stop() waits for them). */
  startLan(): void {
    this.lan?.start().catch((error: unknown) => this.log.warn('LAN discovery failed to start', { error }))
  }

  createLan(lan: boolean | LanOptions): NodeLan | null {
    if (lan === false) return null
    return new NodeLan(this, lan)
  }

  /** Announces the stop to every peer, closes every socket, clears every timer. */
  async shutdown(): Promise<void> {
    await this.lan?.stop() // goodbye first: LAN peers drop us at once, auto-connect dials nothing more
    this.discovery.stop() // made now if never used: a late frame must find it stopped
    this.map.stop()
    this.pings.stop(new NodeStoppedError('node stopped'))
    this.statusChannel?.close()
    const closing: Promise<void>[] = [this.connections.stop()]
    if (this.listener) closing.push(this.listener.close())
    if (this.udp) closing.push(closeUdp(this.udp))
    await Promise.all(closing)
  }
}
