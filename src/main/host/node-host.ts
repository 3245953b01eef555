// NodeHost: the service that runs local ChaskiNode instances for the UI (desktop window or browser dashboard).
// It holds no Electron code: src/main/index.ts and the browser host both drive it through contract handlers.
// Two rules keep it standing whatever peers send: everything it keeps fits the settings schema (the limits of
// src/shared/limits.ts, checked before a change is made, so every saved file loads again), and a failure while
// handling one node's events, snapshot or update is logged with the node's name and contained to that node.
import type { NetworkMap } from '../../shared/network-map'
import { NodeKeyStore } from './node-keys'
import type {
  ConnectTarget,
  ContractArgs,
  ContractResults,
  DiscoveryOutcome,
  NodeConfigInput,
  PingOutcome
} from '../../shared/contract'
import type {
  AppNotice,
  AppState,
  AppUpdate,
  HostEvent,
  HostEventKind,
  NodeSnapshot,
  Preferences,
  ReceivedMessage,
  TextPart
} from '../../shared/snapshots'
import { formatAddressText, parseHostAddressText } from '../../shared/address-text'
import { ChaskiNode, type ChaskiNodeOptions, type Edge } from '../chaski/index'
import { SettingsStore, emptySettings, type LoadOutcome } from '../settings/settings-store'
import {
  DEFAULT_PREFERENCES,
  SETTINGS_VERSION,
  nodeConfigProblem,
  validateSettings,
  windowBoundsFit,
  type Settings,
  type WindowBounds
} from '../settings/settings-schema'
import { fitNodeMemory, parseNodeMemory } from '../settings/node-memory'
import { LIMITS, NODE_PORTS } from '../../shared/limits'
import type { NewNodeDefaults, NodeConfig } from '../../shared/snapshots'
import { literalKey } from '../redial/peer-redialer'
import { defaultListenIp } from './listen-defaults'
import { firstFreeNodePort, isPortFree, nextFreeNodePort, type PortCheck } from './node-ports'
import { FailureLog, type HostLogger } from './failure-log'
import { stripUndefined } from './strip-undefined'
import { BoundedList } from './bounded-list'
import { firstLaunchNode } from './first-launch'
import { HostedNode, type HostedNodeListener } from './hosted-node'
import {
  DuplicateNodeNameError,
  LimitError,
  NodeNotServingError,
  PeerNameMismatchError,
  UnknownNodeError,
  UnknownPeerError,
  ValidationError,
  describeError
} from './host-errors'
import { completeNodeConfig } from './node-config'
import { freeNodeName, sameNodeName } from '../../shared/node-defaults'
import { lineText } from './event-line'
import { resolveConnectText, systemLookup, type LookupAll, type ResolvedAddress } from './resolve-address'
import { edgeSnapshot, graphModel } from './snapshot'
import { UpdateCoalescer, UPDATE_INTERVAL_MS } from './update-coalescer'
import { previewData } from './message-preview'

export const EVENT_LOG_SIZE = 300
export const MESSAGE_LOG_SIZE = 200
/** Notices shown at once (the oldest goes first). */
export const MAX_NOTICES = 8
/** Repeating events (node, peer and offending key) whose row is remembered for updating. */
const MAX_REPEAT_ROWS = 256

export interface NodeHostInit {
  /** The settings file; null keeps everything in memory (tests, `chaski serve` without --config). */
  settingsFile: string | null
  /** Receives coalesced updates (at most one per `updateIntervalMs`). */
  onUpdate?: (update: AppUpdate) => void
  /** @default 100 */
  updateIntervalMs?: number
  /** Create the first-launch node when there are no saved settings. @default true */
  firstLaunchNode?: boolean
  /** Where contained failures are reported. @default console.warn */
  logger?: HostLogger
  /** Resolves host names typed in the connect box. @default dns.lookup (the system resolver) */
  lookup?: LookupAll
  /** Where new nodes listen when none is given. @default every interface within CHASKI_LAN_INTERFACES */
  defaultIp?: string
  /** Whether a port is free (the port of a new node is the first free one of NODE_PORTS). @default binds it */
  isPortFree?: PortCheck
  /** Delay of the save after a change of what nodes remember (peers, LAN devices). @default 1000 */
  memorySaveDelayMs?: number
  /**
   * Makes the library node behind a hosted node, at each start. Tests pass one to hold the live nodes (to make a
   * node misbehave) without reaching into the host's private state. @default new ChaskiNode(options)
   */
  createLibraryNode?: (options: ChaskiNodeOptions) => ChaskiNode
}

const consoleLogger: HostLogger = { warn: (message) => console.warn(`chaski host: ${message}`) }

export class NodeHost {
  private readonly nodes = new Map<string, HostedNode>()
  private readonly events = new BoundedList<HostEvent>(EVENT_LOG_SIZE)
  private readonly messages = new BoundedList<ReceivedMessage>(MESSAGE_LOG_SIZE)
  private readonly listeners = new Set<(update: AppUpdate) => void>()
  private readonly store: SettingsStore | null
  private readonly coalescer: UpdateCoalescer
  private readonly failures: FailureLog
  private preferences: Preferences = { ...DEFAULT_PREFERENCES }
  private notices: AppNotice[] = []
  /** The key of each notice added with one (addNotice). */
  private readonly noticeKeys = new Map<string, string>()
  private windowBounds: WindowBounds | null = null
  private seq = 0
  private closed = false
  /** The event row of each reconnect sequence still running ('nodeId|peerId' → seq), updated at every attempt. */
  private readonly reconnectRows = new Map<string, number>()
  /** Rows of events that repeat ('nodeId|repeatKey' → the row), bounded: the oldest is forgotten first. */
  private readonly repeatRows = new Map<string, { seq: number; count: number; firstAt: number }>()
  /** A save of what nodes remember (peers, LAN devices), due soon: many changes make one write. */
  private memorySave: NodeJS.Timeout | null = null
  private readonly newNodeDefaults: NewNodeDefaults

  constructor(private readonly init: NodeHostInit) {
    this.newNodeDefaults = {
      ip: init.defaultIp ?? defaultListenIp(),
      ports: { first: NODE_PORTS.first, last: NODE_PORTS.last }
    }
    this.store = init.settingsFile ? new SettingsStore(init.settingsFile) : null
    this.keys = new NodeKeyStore(init.settingsFile)
    this.failures = new FailureLog(init.logger ?? consoleLogger)
    if (init.onUpdate) this.listeners.add(init.onUpdate)
    this.coalescer = new UpdateCoalescer(
      {
        snapshotNode: (id) => this.nodes.get(id)?.snapshot() ?? null,
        graph: () => graphModel(this.snapshots()),
        preferences: () => this.preferences,
        notices: () => this.notices,
        failed: (nodeId, what, err) => this.failed(nodeId, what, err)
      },
      (update) => {
        for (const m of update.messages) this.messages.push(m)
        // One listener per window or browser client: one that throws must not keep the update from the others.
        for (const listener of this.listeners) {
          try {
            listener(update)
          } catch (err) {
            this.failed(null, 'delivering an update to one of its clients', err)
          }
        }
      },
      init.updateIntervalMs ?? UPDATE_INTERVAL_MS
    )
  }

  /** Adds an update listener (e.g. one per browser client); returns the function that removes it. */
  subscribeUpdates(listener: (update: AppUpdate) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Loads settings (or creates the first-launch node) and starts the nodes marked autoStart. */
  async load(): Promise<LoadOutcome['kind']> {
    const outcome: LoadOutcome = this.store
      ? await this.store.load()
      : { kind: 'missing', settings: emptySettings() }
    const { settings } = outcome
    this.preferences = settings.preferences
    this.windowBounds = settings.window
    if (outcome.kind === 'recovered') {
      this.addNotice(
        'error',
        `Your settings file could not be used because ${outcome.problem}. It was moved to ${outcome.movedTo} ` +
          'and the app started with default settings; fix or restore that file to get your nodes back.'
      )
    }
    if (outcome.kind === 'missing' && this.init.firstLaunchNode !== false) {
      const config = await firstLaunchNode({
        ip: this.newNodeDefaults.ip,
        pickPort: (ip) => firstFreeNodePort(ip, new Set(), { isFree: this.portCheck })
      })
      this.nodes.set(config.id, new HostedNode(config, this.nodeListener))
    }
    for (const { memory, ...config } of settings.nodes)
      this.nodes.set(config.id, new HostedNode(config, this.nodeListener, parseNodeMemory(memory)))
    if (outcome.kind !== 'loaded' && this.store) await this.save()
    await Promise.all(
      [...this.nodes.values()].filter((n) => n.config.autoStart).map((n) => n.start().catch(() => undefined))
    )
    return outcome.kind
  }

  getState(): AppState {
    return {
      nodes: this.snapshots(),
      graph: graphModel(this.snapshots()),
      events: this.events.toArray(),
      messages: this.messages.toArray(),
      preferences: this.preferences,
      notices: this.notices,
      newNodeDefaults: this.newNodeDefaults
    }
  }

  /**
   * Creates a node. Left out: the name (Node1, Node2...), the address (every interface within the LAN cap) and the
   * port (the first free one of NODE_PORTS that no other local node is set to, kept from then on).
   */
  async createNode(input: NodeConfigInput): Promise<NodeSnapshot> {
    if (this.nodes.size >= LIMITS.nodes)
      throw new LimitError(
        `this host already runs ${this.nodes.size} nodes, the most it can keep (${LIMITS.nodes}); remove one first`
      )
    const config = completeNodeConfig({ ip: this.newNodeDefaults.ip, ...stripUndefined(input) })
    // One id for the host and the node's peers: the id of the node's new key (issue #13).
    config.id = this.keys.newNodeKey().id
    if (input.name === undefined)
      config.name = freeNodeName([...this.nodes.values()].map((n) => n.config.name))
    else this.refuseTakenName(config.name, null)
    this.refuseTakenPort(config.port, null)
    const autoPort = input.port === undefined
    if (autoPort) config.port = await this.pickPort(config.ip, new Set())
    checkStorable(config)
    const hosted = new HostedNode(config, this.nodeListener)
    this.nodes.set(config.id, hosted)
    this.coalescer.nodeChanged(config.id)
    const tried = new Set<number>()
    for (;;) {
      try {
        if (config.autoStart) await hosted.start()
        break
      } catch (err) {
        // A port picked for the person but taken in the meantime (another program was quicker): the next one.
        if (autoPort && (err as Error).name === 'AddressInUseError' && tried.size < 8) {
          tried.add(hosted.config.port)
          hosted.config = { ...hosted.config, port: await this.pickPort(config.ip, tried) }
          continue
        }
        // A node that cannot start is not kept: the user fixes the options and tries again.
        this.nodes.delete(config.id)
        this.coalescer.nodeRemoved(config.id)
        throw err
      }
    }
    await this.save()
    return hosted.snapshot()
  }

  /**
   * Changes any option of a node. The name, the subscriptions, the LAN settings and "start with the app" apply at
   * once; the others apply at its next start, and until then its snapshot lists them in `pendingRestart` (the
   * dashboard offers to restart it; restartNode keeps its links).
   */
  async editNode(id: string, input: NodeConfigInput): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    const { lan, ...rest } = input
    const next = completeNodeConfig({ ...stripUndefined(rest), lan: lan ?? {} }, hosted.config)
    if (next.name !== hosted.config.name) this.refuseTakenName(next.name, id)
    if (next.port !== hosted.config.port) this.refuseTakenPort(next.port, id)
    if (next.subscriptions.length > LIMITS.subscriptionsPerNode)
      throw new LimitError(`a node subscribes to at most ${LIMITS.subscriptionsPerNode} topics`)
    const lanChanged = JSON.stringify(next.lan) !== JSON.stringify(hosted.config.lan)
    hosted.config = checkStorable(next)
    if (next.port !== 0 && hosted.portInUse && hosted.portInUse.port !== next.port) hosted.portInUse = null
    hosted.applyLiveOptions()
    if (lanChanged) await hosted.applyLanConfig()
    return this.configChanged(hosted)
  }

  /** Stops and starts a node (options waiting for a restart take effect); its links come back (known peers, and one dial to the others). */
  async restartNode(id: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    await hosted.restart()
    return hosted.snapshot()
  }

  /** Keeps a known peer linked (dials it now), or lets it go (disconnects it; remembered across restarts). */
  async setKnownPeer(id: string, address: string, keep: boolean): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    const edge = hosted.setKeepPeer(address, keep)
    if (edge && hosted.node) await hosted.node.closeConnection(edge)
    return this.configChanged(hosted)
  }

  /** Removes a peer from a node's Known peers (it is no longer redialled; a live link is closed). */
  async forgetKnownPeer(id: string, address: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    const edge = hosted.forgetKnownPeer(address)
    if (edge && hosted.node) await hosted.node.closeConnection(edge)
    return this.configChanged(hosted)
  }

  async startNode(id: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    await hosted.start()
    return hosted.snapshot()
  }

  async stopNode(id: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    await hosted.stop()
    return hosted.snapshot()
  }

  async removeNode(id: string): Promise<null> {
    const hosted = this.get(id)
    await hosted.stop()
    this.nodes.delete(id)
    this.coalescer.nodeRemoved(id)
    await this.save()
    return null
  }

  async renameNode(id: string, name: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    this.refuseTakenName(name, id)
    hosted.config = checkStorable({ ...hosted.config, name })
    if (hosted.node) hosted.node.name = name
    return this.configChanged(hosted)
  }

  async subscribe(id: string, topics: string[]): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    const added = [...new Set(topics.filter((t) => !hosted.config.subscriptions.includes(t)))]
    const total = hosted.config.subscriptions.length + added.length
    if (total > LIMITS.subscriptionsPerNode)
      throw new LimitError(
        `${hosted.config.name} would have ${total} topics; a node subscribes to at most ` +
          `${LIMITS.subscriptionsPerNode} (it has ${hosted.config.subscriptions.length})`
      )
    hosted.config = checkStorable({
      ...hosted.config,
      subscriptions: [...hosted.config.subscriptions, ...added]
    })
    if (hosted.node && added.length > 0) hosted.node.subscribe(added)
    return this.configChanged(hosted)
  }

  async unsubscribe(id: string, topics: string[]): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    hosted.config = checkStorable({
      ...hosted.config,
      subscriptions: hosted.config.subscriptions.filter((t) => !topics.includes(t))
    })
    if (hosted.node) hosted.node.unsubscribe(topics)
    return this.configChanged(hosted)
  }

  /** Changing LAN settings restarts a running node's beacons; the node keeps its edges. */
  async setLan(id: string, patch: { enabled?: boolean; autoConnect?: boolean }): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    hosted.config = checkStorable({
      ...hosted.config,
      lan: { ...hosted.config.lan, ...stripUndefined(patch) }
    })
    await hosted.applyLanConfig()
    return this.configChanged(hosted)
  }

  /**
   * Connects a local node. A typed 'Name@' must match the name the peer gives in its handshake (else the new link
   * is closed again and the address is not remembered); a peer already connected is said to be so.
   */
  async connect(id: string, target: ConnectTarget): Promise<ContractResults['connect']> {
    const hosted = this.get(id)
    const node = this.serving(hosted)
    const { address, expectedName } = await this.targetAddress(target, node.ip)
    const before = new Set(node.edges.map((e) => e.id))
    let edge: Edge
    try {
      edge = await node.connect(address)
    } catch (err) {
      const { name, message } = describeError(err, address)
      throw Object.assign(new Error(message), { name })
    }
    const alreadyConnected = before.has(edge.id)
    if (expectedName !== undefined && !sameNodeName(edge.name, expectedName)) {
      if (!alreadyConnected) {
        await node.closeConnection(edge)
        hosted.dropRecentPeer(edge.id)
      }
      if (target.kind === 'address') this.forgetAddress(target.address)
      throw new PeerNameMismatchError(
        `the node at ${edge.address} is named '${edge.name}', not '${expectedName}'` +
          (alreadyConnected ? ` (already connected to it)` : '; nothing was connected')
      )
    }
    if (target.kind === 'address') this.rememberAddress(target.address)
    // Connected by hand: a known peer from now on, redialled whenever it goes away (and at every start).
    hosted.keepPeer(knownAddressFor(target, address, hosted.knownAddressOf(edge)), edge)
    return { ...edgeSnapshot(edge), alreadyConnected }
  }

  /** Disconnects a peer on purpose: if it is a known peer, it stays listed but is not redialled (remembered). */
  async disconnect(id: string, peerId: string): Promise<null> {
    const hosted = this.get(id)
    const node = this.serving(hosted)
    const edge = node.edges.find((e) => e.id === peerId)
    const known = edge ? hosted.knownAddressOf(edge) : hosted.knownAddressOfPeer(peerId)
    if (known) hosted.setKeepPeer(known, false)
    if (!edge) {
      // Being retried by the node: closing by address stops the retries.
      const retrying = node.reconnects.find((r) => r.peerId === peerId)
      if (retrying) {
        await node.closeConnection(formatAddressText(retrying.ip, retrying.port))
        return null
      }
      if (hosted.forgetPeer(peerId) || known) return null
      throw new UnknownPeerError(`${hosted.config.name} has no connection to that peer (any more)`)
    }
    await node.closeConnection(edge)
    return null
  }

  async discovery(id: string, args: ContractArgs<'discovery'>[1]): Promise<DiscoveryOutcome> {
    const hosted = this.get(id)
    const node = this.serving(hosted)
    const via = args.viaPeerId ? node.edges.find((e) => e.id === args.viaPeerId) : undefined
    if (args.viaPeerId && !via)
      throw new UnknownPeerError('the peer to start discovery from is not connected')
    return hosted.runDiscovery({ onPair: args.onPair, timeoutMs: args.timeoutMs, via })
  }

  async ping(id: string, peerId: string | null): Promise<PingOutcome[]> {
    const node = this.serving(this.get(id))
    const edges = peerId === null ? node.edges : node.edges.filter((e) => e.id === peerId)
    if (peerId !== null && edges.length === 0) throw new UnknownPeerError('that peer is not connected')
    return Promise.all(
      edges.map((edge) =>
        node.ping(edge).then(
          (rttMs): PingOutcome => ({ peerId: edge.id, rttMs, error: null }),
          (err): PingOutcome => ({ peerId: edge.id, rttMs: null, error: describeError(err).message })
        )
      )
    )
  }

  /** The map of the network the node holds (docs/PROTOCOL.md §12), up to `depth` hops, at most 1024 nodes. */
  getMap(id: string, depth: number): NetworkMap {
    return this.serving(this.get(id)).map({ depth })
  }

  /** Accepts a peer waiting for approval (policy approve): it links and is trusted from now on. */
  async acceptPeer(id: string, peerId: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    hosted.acceptPeer(peerId)
    return hosted.snapshot()
  }

  /** Turns away a peer waiting for approval. */
  async rejectPeer(id: string, peerId: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    hosted.rejectPeer(peerId)
    return hosted.snapshot()
  }

  /** Refuses a peer from now on (its link closes; kept across restarts). */
  async revokePeer(id: string, peerId: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    await hosted.revokePeer(peerId)
    return this.configChanged(hosted)
  }

  /** Takes a revocation back: the peer is unknown again (saved; the node's policy decides at its next link). */
  async unrevokePeer(id: string, peerId: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    hosted.unrevokePeer(peerId)
    return this.configChanged(hosted)
  }

  async publish(id: string, topic: string, data: string): Promise<{ deliveredTo: number }> {
    const node = this.serving(this.get(id))
    return { deliveredTo: await node.publish(topic, data) }
  }

  async setPreferences(patch: Partial<Preferences>): Promise<Preferences> {
    this.preferences = { ...this.preferences, ...stripUndefined(patch) }
    this.coalescer.preferencesChanged()
    await this.save()
    return this.preferences
  }

  async forgetLanPeer(id: string, peerId: string): Promise<NodeSnapshot> {
    const hosted = this.get(id)
    hosted.forgetLanDevice(peerId)
    return hosted.snapshot()
  }

  async dismissNotice(id: string): Promise<null> {
    this.notices = this.notices.filter((n) => n.id !== id)
    this.coalescer.noticesChanged()
    return null
  }

  getWindowBounds(): WindowBounds | null {
    return this.windowBounds
  }

  async setWindowBounds(bounds: WindowBounds): Promise<void> {
    // Cosmetic: bounds the settings file cannot hold (a window smaller than the schema allows) are not kept.
    if (!windowBoundsFit(bounds)) return
    this.windowBounds = bounds
    await this.save()
  }

  /** Stops every node (peers see a deliberate close) and writes the settings. */
  async shutdown(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.coalescer.close()
    if (this.memorySave) clearTimeout(this.memorySave)
    this.memorySave = null
    await Promise.allSettled([...this.nodes.values()].map((n) => n.stop()))
    await this.save().catch(() => undefined)
  }

  private readonly portCheck: PortCheck = (ip, port) => (this.init.isPortFree ?? isPortFree)(ip, port)

  /** Ports other local nodes are set to (running or not): a new or edited node never takes one of them. */
  private takenPorts(exceptId: string | null): Set<number> {
    return new Set(
      [...this.nodes.values()]
        .filter((n) => n.id !== exceptId && n.config.port !== 0)
        .map((n) => n.config.port)
    )
  }

  /** The first free port of NODE_PORTS for a new node (0, any free one kept once got, when all are in use). */
  private async pickPort(ip: string, tried: ReadonlySet<number>): Promise<number> {
    const taken = new Set([...this.takenPorts(null), ...tried])
    return (await firstFreeNodePort(ip, taken, { isFree: this.portCheck })) ?? 0
  }

  private refuseTakenPort(port: number, exceptId: string | null): void {
    if (port === 0) return
    const other = [...this.nodes.values()].find((n) => n.id !== exceptId && n.config.port === port)
    if (other)
      throw new ValidationError(
        `port ${port} is already in use by the local node '${other.config.name}'; pick another, or leave it empty for the next free one`
      )
  }

  /** Saves what the nodes remember at once (a pending delayed save is folded into it). */
  private saveMemoryNow(): void {
    if (this.closed || !this.store) return
    if (this.memorySave) clearTimeout(this.memorySave)
    this.memorySave = null
    this.save().catch((err: unknown) => this.failed(null, 'saving what the nodes remember', err))
  }

  private scheduleMemorySave(): void {
    if (this.memorySave || this.closed || !this.store) return
    this.memorySave = setTimeout(() => this.saveMemoryNow(), this.init.memorySaveDelayMs ?? 1000)
    this.memorySave.unref?.()
  }

  private readonly keys: NodeKeyStore
  private readonly nodeListener: HostedNodeListener = {
    nodeKey: (node) => this.keys.keyOf(node.id),
    notice: (_node, key, level, text) => this.addNotice(level, text, key),
    changed: (node, graphToo) => this.coalescer.nodeChanged(node.id, graphToo),
    memoryChanged: (_node, now) => (now ? this.saveMemoryNow() : this.scheduleMemorySave()),
    configChanged: (node) => {
      this.coalescer.nodeChanged(node.id)
      this.save().catch((err: unknown) => this.failed(node.id, 'saving its port', err))
    },
    suggestPort: (node, port) =>
      nextFreeNodePort(node.config.ip, port, this.takenPorts(node.id), this.portCheck),
    createNode: (options) => this.init.createLibraryNode?.(options) ?? new ChaskiNode(options),
    resolve: async (node, address) =>
      (await resolveConnectText(address, node.config.ip, this.init.lookup ?? systemLookup)).address,
    event: (node, kind: HostEventKind, parts: TextPart[], peerId?: string, repeatKey?: string) => {
      const event: HostEvent = {
        seq: ++this.seq,
        at: Date.now(),
        nodeId: node.id,
        kind,
        text: lineText(parts),
        parts
      }
      if (peerId !== undefined) event.peerId = peerId
      if (repeatKey !== undefined) this.foldRepeats(event, `${node.id}|${repeatKey}`)
      this.foldReconnects(event)
      this.events.push(event)
      this.coalescer.event(event)
    },
    failed: (node, what, err) => this.failed(node.id, what, err),
    message: (node, m) => {
      this.coalescer.message(
        () => ({
          seq: ++this.seq,
          at: Date.now(),
          nodeId: node.id,
          topic: m.topic,
          fromName: m.fromName,
          fromAddress: m.fromAddress,
          preview: previewData(m.data)
        }),
        MESSAGE_LOG_SIZE
      )
    }
  }

  /**
   * Reconnect attempts to one peer update one row instead of adding a row each (they can go on for many minutes):
   * the new attempt replaces the previous row. Anything else about that peer, or the node stopping, ends the row.
   */
  private foldReconnects(event: HostEvent): void {
    if (event.kind === 'node-stopped') {
      for (const key of this.reconnectRows.keys())
        if (key.startsWith(`${event.nodeId}|`)) this.reconnectRows.delete(key)
      return
    }
    if (event.peerId === undefined) return
    const key = `${event.nodeId}|${event.peerId}`
    const previous = this.reconnectRows.get(key)
    if (event.kind !== 'reconnecting') {
      this.reconnectRows.delete(key)
      return
    }
    if (previous !== undefined) {
      event.replaces = previous
      this.events.remove((e) => e.seq === previous)
    }
    this.reconnectRows.set(key, event.seq)
  }

  /**
   * An event that repeats (the same forger met again) updates its earlier row while that row is still in the log:
   * the new row replaces it, with the count so far and when it first happened (its `at` is the last time).
   */
  private foldRepeats(event: HostEvent, key: string): void {
    const previous = this.repeatRows.get(key)
    this.repeatRows.delete(key) // re-inserted last: the map stays oldest first
    if (previous !== undefined && this.events.remove((e) => e.seq === previous.seq) > 0) {
      event.replaces = previous.seq
      event.count = previous.count + 1
      event.firstAt = previous.firstAt
      const more = ` (${event.count} times since ${new Date(previous.firstAt).toISOString().slice(11, 19)} UTC)`
      event.parts = [...event.parts, { text: more }]
      event.text += more
    }
    this.repeatRows.set(key, { seq: event.seq, count: event.count ?? 1, firstAt: event.firstAt ?? event.at })
    if (this.repeatRows.size > MAX_REPEAT_ROWS) this.repeatRows.delete(this.repeatRows.keys().next().value!)
  }

  /** Every node's snapshot; a node whose snapshot fails is left out (and reported), not the whole list. */
  private snapshots(): NodeSnapshot[] {
    const list: NodeSnapshot[] = []
    for (const hosted of this.nodes.values()) {
      try {
        list.push(hosted.snapshot())
      } catch (err) {
        this.failed(hosted.id, 'building its snapshot', err)
      }
    }
    return list
  }

  private failed(nodeId: string | null, what: string, err: unknown): void {
    const hosted = nodeId === null ? undefined : this.nodes.get(nodeId)
    this.failures.report(hosted ? `node ${JSON.stringify(hosted.config.name)}` : 'host', what, err)
  }

  private get(id: string): HostedNode {
    const hosted = this.nodes.get(id)
    if (!hosted) throw new UnknownNodeError('that node does not exist (any more); refresh the list of nodes')
    return hosted
  }

  private serving(hosted: HostedNode): NonNullable<HostedNode['node']> {
    if (!hosted.node || hosted.state !== 'serving')
      throw new NodeNotServingError(`${hosted.config.name} is not running; start it first`)
    return hosted.node
  }

  private async targetAddress(target: ConnectTarget, localIp: string): Promise<ResolvedAddress> {
    if (target.kind === 'address')
      return resolveConnectText(target.address, localIp, this.init.lookup ?? systemLookup)
    if (target.kind === 'node') {
      const other = this.get(target.nodeId)
      if (!other.node || other.state !== 'serving')
        throw new NodeNotServingError(`${other.config.name} is not running; start it first`)
      return { address: other.node.address }
    }
    for (const hosted of this.nodes.values()) {
      const peer = hosted.snapshot().lan.peers.find((p) => p.id === target.peerId)
      if (peer) return { address: peer.address }
    }
    throw new UnknownPeerError('that LAN peer is not heard any more; wait for it to announce itself again')
  }

  private refuseTakenName(name: string, exceptId: string | null): void {
    const taken = [...this.nodes.values()].find((n) => n.id !== exceptId && sameNodeName(n.config.name, name))
    if (taken)
      throw new DuplicateNodeNameError(
        `a local node is already named '${taken.config.name}'; pick another name so you can tell them apart`
      )
  }

  /** Drops remembered addresses for the same place that carry a wrong 'Name@' (they would be offered again). */
  private forgetAddress(address: string): void {
    const wrong = parseHostAddressText(address)
    if (!wrong.ok) return
    const samePlace = (text: string): boolean => {
      const parsed = parseHostAddressText(text)
      return (
        parsed.ok &&
        parsed.address.host === wrong.address.host &&
        parsed.address.port === wrong.address.port &&
        parsed.address.name !== undefined &&
        parsed.address.name === wrong.address.name
      )
    }
    const recent = this.preferences.recentAddresses.filter((a) => !samePlace(a))
    if (recent.length !== this.preferences.recentAddresses.length)
      void this.setPreferences({ recentAddresses: recent }).catch(() => undefined)
  }

  private rememberAddress(address: string): void {
    const recent = [address, ...this.preferences.recentAddresses.filter((a) => a !== address)].slice(0, 10)
    void this.setPreferences({ recentAddresses: recent }).catch(() => undefined)
  }

  private async configChanged(hosted: HostedNode): Promise<NodeSnapshot> {
    this.coalescer.nodeChanged(hosted.id)
    await this.save()
    return hosted.snapshot()
  }

  /**
   * `key`: a notice with the same key replaces the earlier one (a peer refused again does not stack notices). At most
   * MAX_NOTICES are kept, the oldest going first: whatever peers do, the bar stays readable.
   */
  private addNotice(level: AppNotice['level'], text: string, key?: string): void {
    const id = `notice-${++this.seq}`
    const kept =
      key === undefined ? this.notices : this.notices.filter((n) => this.noticeKeys.get(n.id) !== key)
    if (key !== undefined) this.noticeKeys.set(id, key)
    this.notices = [...kept, { id, level, text }].slice(-MAX_NOTICES)
    for (const noticeId of this.noticeKeys.keys())
      if (!this.notices.some((n) => n.id === noticeId)) this.noticeKeys.delete(noticeId)
    this.coalescer.noticesChanged()
  }

  private async save(): Promise<void> {
    if (!this.store) return
    const settings: Settings = {
      version: SETTINGS_VERSION,
      nodes: [...this.nodes.values()].map((n) => ({ ...n.config, memory: fitNodeMemory(n.memory()) })),
      preferences: this.preferences,
      window: this.windowBounds
    }
    // Last line of defence: never write a file that the next start would move aside (every node lost).
    const checked = validateSettings(settings)
    if (!checked.ok)
      throw new ValidationError(`not saved: the settings would not load again (${checked.message})`)
    await this.store.save(settings)
  }
}

/**
 * How a known peer is saved: the text the person typed without its 'Name@' (a host name stays a name, looked up at
 * every dial), a local node or LAN device by its address; the entry it already has when it is one.
 */
function knownAddressFor(target: ConnectTarget, dialled: string, existing: string | null): string {
  if (existing) return existing
  if (target.kind === 'address') {
    const parsed = parseHostAddressText(target.address)
    if (parsed.ok) return formatAddressText(parsed.address.host, parsed.address.port)
  }
  return literalKey(dialled) ?? dialled
}

/** The config, if the settings file can hold it; otherwise the change is refused before anything is touched. */
function checkStorable(config: NodeConfig): NodeConfig {
  const problem = nodeConfigProblem(config)
  if (problem) throw new ValidationError(`not possible: ${problem}`)
  return config
}
