// The receive pipeline of LAN beacons: every datagram is rate limited (before anything is decoded, so a flood
// costs a map lookup each), decoded and validated (beacon-codec.ts), our own dropped, its address resolved
// (an unspecified ip means "where the datagram came from"; a loopback address from another host is refused), then
// handed to membership (lan-membership.ts). Drops are counted and reported per reason (drop-report.ts).
import type { RemoteInfo } from 'node:dgram'
import { isLoopbackIp, isUnspecifiedIp, sourceKey } from '../address'
import type { Clock } from '../clock'
import type { Logger } from '../logger'
import { RateLimiter, type RateLimitInit } from '../rate-limit'
import { AUTHENTICATED_BEACON_FORMAT, type BeaconAuth } from './beacon-auth'
import { BEACON_MAGIC, decodeBeacon, type Beacon } from './beacon-codec'
import { isLinkLocal } from './beacon-sockets'
import {
  GLOBAL_BURST,
  GLOBAL_RATE_PER_S,
  MAX_RATE_SOURCES,
  SOURCE_BURST,
  SOURCE_RATE_PER_S
} from './constants'
import { BeaconDropReport } from './drop-report'
import type { BeaconRejectedError, BeaconRejectReason } from './errors'
import { interfaceForSource, type LanInterface } from './interfaces'
import type { LanMembership } from './lan-membership'

export interface LanDiscoveryStats {
  received: number
  accepted: number
  own: number
  dropped: Partial<Record<BeaconRejectReason, number>>
  sent: number
  sendErrors: number
}

export class BeaconReceiver {
  readonly stats: LanDiscoveryStats
  private readonly limiter: RateLimiter
  private readonly drops: BeaconDropReport
  /** Our own node id: our beacons come back to us (loopback delivery) and are ignored. */
  selfId = ''

  constructor(
    private readonly membership: LanMembership,
    log: Logger,
    clock: Clock,
    onRejected: (error: BeaconRejectedError) => void,
    rateLimit: Partial<RateLimitInit> = {},
    /** Under a network key: only beacons authenticated with it are taken (beacon-auth.ts). */
    private readonly auth: BeaconAuth | null = null
  ) {
    this.drops = new BeaconDropReport(log, onRejected, clock)
    this.stats = { received: 0, accepted: 0, own: 0, dropped: this.drops.counts, sent: 0, sendErrors: 0 }
    this.limiter = new RateLimiter(
      {
        burst: SOURCE_BURST,
        ratePerS: SOURCE_RATE_PER_S,
        maxKeys: MAX_RATE_SOURCES,
        globalBurst: GLOBAL_BURST,
        globalRatePerS: GLOBAL_RATE_PER_S,
        ...rateLimit
      },
      () => clock.now()
    )
  }

  /** One datagram from a receiver socket; `joined`: the interfaces beacons use now. */
  onDatagram(data: Buffer, rinfo: RemoteInfo, joined: readonly LanInterface[]): void {
    this.stats.received++
    const source =
      rinfo.family === 'IPv6' ? `[${rinfo.address}]:${rinfo.port}` : `${rinfo.address}:${rinfo.port}`
    if (!this.limiter.allow(source)) return this.drop('rate-limited', source, 'too many beacons')
    let timestamp = 0
    if (this.auth !== null) {
      const opened = this.auth.open(data)
      if (!opened.ok) return this.drop(opened.reason, source, opened.detail)
      data = opened.inner
      timestamp = opened.timestamp
    } else if (data[4] === AUTHENTICATED_BEACON_FORMAT && data.subarray(0, 4).equals(BEACON_MAGIC)) {
      return this.drop(
        'unauthenticated',
        source,
        'a beacon of a network (format 2); this node holds no network key'
      )
    }
    const decoded = decodeBeacon(data)
    if (!decoded.ok) return this.drop(decoded.reason, source, decoded.detail)
    const beacon = decoded.beacon
    if (this.auth !== null) {
      const fresh = this.auth.accept(beacon.id, timestamp)
      if (fresh === 'duplicate') return
      if (fresh === 'replayed')
        return this.drop('replayed', source, 'older than the last beacon of that node')
    }
    if (beacon.id === this.selfId) {
      this.stats.own++
      return
    }
    const iface = interfaceForSource(rinfo.address, joined)
    const ip = reachableIp(beacon, rinfo, iface)
    if (ip === null) return // e.g. an IPv4-only node heard over IPv6: its IPv4 beacon carries what we need
    if (isLoopbackIp(ip) && !isLoopbackIp(rinfo.address)) {
      return this.drop('unreachable-address', source, `announces loopback ${beacon.ip} from another host`)
    }
    this.stats.accepted++
    if (beacon.kind === 'goodbye') return this.membership.onGoodbye(beacon, source)
    this.membership.onAnnounce(beacon, {
      ip,
      source,
      host: sourceKey(rinfo.address),
      interface: iface?.name ?? 'unknown'
    })
  }

  drop(reason: BeaconRejectReason, source: string, detail: string): void {
    this.drops.drop(reason, source, detail)
  }

  /** Reports drops that accumulated since their last report (called about once per interval). */
  flushDrops(): void {
    this.drops.flushAll()
  }

  clear(): void {
    this.limiter.clear()
  }
}

/** The address to dial: the announced one, or the datagram's source when the node listens on every address. */
function reachableIp(beacon: Beacon, rinfo: RemoteInfo, iface: LanInterface | undefined): string | null {
  if (!isUnspecifiedIp(beacon.ip)) return beacon.ip
  if (beacon.ip === '0.0.0.0' && rinfo.family === 'IPv6') return null
  if (rinfo.family === 'IPv6' && isLinkLocal(rinfo.address) && !rinfo.address.includes('%')) {
    return iface === undefined ? null : `${rinfo.address}%${iface.name}`
  }
  return rinfo.address
}
