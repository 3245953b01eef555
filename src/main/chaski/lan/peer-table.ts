// The peers heard on the LAN: one entry per node id (never per address or interface), bounded in size, each with
// a loss deadline derived from the interval the peer itself announces. Beacons are unauthenticated claims, so the
// table is bounded per source host too (one host cannot fill it), makes room fairly when full (never at the cost
// of a peer we have an edge with), and lets an entry's sender change only when it is plausibly the same node: the
// same host, or the old sender went quiet (a forged announce cannot take over a live peer, nor its goodbye).
import { formatAddress } from '../address'
import { LOST_AFTER_INTERVALS } from './constants'
import type { Beacon } from './beacon-codec'

/** A node heard on the LAN. Entries are immutable snapshots, replaced (under the same id) when anything changes. */
export interface LanPeer {
  readonly id: string
  readonly name: string
  /** The peer's TCP protocol version. */
  readonly v: number
  /** Where to reach it: its listening ip, or the beacon's source address when it listens on 0.0.0.0 / ::. */
  readonly ip: string
  readonly port: number
  /** `ip:port` (IPv6 in brackets), ready for `node.connect()`. */
  readonly address: string
  readonly subscriptions: readonly string[]
  readonly paired: boolean
  readonly root: boolean
  /** Epoch milliseconds. */
  readonly firstSeen: number
  readonly lastSeen: number
  /** Name of the interface we heard it on (the one its address belongs to). */
  readonly interface: string
  /** Whether this node has an edge to it. */
  readonly connected: boolean
  /** The peer left some subscriptions out of its beacon (too many to fit). */
  readonly truncated: boolean
}

/** How a beacon was heard: the resolved address and the receiving side's view. */
export interface Sighting {
  ip: string
  interface: string
  /** The datagram's source `ip:port` (the sender's beacon socket). */
  source: string
  /** The sending host, for per-host quotas (address.ts sourceKey of the datagram's source address). */
  sourceHost: string
  connected: boolean
  nowMs: number
  nowEpoch: number
}

export type UpsertResult =
  /** A newcomer; `evicted`: the entry it replaced in a full table (from the host holding the most entries). */
  | { kind: 'seen'; peer: LanPeer; evicted?: LanPeer }
  | { kind: 'updated'; peer: LanPeer; previous: LanPeer; changes: (keyof LanPeer)[] }
  | { kind: 'refreshed'; peer: LanPeer }
  | { kind: 'stale'; peer: LanPeer }
  /** Another host announces this id while the peer's own sender is alive: not taken into account. */
  | { kind: 'ignored'; peer: LanPeer }
  /** The table is full and fair: the newcomer's host holds as many entries as any other. */
  | { kind: 'full' }
  /** The newcomer's host already holds its quota of entries. */
  | { kind: 'quota' }

interface Entry {
  peer: LanPeer
  deadlineMs: number
  intervalMs: number
  /** Last beacon time per interface name: an address is only switched when its interface went quiet. */
  heardOn: Map<string, number>
  source: string
  /** The sender's host (Sighting.sourceHost), whose quota this entry counts against. */
  host: string
  /** When `source` was last heard (performance.now() ms): another sender may take over once it is quiet. */
  sourceHeardMs: number
  seq: number
  /** The ip as announced (possibly unspecified), to tell a move from another route to the same node. */
  announcedIp: string
}

/** A sender quiet for longer than this many of the peer's intervals may be replaced by another (and routes switch). */
const QUIET_INTERVALS = 1.5

const COMPARED: (keyof LanPeer)[] = [
  'name',
  'v',
  'ip',
  'port',
  'paired',
  'root',
  'interface',
  'connected',
  'truncated',
  'subscriptions'
]

export class LanPeerTable {
  private readonly entries = new Map<string, Entry>()
  /** id -> current snapshot, kept in step with `entries`; handed out read-only as `node.lanPeers`. */
  private readonly snapshots = new Map<string, LanPeer>()
  /** Entries per sending host. */
  private readonly perHost = new Map<string, number>()

  constructor(
    private readonly maxPeers: number,
    /** Entries one sending host may hold. */
    private readonly maxPerHost: number = maxPeers
  ) {}

  get view(): ReadonlyMap<string, LanPeer> {
    return this.snapshots
  }

  get size(): number {
    return this.entries.size
  }

  get(id: string): LanPeer | undefined {
    return this.entries.get(id)?.peer
  }

  /** The peer's sender socket (`ip:port`), used to accept a goodbye only from where the peer speaks. */
  sourceOf(id: string): string | undefined {
    return this.entries.get(id)?.source
  }

  /** The host an entry's announces come from (Sighting.sourceHost). */
  hostOf(id: string): string | undefined {
    return this.entries.get(id)?.host
  }

  /**
   * Adds or updates the peer announced by `beacon`. A newcomer is refused when its host holds its quota, or when
   * the table is full and no other host holds more entries than its host (else that host's least recently heard
   * peer without an edge makes room). A known id heard from another host while its own sender is alive is ignored.
   */
  upsert(beacon: Beacon, sighting: Sighting): UpsertResult {
    const entry = this.entries.get(beacon.id)
    const deadlineMs = sighting.nowMs + LOST_AFTER_INTERVALS * beacon.intervalMs
    if (entry === undefined) {
      const host = sighting.sourceHost
      const fromHost = this.perHost.get(host) ?? 0
      let evicted: LanPeer | undefined
      if (this.entries.size >= this.maxPeers) {
        evicted = this.makeRoomFor(fromHost)
        if (evicted === undefined) return { kind: 'full' }
      } else if (fromHost >= this.maxPerHost) return { kind: 'quota' }
      const peer = freeze(beacon, sighting, sighting.nowEpoch)
      this.entries.set(beacon.id, {
        peer,
        deadlineMs,
        intervalMs: beacon.intervalMs,
        heardOn: new Map([[sighting.interface, sighting.nowMs]]),
        source: sighting.source,
        host,
        sourceHeardMs: sighting.nowMs,
        seq: beacon.seq,
        announcedIp: beacon.ip
      })
      this.perHost.set(host, fromHost + 1)
      this.snapshots.set(beacon.id, peer)
      return evicted === undefined ? { kind: 'seen', peer } : { kind: 'seen', peer, evicted }
    }

    // A reordered datagram from the same sender socket must not roll the entry back.
    const sameSender = entry.source === sighting.source
    if (sameSender && seqNotNewer(beacon.seq, entry.seq)) return { kind: 'stale', peer: entry.peer }
    // Another sender: the same host (a restart, a new socket) may take over at once, another host only once the
    // peer's own sender went quiet. Else it is a second route to the same node (ignored) or a forgery.
    if (
      !sameSender &&
      entry.host !== sighting.sourceHost &&
      sighting.nowMs - entry.sourceHeardMs <= QUIET_INTERVALS * entry.intervalMs
    ) {
      return { kind: 'ignored', peer: entry.peer }
    }

    const previous = entry.peer
    const moved = beacon.port !== previous.port || beacon.ip !== entry.announcedIp
    const lastOnCurrent = entry.heardOn.get(previous.interface) ?? -Infinity
    const currentQuiet = sighting.nowMs - lastOnCurrent > QUIET_INTERVALS * entry.intervalMs
    // Heard again through another interface on the same LAN: keep the route we have unless the peer moved
    // (restart, new address) or the interface we reach it through went quiet.
    const keepRoute = !moved && sighting.interface !== previous.interface && !currentQuiet
    const route = keepRoute ? { ip: previous.ip, interface: previous.interface } : sighting
    const peer = freeze(beacon, { ...sighting, ip: route.ip, interface: route.interface }, previous.firstSeen)

    entry.heardOn.set(sighting.interface, sighting.nowMs)
    entry.deadlineMs = Math.max(entry.deadlineMs, deadlineMs)
    entry.intervalMs = beacon.intervalMs
    entry.source = sighting.source
    entry.sourceHeardMs = sighting.nowMs
    if (entry.host !== sighting.sourceHost) {
      this.countOut(entry.host)
      entry.host = sighting.sourceHost
      this.perHost.set(entry.host, (this.perHost.get(entry.host) ?? 0) + 1)
    }
    entry.seq = beacon.seq
    entry.announcedIp = beacon.ip
    entry.peer = peer
    this.snapshots.set(beacon.id, peer)
    const changes = COMPARED.filter((key) => !sameValue(previous[key], peer[key]))
    if (changes.length === 0) return { kind: 'refreshed', peer }
    return { kind: 'updated', peer, previous, changes }
  }

  /** Recomputes `connected` for one peer; returns the new snapshot when it changed. */
  setConnected(id: string, connected: boolean): LanPeer | undefined {
    const entry = this.entries.get(id)
    if (entry === undefined || entry.peer.connected === connected) return undefined
    entry.peer = Object.freeze({ ...entry.peer, connected })
    this.snapshots.set(id, entry.peer)
    return entry.peer
  }

  remove(id: string): LanPeer | undefined {
    const entry = this.entries.get(id)
    if (entry === undefined) return undefined
    this.entries.delete(id)
    this.snapshots.delete(id)
    this.countOut(entry.host)
    return entry.peer
  }

  private countOut(host: string): void {
    const count = this.perHost.get(host) ?? 0
    if (count > 1) this.perHost.set(host, count - 1)
    else this.perHost.delete(host)
  }

  /**
   * A full table and a newcomer whose host holds `fromHost` entries: when another host holds at least two more,
   * its least recently heard peer without an edge leaves (and is returned). Peers we have an edge with never do.
   */
  private makeRoomFor(fromHost: number): LanPeer | undefined {
    let busiest: string | undefined
    let most = fromHost + 1
    for (const [host, count] of this.perHost) {
      if (count > most) {
        busiest = host
        most = count
      }
    }
    if (busiest === undefined) return undefined
    let oldest: [string, Entry] | undefined
    for (const item of this.entries) {
      const entry = item[1]
      if (entry.host !== busiest || entry.peer.connected) continue
      if (oldest === undefined || entry.sourceHeardMs < oldest[1].sourceHeardMs) oldest = item
    }
    return oldest === undefined ? undefined : this.remove(oldest[0])
  }

  /** Ids of peers whose loss deadline passed. */
  expired(nowMs: number): string[] {
    const out: string[] = []
    for (const [id, entry] of this.entries) if (entry.deadlineMs <= nowMs) out.push(id)
    return out
  }

  /** Ids of peers reached through `interfaceName`, e.g. when that interface disappears. */
  reachedThrough(interfaceName: string): string[] {
    const out: string[] = []
    for (const [id, entry] of this.entries) if (entry.peer.interface === interfaceName) out.push(id)
    return out
  }

  /** Earliest loss deadline, or undefined when empty. */
  nextDeadline(): number | undefined {
    let next: number | undefined
    for (const entry of this.entries.values())
      if (next === undefined || entry.deadlineMs < next) next = entry.deadlineMs
    return next
  }

  ids(): string[] {
    return [...this.entries.keys()]
  }

  clear(): void {
    this.entries.clear()
    this.snapshots.clear()
    this.perHost.clear()
  }
}

function freeze(
  beacon: Beacon,
  sighting: Pick<Sighting, 'ip' | 'interface' | 'connected' | 'nowEpoch'>,
  firstSeen: number
): LanPeer {
  return Object.freeze({
    id: beacon.id,
    name: beacon.name === '' ? beacon.id : beacon.name,
    v: beacon.v,
    ip: sighting.ip,
    port: beacon.port,
    address: formatAddress(sighting.ip, beacon.port),
    subscriptions: Object.freeze([...beacon.subscriptions]),
    paired: beacon.paired,
    root: beacon.root,
    firstSeen,
    lastSeen: sighting.nowEpoch,
    interface: sighting.interface,
    connected: sighting.connected,
    truncated: beacon.truncated
  })
}

/** Serial number comparison (RFC 1982) so the u32 sequence may wrap. */
function seqNotNewer(seq: number, last: number): boolean {
  const diff = (seq - last) >>> 0
  return diff === 0 || diff >= 0x80000000
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => item === b[i])
  return a === b
}
