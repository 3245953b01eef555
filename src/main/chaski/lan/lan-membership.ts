// LAN membership: who is on the LAN, as far as beacons say. Applies announces and goodbyes to the peer table
// (peer-table.ts, bounded and fair), keeps each peer's `connected` flag, drops peers whose beacons stopped (one
// timer for the earliest loss deadline), and tells its listener what changed. The receive pipeline
// (beacon-receiver.ts) feeds it; lan-discovery.ts wires it up.
import type { Clock, ClockTimer } from '../clock'
import type { Beacon } from './beacon-codec'
import { MAX_PEERS_PER_HOST } from './constants'
import type { BeaconRejectReason } from './errors'
import { LanPeerTable, type LanPeer } from './peer-table'

export type LanPeerLostReason =
  | 'timeout'
  | 'goodbye'
  | 'interface-gone'
  | 'replaced'
  | 'stopped'
  /** A full table made room for a newcomer from a host holding fewer entries (peer-table.ts). */
  | 'evicted'

/** What membership changes are told to. */
export interface MembershipListener {
  seen(peer: LanPeer): void
  updated(peer: LanPeer, previous: LanPeer, changes: (keyof LanPeer)[]): void
  lost(peer: LanPeer, reason: LanPeerLostReason): void
  /** A newcomer the table had no room for. */
  refused(reason: BeaconRejectReason, source: string, detail: string): void
}

/** Where and how an announce was heard (beacon-receiver.ts resolves it). */
export interface Heard {
  /** The address to dial. */
  ip: string
  /** The datagram's source `ip:port` (the sender's beacon socket). */
  source: string
  /** The sending host, for per-host quotas (address sourceKey). */
  host: string
  /** The interface it was heard on. */
  interface: string
}

export class LanMembership {
  private readonly table: LanPeerTable
  private sweepTimer: ClockTimer | undefined
  private sweepAt = Infinity
  private active = true

  constructor(
    maxPeers: number,
    private readonly clock: Clock,
    private readonly isConnected: (id: string) => boolean,
    private readonly listener: MembershipListener
  ) {
    this.table = new LanPeerTable(maxPeers, Math.min(MAX_PEERS_PER_HOST, maxPeers))
  }

  /** Every peer heard, keyed by node id. */
  get peers(): ReadonlyMap<string, LanPeer> {
    return this.table.view
  }

  get size(): number {
    return this.table.size
  }

  onAnnounce(beacon: Beacon, heard: Heard): void {
    const result = this.table.upsert(beacon, {
      ip: heard.ip,
      interface: heard.interface,
      source: heard.source,
      sourceHost: heard.host,
      connected: this.isConnected(beacon.id),
      nowMs: this.clock.now(),
      nowEpoch: this.clock.epochMs()
    })
    switch (result.kind) {
      case 'full':
        return this.listener.refused('table-full', heard.source, `peer table holds ${this.table.size} peers`)
      case 'quota':
        return this.listener.refused(
          'host-quota',
          heard.source,
          `its host already has ${MAX_PEERS_PER_HOST} peers listed`
        )
      case 'seen':
        if (result.evicted !== undefined) this.listener.lost(result.evicted, 'evicted')
        this.dropOthersAt(result.peer)
        this.listener.seen(result.peer)
        this.scheduleSweep()
        return
      case 'updated':
        if (result.changes.includes('ip') || result.changes.includes('port')) this.dropOthersAt(result.peer)
        this.listener.updated(result.peer, result.previous, result.changes)
        return
      default:
        return
    }
  }

  onGoodbye(beacon: Beacon, source: string): void {
    // Only where the peer last spoke from may say it leaves: a goodbye is too cheap to forge otherwise.
    if (this.table.sourceOf(beacon.id) === source) this.lose(beacon.id, 'goodbye')
  }

  /** Re-reads `isConnected` for one peer (or all) and reports where it changed. */
  refreshConnected(id?: string): void {
    for (const peerId of id === undefined ? this.table.ids() : [id]) {
      const previous = this.table.get(peerId)
      if (previous === undefined) continue
      const peer = this.table.setConnected(peerId, this.isConnected(peerId))
      if (peer !== undefined) this.listener.updated(peer, previous, ['connected'])
    }
  }

  /** Peers reached through an interface that is gone are lost. */
  interfaceGone(name: string): void {
    for (const id of this.table.reachedThrough(name)) this.lose(id, 'interface-gone')
  }

  /** Stops the expiry timer and loses every peer (reason 'stopped'). */
  stop(): void {
    this.active = false
    this.clock.clearTimeout(this.sweepTimer)
    for (const id of this.table.ids()) this.lose(id, 'stopped')
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
    if (peer !== undefined) this.listener.lost(peer, reason)
  }

  /** One timer for the earliest loss deadline, at most every 50 ms however many peers there are. */
  private scheduleSweep(): void {
    if (!this.active) return
    const deadline = this.table.nextDeadline()
    if (deadline === undefined) return
    const at = Math.max(deadline, this.clock.now() + 50)
    if (this.sweepTimer !== undefined && this.sweepAt <= at) return
    this.clock.clearTimeout(this.sweepTimer)
    this.sweepAt = at
    this.sweepTimer = this.clock.setTimeout(() => this.sweep(), at - this.clock.now())
  }

  private sweep(): void {
    this.sweepTimer = undefined
    this.sweepAt = Infinity
    for (const id of this.table.expired(this.clock.now())) this.lose(id, 'timeout')
    this.scheduleSweep()
  }
}
