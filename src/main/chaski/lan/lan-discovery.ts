// LAN discovery: multicast beacons so nodes find each other without a first manual connection
// (docs/PROTOCOL.md, "LAN beacons"). This module owns the sockets and interfaces (joined as they come and go) and
// wires three parts together: the announcer (beacon-announcer.ts: when we send), the receive pipeline
// (beacon-receiver.ts: what we accept) and membership (lan-membership.ts: who is there).
import { EventEmitter } from 'node:events'
import { networkInterfaces as osNetworkInterfaces } from 'node:os'
import type { Socket } from 'node:dgram'
import { isLoopbackIp } from '../address'
import { systemClock, type Clock } from '../clock'
import { createLogger } from '../logger'
import type { Logger } from '../logger'
import type { RateLimitInit } from '../rate-limit'
import type { NetworkKeySet } from '../security/network-key'
import { BeaconAnnouncer, type LanSelf } from './beacon-announcer'
import { BeaconAuth } from './beacon-auth'
import { BeaconReceiver, type LanDiscoveryStats } from './beacon-receiver'
import { closeSocket, joinGroup, leaveGroup, openReceiver, openSender, sendDatagram } from './beacon-sockets'
import { DEFAULT_INTERFACE_POLL_MS, MAX_PEERS } from './constants'
import type { BeaconRejectedError } from './errors'
import { InterfaceWatcher, parseLanInterfacesCap, unmatchedInterfaceTokens } from './interfaces'
import type { LanInterface, NetworkInterfaceMap } from './interfaces'
import { LanMembership, type LanPeerLostReason } from './lan-membership'
import { normalizeLanOptions } from './options'
import type { LanOptions, NormalizedLanOptions } from './options'
import type { LanPeer } from './peer-table'

export type { LanDiscoveryStats, LanPeerLostReason, LanSelf }

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
  /** @default systemClock */
  clock?: Clock
  /** Where CHASKI_LAN_INTERFACES is read from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>
  /** @default os.networkInterfaces */
  networkInterfaces?: () => NetworkInterfaceMap
  /** @default 5000 */
  interfacePollMs?: number
  /** @default 1024 */
  maxPeers?: number
  rateLimit?: Partial<RateLimitInit>
  /** A network key: beacons are sent authenticated with it, and only beacons authenticated with it are taken. */
  networkKey?: NetworkKeySet | null
}

interface Link {
  iface: LanInterface
  sender: Socket
}

export class LanDiscovery extends EventEmitter<LanDiscoveryEvents> {
  readonly options: NormalizedLanOptions
  private readonly log: Logger
  private readonly env: Readonly<Record<string, string | undefined>>
  private readonly membership: LanMembership
  private readonly receiver: BeaconReceiver
  private readonly announcer: BeaconAnnouncer
  private readonly watcher: InterfaceWatcher
  private readonly receivers = new Map<4 | 6, Socket>()
  private readonly links = new Map<string, Link>()
  /** The interfaces of `links`, kept in step (read for every datagram). */
  private joined: LanInterface[] = []
  /** Interfaces whose join failed: retried on every poll, warned about once. */
  private readonly failed = new Set<string>()
  private reconciling: Promise<void> = Promise.resolve()
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle'

  constructor(private readonly init: LanDiscoveryInit) {
    super()
    const options = normalizeLanOptions(init.options)
    if (options === null) throw new TypeError('LanDiscovery needs lan options (true or an object)')
    this.options = options
    this.log = init.logger ?? createLogger('chaski:lan')
    this.env = init.env ?? process.env
    const clock = init.clock ?? systemClock
    const auth = init.networkKey ? new BeaconAuth(init.networkKey) : null
    this.membership = new LanMembership(init.maxPeers ?? MAX_PEERS, clock, init.isConnected, {
      seen: (peer) => {
        this.emit('lan-peer-seen', { peer })
        this.announcer.replySoon() // so the newcomer lists us just as fast as we list it
      },
      updated: (peer, previous, changes) => this.emit('lan-peer-updated', { peer, previous, changes }),
      lost: (peer, reason) => this.emit('lan-peer-lost', { peer, reason }),
      refused: (reason, source, detail) => this.receiver.drop(reason, source, detail)
    })
    this.receiver = new BeaconReceiver(
      this.membership,
      this.log,
      clock,
      (error) => this.emit('beacon-rejected', error),
      init.rateLimit,
      auth
    )
    this.announcer = new BeaconAnnouncer(
      options.intervalMs,
      clock,
      this.log,
      init.self,
      (datagram) => this.sendToAll(datagram),
      () => this.receiver.flushDrops(),
      auth
    )
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
    return this.membership.peers
  }

  /** Datagrams received, accepted, dropped (by reason) and sent. */
  get stats(): LanDiscoveryStats {
    return this.receiver.stats
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
    this.receiver.selfId = this.init.self().id
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
    this.announcer.start()
  }

  /** Says goodbye, closes every socket and clears every timer. Listeners get 'lan-peer-lost' (reason 'stopped'). */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return
    const wasRunning = this.state === 'running'
    this.state = 'stopping'
    this.watcher.stop()
    this.announcer.stop()
    await this.reconciling
    if (wasRunning) await this.announcer.goodbye()
    await Promise.all([...this.links.values()].map((link) => closeSocket(link.sender)))
    await Promise.all([...this.receivers.values()].map((socket) => closeSocket(socket)))
    this.links.clear()
    this.joined = []
    this.receivers.clear()
    this.receiver.clear()
    this.state = 'stopped'
    this.membership.stop()
  }

  /** Call when name, subscriptions or paired state changed: one beacon goes out shortly (bursts coalesce). */
  announce(): void {
    if (this.state === 'running') this.announcer.changed()
  }

  /** Re-reads `isConnected` for one peer (or all) and emits 'lan-peer-updated' where it changed. */
  refreshConnected(id?: string): void {
    this.membership.refreshConnected(id)
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
      if (this.links.size > 0) this.announcer.now() // say hello on the new interface at once
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
    if (!stillThere) this.membership.interfaceGone(link.iface.name)
  }

  private async receiverFor(family: 4 | 6): Promise<Socket> {
    const existing = this.receivers.get(family)
    if (existing !== undefined) return existing
    const group = family === 4 ? this.options.group : this.options.group6
    const socket = await openReceiver(family, group, this.options.port)
    socket.on('message', (data, rinfo) => {
      if (this.state === 'running') this.receiver.onDatagram(data, rinfo, this.joined)
    })
    socket.on('error', (err) => this.log.warn('LAN beacon receiver error', { family, err }))
    this.receivers.set(family, socket)
    return socket
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  private async sendToAll(datagram: Buffer): Promise<void> {
    if (this.links.size === 0) return
    const stats = this.receiver.stats
    await Promise.all(
      [...this.links.values()].map(async (link) => {
        const group = link.iface.family === 4 ? this.options.group : this.options.group6
        try {
          await sendDatagram(link.sender, datagram, this.options.port, group)
          stats.sent++
        } catch (err) {
          stats.sendErrors++
          this.log.debug('LAN beacon send failed', { iface: link.iface.key, err: err as Error })
        }
      })
    )
  }

  private warnIfUnreachable(): void {
    const ip = this.init.self().ip
    if (isLoopbackIp(ip) && this.interfaces.some((iface) => !iface.internal)) {
      this.log.warn('node listens on loopback: LAN peers will see it but cannot connect', { ip })
    }
  }
}
