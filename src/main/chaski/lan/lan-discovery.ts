// LAN discovery: multicast beacons so nodes find each other without a first manual connection
// (docs/PROTOCOL.md, "LAN beacons"). A node announces at start, on every change, periodically with jitter, and at
// once when it hears a newcomer (as Syncthing does); it says goodbye on stop. Receivers keep one entry per node id.
import { EventEmitter } from 'node:events'
import { networkInterfaces as osNetworkInterfaces } from 'node:os'
import type { RemoteInfo, Socket } from 'node:dgram'
import { sourceKey } from '../address'
import { createLogger } from '../logger'
import type { Logger } from '../logger'
import { decodeBeacon, encodeBeacon, isUnspecifiedIp } from './beacon-codec'
import type { Beacon, BeaconKind } from './beacon-codec'
import {
  closeSocket,
  isLinkLocal,
  joinGroup,
  leaveGroup,
  openReceiver,
  openSender,
  sendDatagram
} from './beacon-sockets'
import {
  ANNOUNCE_DEBOUNCE_MS,
  DEFAULT_INTERFACE_POLL_MS,
  GLOBAL_BURST,
  GLOBAL_RATE_PER_S,
  INTERVAL_JITTER_RATIO,
  MAX_PEERS,
  MAX_PEERS_PER_HOST,
  MAX_RATE_SOURCES,
  MIN_REPLY_GAP_MS,
  SOURCE_BURST,
  SOURCE_RATE_PER_S,
  STARTUP_REPEATS_MS
} from './constants'
import type { BeaconRejectedError } from './errors'
import { BeaconDropReport } from './drop-report'
import type { BeaconRejectReason } from './errors'
import {
  InterfaceWatcher,
  interfaceForSource,
  parseLanInterfacesCap,
  unmatchedInterfaceTokens
} from './interfaces'
import type { LanInterface, NetworkInterfaceMap } from './interfaces'
import { normalizeLanOptions } from './options'
import type { LanOptions, NormalizedLanOptions } from './options'
import { LanPeerTable } from './peer-table'
import type { LanPeer } from './peer-table'
import { RateLimiter } from '../rate-limit'
import type { RateLimitInit } from '../rate-limit'

/** What the node tells LAN discovery about itself; read at every announcement. */
export interface LanSelf {
  id: string
  name: string
  /** TCP protocol version. */
  v: number
  /** Listening ip; unspecified ('0.0.0.0', '::') makes receivers use the beacon's source address. */
  ip: string
  port: number
  subscriptions: Iterable<string>
  paired: boolean
  root?: boolean
}

export type LanPeerLostReason =
  | 'timeout'
  | 'goodbye'
  | 'interface-gone'
  | 'replaced'
  | 'stopped'
  /** A full table made room for a newcomer from a host holding fewer entries (peer-table.ts). */
  | 'evicted'

export interface LanDiscoveryEvents {
  'lan-peer-seen': [{ peer: LanPeer }]
  'lan-peer-updated': [{ peer: LanPeer; previous: LanPeer; changes: (keyof LanPeer)[] }]
  'lan-peer-lost': [{ peer: LanPeer; reason: LanPeerLostReason }]
  /** A datagram was dropped (bad, spoofed-looking, flooding); summarised per reason at most every 10 s. */
  'beacon-rejected': [BeaconRejectedError]
  /** The set of interfaces beacons use changed (joined or left). */
  'interfaces-changed': [{ interfaces: LanInterface[] }]
}

export interface LanDiscoveryInit {
  options: LanOptions | true
  self: () => LanSelf
  isConnected: (id: string) => boolean
  logger?: Logger
  /** Where CHASKI_LAN_INTERFACES is read from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>
  /** @default os.networkInterfaces */
  networkInterfaces?: () => NetworkInterfaceMap
  /** @default 5000 */
  interfacePollMs?: number
  /** @default 1024 */
  maxPeers?: number
  rateLimit?: Partial<RateLimitInit>
}

export interface LanDiscoveryStats {
  received: number
  accepted: number
  own: number
  dropped: Partial<Record<BeaconRejectReason, number>>
  sent: number
  sendErrors: number
}

interface Link {
  iface: LanInterface
  sender: Socket
}

export class LanDiscovery extends EventEmitter<LanDiscoveryEvents> {
  readonly options: NormalizedLanOptions
  readonly stats: LanDiscoveryStats
  private readonly log: Logger
  private readonly env: Readonly<Record<string, string | undefined>>
  private readonly table: LanPeerTable
  private readonly limiter: RateLimiter
  private readonly watcher: InterfaceWatcher
  private readonly receivers = new Map<4 | 6, Socket>()
  private readonly links = new Map<string, Link>()
  /** The interfaces of `links`, kept in step (read for every datagram). */
  private joined: LanInterface[] = []
  /** Interfaces whose join failed: retried on every poll, warned about once. */
  private readonly failed = new Set<string>()
  private readonly drops: BeaconDropReport
  private reconciling: Promise<void> = Promise.resolve()
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle'
  private seq = 0
  private selfId = ''
  private periodicTimer: NodeJS.Timeout | undefined
  private readonly startupTimers: NodeJS.Timeout[] = []
  private announceTimer: NodeJS.Timeout | undefined
  private announceAt = Infinity
  private lastReplyAt = -Infinity
  private sweepTimer: NodeJS.Timeout | undefined
  private sweepAt = Infinity

  constructor(private readonly init: LanDiscoveryInit) {
    super()
    const options = normalizeLanOptions(init.options)
    if (options === null) throw new TypeError('LanDiscovery needs lan options (true or an object)')
    this.options = options
    this.log = init.logger ?? createLogger('chaski:lan')
    this.drops = new BeaconDropReport(this.log, (error) => this.emit('beacon-rejected', error))
    this.stats = { received: 0, accepted: 0, own: 0, dropped: this.drops.counts, sent: 0, sendErrors: 0 }
    this.env = init.env ?? process.env
    const maxPeers = init.maxPeers ?? MAX_PEERS
    this.table = new LanPeerTable(maxPeers, Math.min(MAX_PEERS_PER_HOST, maxPeers))
    this.limiter = new RateLimiter({
      burst: SOURCE_BURST,
      ratePerS: SOURCE_RATE_PER_S,
      maxKeys: MAX_RATE_SOURCES,
      globalBurst: GLOBAL_BURST,
      globalRatePerS: GLOBAL_RATE_PER_S,
      ...init.rateLimit
    })
    this.watcher = new InterfaceWatcher({
      requested: options.interfaces,
      env: this.env,
      networkInterfaces: init.networkInterfaces ?? osNetworkInterfaces,
      pollMs: init.interfacePollMs ?? DEFAULT_INTERFACE_POLL_MS,
      onInterfaces: (list) => this.enqueueReconcile(list)
    })
  }

  /** Every peer heard, keyed by node id. */
  get peers(): ReadonlyMap<string, LanPeer> {
    return this.table.view
  }

  /** Interfaces beacons are currently sent and received on. */
  get interfaces(): LanInterface[] {
    return [...this.joined]
  }

  get running(): boolean {
    return this.state === 'running'
  }

  /** Joins the interfaces and announces. Resolves once the first join attempt on every interface is done. */
  async start(): Promise<void> {
    if (this.state !== 'idle') return
    this.state = 'running'
    this.selfId = this.init.self().id
    const cap = parseLanInterfacesCap(this.env)
    if (cap !== null && cap.length === 0) {
      this.log.info('LAN beacons are off (CHASKI_LAN_INTERFACES=none)')
      return
    }
    const unknown = unmatchedInterfaceTokens(
      this.options.interfaces,
      (this.init.networkInterfaces ?? osNetworkInterfaces)()
    )
    if (unknown.length > 0)
      this.log.warn('LAN interfaces not found (will join if they appear)', { unknown: unknown.join(',') })
    this.watcher.start()
    await this.reconciling
    if (this.state !== 'running') return
    this.warnIfUnreachable()
    this.sendNow('announce')
    for (const delayMs of STARTUP_REPEATS_MS)
      this.startupTimers.push(setTimeout(() => this.sendNow('announce'), delayMs))
    this.schedulePeriodic()
  }

  /** Says goodbye, closes every socket and clears every timer. Listeners get 'lan-peer-lost' (reason 'stopped'). */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return
    const wasRunning = this.state === 'running'
    this.state = 'stopping'
    this.watcher.stop()
    for (const timer of [this.periodicTimer, this.announceTimer, this.sweepTimer, ...this.startupTimers])
      clearTimeout(timer)
    await this.reconciling
    if (wasRunning) await this.sendToAll('goodbye')
    await Promise.all([...this.links.values()].map((link) => closeSocket(link.sender)))
    await Promise.all([...this.receivers.values()].map((socket) => closeSocket(socket)))
    this.links.clear()
    this.joined = []
    this.receivers.clear()
    this.limiter.clear()
    this.state = 'stopped'
    for (const id of this.table.ids()) this.lose(id, 'stopped')
  }

  /** Call when name, subscriptions or paired state changed: one beacon goes out shortly (bursts coalesce). */
  announce(): void {
    this.scheduleAnnounce(ANNOUNCE_DEBOUNCE_MS)
  }

  /** Re-reads `isConnected` for one peer (or all) and emits 'lan-peer-updated' where it changed. */
  refreshConnected(id?: string): void {
    for (const peerId of id === undefined ? this.table.ids() : [id]) {
      const previous = this.table.get(peerId)
      if (previous === undefined) continue
      const peer = this.table.setConnected(peerId, this.init.isConnected(peerId))
      if (peer !== undefined) this.emit('lan-peer-updated', { peer, previous, changes: ['connected'] })
    }
  }

  // ---- interfaces -------------------------------------------------------------------------------------------

  private enqueueReconcile(list: LanInterface[]): void {
    this.reconciling = this.reconciling
      .then(() => this.reconcile(list))
      .catch((err: unknown) => {
        this.log.error('LAN interface update failed', { err: err as Error })
      })
  }

  private async reconcile(list: LanInterface[]): Promise<void> {
    if (this.state !== 'running') return
    let changed = false
    const wanted = new Set(list.map((iface) => iface.key))
    for (const [key, link] of this.links) {
      if (wanted.has(key)) continue
      await this.leave(link)
      changed = true
    }
    for (const key of this.failed) if (!wanted.has(key)) this.failed.delete(key)
    for (const iface of list) {
      if (this.links.has(iface.key) || this.state !== 'running') continue
      if (await this.join(iface)) changed = true
    }
    if (changed) {
      this.emit('interfaces-changed', { interfaces: this.interfaces })
      if (this.links.size > 0) this.scheduleAnnounce(0) // say hello on the new interface at once
    }
  }

  private async join(iface: LanInterface): Promise<boolean> {
    const group = iface.family === 4 ? this.options.group : this.options.group6
    let sender: Socket | undefined
    try {
      const receiver = await this.receiverFor(iface.family)
      joinGroup(receiver, group, iface)
      sender = await openSender(iface)
      sender.on('error', (err) => this.log.warn('LAN beacon sender error', { iface: iface.key, err }))
      if (this.state !== 'running') {
        await closeSocket(sender)
        return false
      }
      this.links.set(iface.key, { iface, sender })
      this.joined = [...this.links.values()].map((link) => link.iface)
      this.failed.delete(iface.key)
      this.log.debug('LAN beacons on interface', { iface: iface.key, group })
      return true
    } catch (err) {
      if (sender !== undefined) await closeSocket(sender)
      const receiver = this.receivers.get(iface.family)
      if (receiver !== undefined) leaveGroup(receiver, group, iface)
      if (!this.failed.has(iface.key)) {
        this.log.warn('skipping LAN interface (will retry)', { iface: iface.key, err: err as Error })
        this.failed.add(iface.key)
      }
      return false
    }
  }

  private async leave(link: Link): Promise<void> {
    this.links.delete(link.iface.key)
    this.joined = [...this.links.values()].map((other) => other.iface)
    const receiver = this.receivers.get(link.iface.family)
    if (receiver !== undefined) {
      leaveGroup(receiver, link.iface.family === 4 ? this.options.group : this.options.group6, link.iface)
    }
    await closeSocket(link.sender)
    this.log.info('LAN interface gone', { iface: link.iface.key })
    // Peers reached through an interface that is gone entirely (both families) cannot be reached any more.
    const stillThere = [...this.links.values()].some((other) => other.iface.name === link.iface.name)
    if (!stillThere)
      for (const id of this.table.reachedThrough(link.iface.name)) this.lose(id, 'interface-gone')
  }

  private async receiverFor(family: 4 | 6): Promise<Socket> {
    const existing = this.receivers.get(family)
    if (existing !== undefined) return existing
    const group = family === 4 ? this.options.group : this.options.group6
    const socket = await openReceiver(family, group, this.options.port)
    socket.on('message', (data, rinfo) => this.onDatagram(data, rinfo))
    socket.on('error', (err) => this.log.warn('LAN beacon receiver error', { family, err }))
    this.receivers.set(family, socket)
    return socket
  }

  // ---- receiving --------------------------------------------------------------------------------------------

  private onDatagram(data: Buffer, rinfo: RemoteInfo): void {
    if (this.state !== 'running') return
    this.stats.received++
    const source =
      rinfo.family === 'IPv6' ? `[${rinfo.address}]:${rinfo.port}` : `${rinfo.address}:${rinfo.port}`
    // The limiter runs before decoding, so a flood costs a map lookup per datagram and nothing more.
    if (!this.limiter.allow(source)) return this.drop('rate-limited', source, 'too many beacons')
    const decoded = decodeBeacon(data)
    if (!decoded.ok) return this.drop(decoded.reason, source, decoded.detail)
    const beacon = decoded.beacon
    if (beacon.id === this.selfId) {
      this.stats.own++
      return
    }
    const iface = interfaceForSource(rinfo.address, this.joined)
    const ip = this.reachableIp(beacon, rinfo, iface)
    if (ip === null) return // e.g. an IPv4-only node heard over IPv6: its IPv4 beacon carries what we need
    if (isLoopback(ip) && !isLoopback(rinfo.address)) {
      return this.drop('unreachable-address', source, `announces loopback ${beacon.ip} from another host`)
    }
    this.stats.accepted++
    if (beacon.kind === 'goodbye') return this.onGoodbye(beacon, source)
    this.onAnnounce(beacon, source, sourceKey(rinfo.address), ip, iface?.name ?? 'unknown')
  }

  private onAnnounce(beacon: Beacon, source: string, host: string, ip: string, ifaceName: string): void {
    const result = this.table.upsert(beacon, {
      ip,
      interface: ifaceName,
      source,
      sourceHost: host,
      connected: this.init.isConnected(beacon.id),
      nowMs: performance.now(),
      nowEpoch: Date.now()
    })
    switch (result.kind) {
      case 'full':
        return this.drop('table-full', source, `peer table holds ${this.table.size} peers`)
      case 'quota':
        return this.drop('host-quota', source, `its host already has ${MAX_PEERS_PER_HOST} peers listed`)
      case 'seen':
        if (result.evicted !== undefined)
          this.emit('lan-peer-lost', { peer: result.evicted, reason: 'evicted' })
        this.dropOthersAt(result.peer)
        this.emit('lan-peer-seen', { peer: result.peer })
        this.replySoon() // so the newcomer lists us just as fast as we list it
        this.scheduleSweep()
        return
      case 'updated':
        if (result.changes.includes('ip') || result.changes.includes('port')) this.dropOthersAt(result.peer)
        this.emit('lan-peer-updated', {
          peer: result.peer,
          previous: result.previous,
          changes: result.changes
        })
        return
      default:
        return
    }
  }

  private onGoodbye(beacon: Beacon, source: string): void {
    // Only where the peer last spoke from may say it leaves: a goodbye is too cheap to forge otherwise.
    if (this.table.sourceOf(beacon.id) === source) this.lose(beacon.id, 'goodbye')
  }

  /** The address to dial: the announced one, or the datagram's source when the node listens on every address. */
  private reachableIp(beacon: Beacon, rinfo: RemoteInfo, iface: LanInterface | undefined): string | null {
    if (!isUnspecifiedIp(beacon.ip)) return beacon.ip
    if (beacon.ip === '0.0.0.0' && rinfo.family === 'IPv6') return null
    if (rinfo.family === 'IPv6' && isLinkLocal(rinfo.address) && !rinfo.address.includes('%')) {
      return iface === undefined ? null : `${rinfo.address}%${iface.name}`
    }
    return rinfo.address
  }

  /**
   * A node restarted with a new id on the same address replaces the old entry (which can no longer answer). Only
   * from the same host (another host cannot claim someone else's address away), and never a peer with an edge.
   */
  private dropOthersAt(peer: LanPeer): void {
    const host = this.table.hostOf(peer.id)
    for (const other of this.table.view.values()) {
      if (
        other.id !== peer.id &&
        other.address === peer.address &&
        !other.connected &&
        this.table.hostOf(other.id) === host
      )
        this.lose(other.id, 'replaced')
    }
  }

  private lose(id: string, reason: LanPeerLostReason): void {
    const peer = this.table.remove(id)
    if (peer !== undefined) this.emit('lan-peer-lost', { peer, reason })
  }

  private drop(reason: BeaconRejectReason, source: string, detail: string): void {
    this.drops.drop(reason, source, detail)
  }

  // ---- expiry -----------------------------------------------------------------------------------------------

  /** One timer for the earliest loss deadline, at most every 50 ms however many peers there are. */
  private scheduleSweep(): void {
    if (this.state !== 'running') return
    const deadline = this.table.nextDeadline()
    if (deadline === undefined) return
    const at = Math.max(deadline, performance.now() + 50)
    if (this.sweepTimer !== undefined && this.sweepAt <= at) return
    clearTimeout(this.sweepTimer)
    this.sweepAt = at
    this.sweepTimer = setTimeout(() => this.sweep(), at - performance.now())
  }

  private sweep(): void {
    this.sweepTimer = undefined
    this.sweepAt = Infinity
    for (const id of this.table.expired(performance.now())) this.lose(id, 'timeout')
    this.scheduleSweep()
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  private schedulePeriodic(): void {
    const jitter = 1 + (Math.random() * 2 - 1) * INTERVAL_JITTER_RATIO
    this.periodicTimer = setTimeout(() => {
      if (this.state !== 'running') return
      this.sendNow('announce')
      this.drops.flushAll()
      this.schedulePeriodic()
    }, this.options.intervalMs * jitter)
  }

  private replySoon(): void {
    const gap = this.lastReplyAt + MIN_REPLY_GAP_MS - performance.now()
    this.scheduleAnnounce(Math.max(0, gap))
  }

  /** Keeps the earliest pending one-off announcement; later requests merge into it. */
  private scheduleAnnounce(delayMs: number): void {
    if (this.state !== 'running') return
    const at = performance.now() + delayMs
    if (this.announceTimer !== undefined && this.announceAt <= at) return
    clearTimeout(this.announceTimer)
    this.announceAt = at
    this.announceTimer = setTimeout(() => {
      this.announceTimer = undefined
      this.announceAt = Infinity
      this.lastReplyAt = performance.now()
      this.sendNow('announce')
    }, delayMs)
  }

  private sendNow(kind: BeaconKind): void {
    if (this.state !== 'running') return
    void this.sendToAll(kind)
  }

  private async sendToAll(kind: BeaconKind): Promise<void> {
    if (this.links.size === 0) return
    let data: Buffer
    try {
      data = this.encodeSelf(kind)
    } catch (err) {
      this.log.warn('cannot announce on the LAN', { err: err as Error })
      return
    }
    await Promise.all(
      [...this.links.values()].map(async (link) => {
        const group = link.iface.family === 4 ? this.options.group : this.options.group6
        try {
          await sendDatagram(link.sender, data, this.options.port, group)
          this.stats.sent++
        } catch (err) {
          this.stats.sendErrors++
          this.log.debug('LAN beacon send failed', { iface: link.iface.key, err: err as Error })
        }
      })
    )
  }

  private encodeSelf(kind: BeaconKind): Buffer {
    const self = this.init.self()
    this.seq = (this.seq + 1) >>> 0
    return encodeBeacon({
      kind,
      v: self.v,
      id: self.id,
      name: self.name,
      ip: self.ip,
      port: self.port,
      subscriptions: [...self.subscriptions],
      paired: self.paired,
      root: self.root ?? false,
      intervalMs: this.options.intervalMs,
      seq: this.seq
    })
  }

  private warnIfUnreachable(): void {
    const ip = this.init.self().ip
    if (isLoopback(ip) && this.interfaces.some((iface) => !iface.internal)) {
      this.log.warn('node listens on loopback: LAN peers will see it but cannot connect', { ip })
    }
  }
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.')
}
