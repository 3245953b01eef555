// `lan` option of ChaskiNode: validated and normalised once, with clear errors (docs/PROTOCOL.md, "LAN beacons").
import { isIP } from 'node:net'
import {
  DEFAULT_BEACON_PORT,
  DEFAULT_GROUP_V4,
  DEFAULT_GROUP_V6,
  DEFAULT_INTERVAL_MS,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS
} from './constants'
import { LanOptionsError } from './errors'

export interface LanOptions {
  /** Interface names or addresses; default every up, non-internal IPv4/IPv6 interface. Capped by CHASKI_LAN_INTERFACES. */
  interfaces?: string[]
  /** IPv4 multicast group. @default '239.255.85.11' */
  group?: string
  /** IPv6 multicast group, joined on interfaces that have IPv6. @default 'ff02::8511' */
  group6?: string
  /** UDP port of the beacons (shared by every node of the host). @default 8510 */
  port?: number
  /** Announcement interval; each one is jittered by ±10 %. @default 1000 */
  intervalMs?: number
  /** Connect to LAN peers that share a subscription (within maxConnections). @default true */
  autoConnect?: boolean
}

export interface NormalizedLanOptions {
  interfaces: string[] | undefined
  group: string
  group6: string
  port: number
  intervalMs: number
  autoConnect: boolean
}

/** `false`/`undefined` → null (LAN discovery off); `true` → every default; an object → validated. */
export function normalizeLanOptions(options: LanOptions | boolean | undefined): NormalizedLanOptions | null {
  if (options === undefined || options === false) return null
  const given: LanOptions = options === true ? {} : options
  if (typeof given !== 'object' || given === null)
    throw new LanOptionsError('lan must be true, false or an object')

  const interfaces = given.interfaces
  if (
    interfaces !== undefined &&
    (!Array.isArray(interfaces) || interfaces.some((item) => typeof item !== 'string' || item.trim() === ''))
  ) {
    throw new LanOptionsError('lan.interfaces must be a list of interface names or addresses')
  }
  const group = given.group ?? DEFAULT_GROUP_V4
  if (isIP(group) !== 4 || !isIpv4Multicast(group)) {
    throw new LanOptionsError(
      `lan.group ${JSON.stringify(group)} is not an IPv4 multicast address (224.0.0.0/4)`
    )
  }
  const group6 = given.group6 ?? DEFAULT_GROUP_V6
  if (isIP(group6) !== 6 || !/^ff[0-9a-f]{2}:/i.test(group6)) {
    throw new LanOptionsError(
      `lan.group6 ${JSON.stringify(group6)} is not an IPv6 multicast address (ff00::/8)`
    )
  }
  const port = given.port ?? DEFAULT_BEACON_PORT
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LanOptionsError(`lan.port ${String(port)} must be an integer in 1..65535`)
  }
  const intervalMs = given.intervalMs ?? DEFAULT_INTERVAL_MS
  if (!Number.isFinite(intervalMs) || intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS) {
    throw new LanOptionsError(
      `lan.intervalMs ${String(intervalMs)} must be in ${MIN_INTERVAL_MS}..${MAX_INTERVAL_MS}`
    )
  }
  const autoConnect = given.autoConnect ?? true
  if (typeof autoConnect !== 'boolean') throw new LanOptionsError('lan.autoConnect must be a boolean')
  return {
    interfaces: interfaces?.map((item) => item.trim()),
    group,
    group6,
    port,
    intervalMs: Math.round(intervalMs),
    autoConnect
  }
}

function isIpv4Multicast(ip: string): boolean {
  const first = Number(ip.split('.')[0])
  return first >= 224 && first <= 239
}
