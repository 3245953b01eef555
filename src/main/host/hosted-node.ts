// One local node as the host runs it: its config, the live ChaskiNode while it runs, and what the UI needs that the
// library does not keep (run state, peers that gave up, discovery progress), and what the node remembers of its
// network across restarts (known peers, recent peers, the LAN device list: saved with its settings).
import type { DiscoveryOutcome } from '../../shared/contract'
import type {
  DiscoveryProgress,
  EdgeSnapshot,
  HostEventKind,
  NodeConfig,
  NodeRunState,
  NodeSnapshot,
  OnPair,
  RecentPeer,
  TextPart
} from '../../shared/snapshots'
import { LIMITS } from '../../shared/limits'
import {
  formatAddress,
  type ChaskiNode,
  type ChaskiNodeEvents,
  type ChaskiNodeOptions,
  type DiscoveryOutcome as LibraryDiscoveryOutcome,
  type Edge,
  type NodeKey
} from '../chaski/index'
import { RateLimiter } from '../chaski/rate-limit'
import { PeerRedialer, type RedialStatus } from '../redial/peer-redialer'
import { emptyNodeMemory, type NodeMemory } from '../settings/node-memory'
import { words } from './event-words'
import { NodeNotServingError, UnknownPeerError, describeError } from './host-errors'
import { KnownPeerBook } from './known-peers'
import { LanDeviceList } from './lan-devices'
import { toNodeOptions } from './node-config'
import { optionsAwaitingRestart } from '../../shared/restart-options'
import { NodeTrustBook } from './node-trust'
import { pendingPeersOf, pendingRow } from './pending-peers'
import { cachedReachableAddresses } from './reachable-addresses'
import { edgeSnapshot, lanPeerSnapshots, retryingEdges, unconnectedEdge } from './snapshot'

const reachable = cachedReachableAddresses()

export interface HostedNodeListener {
  changed(node: HostedNode, graphToo: boolean): void
  /**
   * `peerId`: the peer the event is about (reconnect attempts for one peer fold into one row). `repeatKey`: an event
   * that may repeat (a changed identity): one with the same key updates the earlier row (a count, the last time).
   */
  event(node: HostedNode, kind: HostEventKind, parts: TextPart[], peerId?: string, repeatKey?: string): void
  message(
    node: HostedNode,
    message: { topic: string; data: unknown; fromName: string; fromAddress: string }
  ): void
  /** Handling one of the node's events threw: log it; the node and the host go on. */
  failed(node: HostedNode, what: string, err: unknown): void
  /**
   * What the node remembers changed (known or recent peers, LAN devices): save it soon, or at once (`now`) when it
   * is the person's own decision (a peer kept, disconnected or forgotten), which a crash a moment later must not undo.
   */
  memoryChanged(node: HostedNode, now?: boolean): void
  /** The config changed by itself (a port 0 became the port the node got): save it. */
  configChanged(node: HostedNode): void
  /** The port to offer when this node's port is taken (the next free one no other local node is set to). */
  suggestPort(node: HostedNode, port: number): Promise<number | null>
  /** Resolves a known peer's address ('host:port' may name a host) to the 'ip:port' to dial. */
  resolve(node: HostedNode, address: string): Promise<string>
  /** Makes the library node each start runs (NodeHostInit.createLibraryNode). */
  createNode(options: ChaskiNodeOptions): ChaskiNode
  /** The node's identity key (node-keys.ts): its file, made on first start. */
  nodeKey(node: HostedNode): Promise<NodeKey>
  /** Something the person must see even when not looking at the log (a changed identity): a notice, one per key. */
  notice(node: HostedNode, key: string, level: 'info' | 'warning' | 'error', text: string): void
}

export class HostedNode {
  config: NodeConfig
  node: ChaskiNode | null = null
  state: NodeRunState = 'stopped'
  since = Date.now()
  error: string | null = null
  discovery: DiscoveryProgress | null = null
  /** The port was taken when the node tried to start, and the one to offer instead. */
  portInUse: NodeSnapshot['portInUse'] = null
  /** The config the running node was started with (what needs a restart is what differs from it). */
  private running: NodeConfig | null = null
  /** The id peers know this node by (its key's), once it has started. */
  nodeId: string | null = null
  private redialer: PeerRedialer | null = null
  private readonly gaveUp = new Map<string, EdgeSnapshot>()
  private recentPeers: RecentPeer[]
  private readonly knownPeers: KnownPeerBook
  private readonly lanDevices: LanDeviceList
  /** The keys it trusts and the peers it refuses, kept across restarts. */
  private readonly trust: NodeTrustBook
  /** Event rows for refused connections, per source address (a flood of them must not flood the log). */
  private readonly refusalRows = new RateLimiter({
    burst: 1,
    ratePerS: 1 / 60,
    maxKeys: 256,
    globalBurst: 20,
    globalRatePerS: 1
  })

  constructor(
    config: NodeConfig,
    private readonly listener: HostedNodeListener,
    memory: NodeMemory = emptyNodeMemory()
  ) {
    this.config = config
    this.recentPeers = memory.recentPeers.slice(0, LIMITS.recentPeersPerNode)
    this.knownPeers = new KnownPeerBook(memory.knownPeers)
    this.lanDevices = new LanDeviceList(LIMITS.lanDevicesPerNode, memory.lanDevices)
    this.trust = new NodeTrustBook(memory.trust)
  }

  get id(): string {
    return this.config.id
  }

  async start(): Promise<void> {
    if (this.state === 'serving' || this.state === 'starting') return
    this.setState('starting')
    let key: NodeKey
    try {
      key = await this.listener.nodeKey(this)
    } catch (err) {
      await this.startFailed(err)
      throw err
    }
    const node = this.listener.createNode(
      toNodeOptions(this.config, key, this.trust.seed(this.knownPeers.pins()))
    )
    // Revocations are refused before the first link (the library keeps them in memory only).
    for (const id of this.trust.revokedIds()) void node.revoke(id)
    this.node = node
    this.nodeId = node.id
    this.wire(node)
    try {
      await node.start()
    } catch (err) {
      this.node = null
      node.removeAllListeners()
      await node.stop().catch(() => undefined)
      await this.startFailed(err)
      throw err
    }
    this.error = null
    this.portInUse = null
    if (this.config.port === 0) {
      // "Any free port" is asked once: the node keeps the one it got, so its address stays the same.
      this.config = { ...this.config, port: node.port }
      this.listener.configChanged(this)
    }
    this.running = { ...this.config }
    this.startRedialing(node)
    this.setState('serving')
    this.listener.event(
      this,
      'node-started',
      words.started(this.config.name, formatAddress(node.ip, node.port))
    )
  }

  async stop(): Promise<void> {
    const node = this.node
    if (!node) return
    this.setState('stopping')
    this.redialer?.stop()
    this.redialer = null
    this.keepTrust(node)
    await node.stop()
    node.removeAllListeners()
    this.node = null
    this.running = null
    this.gaveUp.clear()
    this.discovery = null
    this.setState('stopped')
    this.listener.event(this, 'node-stopped', words.stopped(this.config.name))
  }

  /**
   * Stops and starts the node with its current config (options that need a restart take effect), then links again
   * to the peers it had: known peers are redialled anyway; the others (peers that had connected to it) get one dial.
   */
  async restart(): Promise<void> {
    const previous = (this.node?.edges ?? []).map((edge) => edge.address)
    await this.stop()
    await this.start()
    const node = this.node
    if (!node) return
    for (const address of previous) {
      if (node.isConnectedTo(address)) continue
      node.connect(address).catch((err: unknown) => {
        this.listener.failed(this, `linking again to ${address} after its restart`, err)
      })
    }
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
    this.listener.memoryChanged(this, true)
  }

  /** Applies the config's LAN settings to the running node (beacons restart; edges stay). */
  async applyLanConfig(): Promise<void> {
    if (!this.node) return
    await this.node.setLan(toNodeOptions(this.config).lan ?? false)
    if (this.running) this.running = { ...this.running, lan: { ...this.config.lan } }
    this.listener.changed(this, true)
  }

  /** Applies a new name and subscriptions to the running node (no restart needed for either). */
  applyLiveOptions(): void {
    const node = this.node
    if (!node) return
    if (node.name !== this.config.name) node.name = this.config.name
    const wanted = new Set(this.config.subscriptions)
    const current = [...node.subscriptions].filter((t) => t !== '@')
    const removed = current.filter((t) => !wanted.has(t))
    const added = this.config.subscriptions.filter((t) => !node.subscriptions.has(t))
    if (removed.length > 0) node.unsubscribe(removed)
    if (added.length > 0) node.subscribe(added)
    if (this.running)
      this.running = {
        ...this.running,
        name: this.config.name,
        subscriptions: [...this.config.subscriptions],
        autoStart: this.config.autoStart
      }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Known peers

  /** The person connected to `address` and got `edge`: keep it linked from now on (and after restarts). */
  keepPeer(address: string, edge: Edge): void {
    const entry = this.knownPeers.remember(address, { id: edge.id, name: edge.name })
    this.redialer?.add(entry.address, entry.peerId)
    this.listener.changed(this, false)
    this.listener.memoryChanged(this, true)
  }

  /** The known peer this edge is (dialled by that address), if any. */
  knownAddressOf(edge: Edge): string | null {
    const viaRedialer = this.redialer?.addressOf(edge) ?? null
    if (viaRedialer && this.knownPeers.get(viaRedialer)) return viaRedialer
    return this.knownPeers.byPeerId(edge.id)?.address ?? null
  }

  /** The known peer with this peer id (connected, or being retried), if any. */
  knownAddressOfPeer(peerId: string): string | null {
    return this.knownPeers.byPeerId(peerId)?.address ?? null
  }

  hasKnownPeer(address: string): boolean {
    return this.knownPeers.get(address) !== undefined
  }

  /**
   * keep true: the person wants it linked again (dialled now, and whenever it goes away). keep false: they
   * disconnect it; remembered, so it is not redialled, even after a restart. Returns the live edge to close, if any.
   */
  setKeepPeer(address: string, keep: boolean): Edge | null {
    const entry = this.knownPeers.setKeep(address, keep)
    if (!entry) throw new UnknownPeerError('that peer is not in the Known peers list (any more)')
    let edge: Edge | null = null
    if (keep) this.redialer?.dialNow(entry.address)
    else {
      this.redialer?.remove(entry.address)
      edge = this.node?.edges.find((e) => this.knownAddressOf(e) === entry.address) ?? null
    }
    this.listener.changed(this, false)
    this.listener.memoryChanged(this, true)
    return edge
  }

  /** Removes a known peer from the list (and stops redialling it); returns the live edge, if any. */
  forgetKnownPeer(address: string): Edge | null {
    const edge = this.node?.edges.find((e) => this.knownAddressOf(e) === address) ?? null
    if (!this.knownPeers.forget(address))
      throw new UnknownPeerError('that peer is not in the Known peers list (any more)')
    this.redialer?.remove(address)
    this.listener.changed(this, false)
    this.listener.memoryChanged(this, true)
    return edge
  }

  // ------------------------------------------------------------------------------------------------------------
  // Trust (issue #13)

  /** The person accepts a pending peer (policy approve): it links, and is trusted from now on (kept). */
  acceptPeer(peerId: string): void {
    const node = this.servingNode()
    const peer = pendingPeersOf(node).find((p) => p.id === peerId)
    if (!node.acceptPeer(peerId)) throw new UnknownPeerError(NO_SUCH_PENDING)
    this.keepTrust(node)
    if (peer) this.listener.event(this, 'trust-changed', words.accepted(peer), peerId)
    this.listener.changed(this, true)
  }

  /** The person turns a pending peer away: its link closes (it may ask again later). */
  rejectPeer(peerId: string): void {
    const node = this.servingNode()
    const peer = pendingPeersOf(node).find((p) => p.id === peerId)
    if (!node.rejectPeer(peerId)) throw new UnknownPeerError(NO_SUCH_PENDING)
    if (peer) this.listener.event(this, 'trust-changed', words.rejected(peer), peerId)
    this.listener.changed(this, true)
  }

  /**
   * The person revokes a peer: refused from now on under every policy (kept across restarts), its link closed, and
   * no longer redialled if it was a known peer. Works on a stopped node too (it applies at the next start).
   */
  async revokePeer(peerId: string): Promise<void> {
    const node = this.node
    if (node && this.state === 'serving') this.keepTrust(node)
    const edge = node?.edges.find((e) => e.id === peerId)
    const known = this.knownPeers.byPeerId(peerId)
    const name = edge?.name ?? this.trust.nameOf(peerId) ?? known?.name ?? ''
    this.trust.revoke(peerId, name)
    if (known) {
      this.knownPeers.setKeep(known.address, false)
      this.redialer?.remove(known.address)
    }
    this.listener.memoryChanged(this)
    this.listener.event(this, 'trust-changed', words.revoked(name, peerId), peerId)
    this.listener.changed(this, true)
    if (node) await node.revoke(peerId)
  }

  /**
   * The person takes a revocation back: the peer is an unknown peer again (under tofu it is pinned at its next link,
   * under approve it waits as pending). Works on a stopped node too. UnknownPeerError when it was not revoked.
   */
  unrevokePeer(peerId: string): void {
    const entry = this.trust.revokedPeers().find((p) => p.id === peerId)
    if (!entry) throw new UnknownPeerError('that peer is not revoked on this node (run the list again)')
    this.trust.unrevoke(peerId)
    this.node?.unrevoke(peerId)
    this.listener.memoryChanged(this)
    this.listener.event(this, 'trust-changed', words.unrevoked(entry.name, peerId), peerId)
    this.listener.changed(this, true)
  }

  /** Copies the running node's trusted peers into what is saved (after a link, an accept, before a stop). */
  private keepTrust(node: ChaskiNode): void {
    if (node.trust === 'open') return
    if (this.trust.update(node.trustedPeers)) this.listener.memoryChanged(this)
  }

  private servingNode(): ChaskiNode {
    if (!this.node || this.state !== 'serving')
      throw new NodeNotServingError(`${this.config.name} is not running; start it first`)
    return this.node
  }

  // ------------------------------------------------------------------------------------------------------------

  /** Runs discovery (docs/SEMANTICS.md §4) and keeps per-topic progress in the snapshot while it runs. */
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
    ].slice(0, LIMITS.recentPeersPerNode)
    this.listener.memoryChanged(this)
  }

  /** Drops a peer from the recent list (a link closed at once because it was not the node the person meant). */
  dropRecentPeer(peerId: string): void {
    this.recentPeers = this.recentPeers.filter((p) => p.peerId !== peerId)
    this.listener.changed(this, false)
    this.listener.memoryChanged(this)
  }

  /** What the node remembers of its network, as saved with its settings. */
  memory(): NodeMemory {
    return {
      knownPeers: this.knownPeers.entries(),
      recentPeers: this.recentPeers.map((p) => ({ ...p })),
      lanDevices: this.lanDevices.entries(),
      trust: this.trust.saved()
    }
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
    if (this.lanDevices.update(serving && this.config.lan.enabled ? lanPeerSnapshots(node) : []))
      this.listener.memoryChanged(this)
    const redialer = serving ? this.redialer : null
    return {
      id: this.id,
      ...(this.nodeId === null ? {} : { nodeId: this.nodeId }),
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
      recentPeers: this.recentPeers,
      knownPeers: this.knownPeers.snapshot((address) => redialer?.status(address) ?? null),
      reachableAt: serving ? reachable(node.ip, node.port) : [],
      portInUse: this.portInUse,
      pendingRestart: serving && this.running ? optionsAwaitingRestart(this.running, this.config) : [],
      trust: this.trustSnapshot(serving ? node : null)
    }
  }

  /** What the node runs with (or will, when stopped); trusted peers live while it runs, else as saved. */
  private trustSnapshot(node: ChaskiNode | null): NodeSnapshot['trust'] {
    const options = node && this.running ? this.running : this.config
    const trusted =
      node && node.trust !== 'open'
        ? node.trustedPeers
            .filter((p) => !this.trust.isRevoked(p.id))
            .sort((a, b) => b.lastSeen - a.lastSeen)
            .slice(0, LIMITS.trustedPeersPerNode)
        : this.trust.trustedPeers()
    return {
      policy: options.trust,
      insecure: options.insecure,
      pending: node ? pendingPeersOf(node) : [],
      trusted,
      revoked: this.trust.revokedPeers()
    }
  }

  private async startFailed(err: unknown): Promise<void> {
    const target = `${this.config.ip}:${this.config.port}`
    this.error = describeError(err, target).message
    this.portInUse = null
    if ((err as Error).name === 'AddressInUseError' && this.config.port !== 0) {
      const suggestion = await this.listener.suggestPort(this, this.config.port).catch(() => null)
      this.portInUse = { port: this.config.port, suggestion }
      this.error =
        `port ${this.config.port} is already in use by another program on this machine` +
        (suggestion === null ? '; pick another port' : `; port ${suggestion} is free`)
    }
    this.setState('failed')
    this.listener.event(this, 'node-failed', words.failed(this.config.name, this.error))
  }

  /** Dials every known peer still wanted, now and whenever it goes away (src/main/redial/peer-redialer.ts). */
  private startRedialing(node: ChaskiNode): void {
    const peerOf = (address: string) => {
      const entry = this.knownPeers.get(address)
      return { name: entry?.name ?? address, address, peerId: entry?.peerId ?? address }
    }
    this.redialer = new PeerRedialer(node, {
      resolve: (address) => this.listener.resolve(this, address),
      onError: (what, err) => this.listener.failed(this, what, err),
      onStatus: (address, status: RedialStatus) => {
        if (status.kind === 'closed-by-peer') {
          const peer = peerOf(address)
          this.listener.event(this, 'edge-removed', words.knownPeerClosed(peer), peer.peerId)
        }
        this.listener.changed(this, false)
      },
      onConnected: (address, edge) => {
        this.knownPeers.seen(address, { id: edge.id, name: edge.name })
        this.listener.memoryChanged(this)
      },
      onRetry: (address, attempt, delayMs, lastError) => {
        const peer = peerOf(address)
        this.listener.event(
          this,
          'reconnecting',
          words.redialing(peer, attempt, delayMs, lastError),
          peer.peerId
        )
      }
    })
    for (const peer of this.knownPeers.wanted()) this.redialer.add(peer.address, peer.peerId)
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
      // A link pins its key (tofu) or follows an accept (approve): keep the trusted list.
      this.keepTrust(emitter)
      log('edge-added', words.connected(edge, reconnected), edge.id)
      changed()
    })
    node.on('edge-removed', ({ edge, reason, detail, willReconnect }) => {
      this.rememberPeer(edge)
      const known = this.knownAddressOf(edge)
      if (known) {
        this.knownPeers.seen(known, null)
        // Discovery's onPair 'disconnect' closed it on purpose, as the person asked: remembered like a disconnect.
        if (reason === 'pair-disconnect') {
          this.knownPeers.setKeep(known, false)
          this.redialer?.remove(known)
        }
      }
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
      // A known peer is not given up on: the redialer takes over (its row shows the next try).
      const known = this.knownAddressOfPeer(peer.peerId)
      if (!known || !this.knownPeers.get(known)?.keep)
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
    node.on('identity-changed', ({ address, expectedId, provenId, direction }) => {
      // One row and one notice per peer and offending key: the same forger met again (a forged beacon redialled, an
      // impostor reconnecting) updates them instead of adding more.
      const repeatKey = `identity|${expectedId}|${provenId}`
      this.listener.event(
        this,
        'identity-changed',
        words.identityChanged(address, expectedId, provenId, direction === 'inbound'),
        provenId,
        repeatKey
      )
      this.listener.notice(
        this,
        `${repeatKey}|${this.id}`,
        'warning',
        noticeText.identityChanged(this.config.name, address, this.trust.nameOf(expectedId))
      )
    })
    // Policy approve: a peer waits for the person's decision (or this node waits for the peer's).
    node.on('peer-pending', (peer) => {
      const row = pendingRow(peer)
      log('peer-pending', row.accepted ? words.pendingThere(row) : words.pending(row), row.id)
      changed(false)
    })
    node.on('peer-pending-updated', () => changed(false))
    node.on('peer-pending-ended', ({ id, outcome }) => {
      if (outcome === 'expired' || outcome === 'closed') log('peer-pending', words.pendingEnded(outcome), id)
      // Accepted: the link opens (edge-added pins it); the trusted list changed either way.
      this.keepTrust(emitter)
      changed(outcome === 'accepted')
    })
    node.on('peer-refused', ({ reason, error, remoteAddress, remotePort }) => {
      // Anyone can make refused connections: one row per source address a minute at most.
      if (!this.refusalRows.allow(remoteAddress)) return
      log('peer-refused', words.peerRefused(formatAddress(remoteAddress, remotePort), reason, error.message))
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

const NO_SUCH_PENDING =
  'no peer with that id is waiting for approval (it may have been accepted, rejected or gone away)'

/** Notices in plain words, for people who never read the event log. */
const noticeText = {
  identityChanged: (nodeName: string, address: string, knownAs: string | undefined) =>
    `${nodeName} refused the node at ${address}: it is not the node ${knownAs ? `"${knownAs}" ` : ''}that was there ` +
    'before (it proved a different key). Someone may be impersonating it. If that node was reinstalled and really ' +
    'has a new identity, revoke its old one in the Trust section and connect again.'
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
