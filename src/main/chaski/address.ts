// Peer addresses: 'ip:port', '[v6]:port', 'Name@ip:port', a leading '*' (paired marker of toString()),
// or (ip, port). Spec §3.
import { isIP } from 'node:net'
import { parseAddressText } from '../../shared/address-text'
import { InvalidAddressError } from './errors'

/** Longer address text is refused before parsing. */
const MAX_ADDRESS_TEXT = 300

export interface PeerAddress {
  ip: string
  port: number
  /** Present when the text had a 'Name@' prefix. */
  name?: string
}

export function isValidPort(port: unknown, allowZero = false): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= (allowZero ? 0 : 1) && port <= 65535
}

/** Lower-cases IPv6 text and strips an IPv4-mapped prefix so one peer has one key. */
export function normalizeIp(ip: string): string {
  const lower = ip.toLowerCase()
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7)
  return lower
}

/**
 * What identifies a peer's host for per-source limits (pending handshakes, status responses, LAN peers): an IPv4
 * address as it is; an IPv6 address by its /64 prefix, since one host commonly holds a whole /64 (link-local
 * addresses, which every host of a link shares the prefix of, stay whole).
 */
export function sourceKey(ip: string): string {
  const normalized = normalizeIp(ip)
  if (isIP(normalized) !== 6 || /^fe[89ab]/.test(normalized)) return normalized
  const [head = '', tail] = normalized.split('%')[0]!.split('::')
  const groups = head === '' ? [] : head.split(':')
  if (tail !== undefined) {
    const tailGroups = tail === '' ? [] : tail.split(':')
    while (groups.length + tailGroups.length < 8) groups.push('0')
    groups.push(...tailGroups)
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}

/** An unspecified bind address is not something a peer can dial: use the loopback of the same family. */
export function dialableIp(ip: string): string {
  if (ip === '0.0.0.0') return '127.0.0.1'
  if (ip === '::') return '::1'
  return ip
}

export function isUnspecifiedIp(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::'
}

export function formatAddress(ip: string, port: number): string {
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`
}

/** Key of a listening address in maps (ip normalised). */
export function addressKey(ip: string, port: number): string {
  return `${normalizeIp(ip)}|${port}`
}

export function parseAddress(text: string, port?: number): PeerAddress {
  if (typeof text !== 'string') throw new InvalidAddressError(`address must be a string, got ${typeof text}`)
  if (port !== undefined) {
    if (!isValidPort(port))
      throw new InvalidAddressError(`port must be an integer 1-65535, got ${String(port)}`)
    const ip = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
    if (isIP(ip) === 0) throw new InvalidAddressError(`not an IPv4/IPv6 address: '${text}'`)
    return { ip: normalizeIp(ip), port }
  }
  // The grammar is shared with the UI (validation as you type), so both accept and refuse exactly the same text.
  const parsed = parseAddressText(text, MAX_ADDRESS_TEXT)
  if (!parsed.ok) throw new InvalidAddressError(parsed.message)
  return parsed.address
}
