// The one address module (spec §3): the grammar of IP addresses and peer address text ('ip:port', '[v6]:port',
// 'Name@ip:port', with an optional leading '*', the paired marker of toString()), and the rules every part applies
// to addresses (normalising, formatting, unspecified and loopback addresses, map keys, per-source keys). Runtime-free,
// so the library (src/main/chaski/address.ts re-exports it), the host, the CLI and the UI (validation as you type)
// accept and refuse exactly the same text. The connect box also takes host names ('localhost:8511'): the host
// process resolves them, so the library only ever dials an IP literal.
import { LIMITS } from './limits'

export interface AddressText {
  ip: string
  port: number
  /** Present when the text had a 'Name@' prefix. */
  name?: string
}

export type AddressParse = { ok: true; address: AddressText } | { ok: false; message: string }

export const ADDRESS_EXAMPLE = '127.0.0.1:8511, [::1]:8511 or Name@127.0.0.1:8511'
/** What the connect box takes (host names too). */
export const HOST_ADDRESS_EXAMPLE = '127.0.0.1:8511, localhost:8511, [::1]:8511 or Name@127.0.0.1:8511'

// Same grammar as Node's net.isIPv4 / isIPv6: no leading zeros in IPv4 parts, 1–4 hex digits per IPv6 group,
// an embedded IPv4 tail, and an optional zone id ('%eth0').
const V4_PART = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)'
const V4 = new RegExp(`^${V4_PART}(?:\\.${V4_PART}){3}$`)
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/
const ZONE = /^[0-9a-zA-Z.:-]+$/

/** 4 for IPv4 text, 6 for IPv6 text, 0 for anything else (like node:net isIP). */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (V4.test(text)) return 4
  return isIpv6(text) ? 6 : 0
}

function isIpv6(text: string): boolean {
  let body = text
  const percent = body.indexOf('%')
  if (percent >= 0) {
    if (!ZONE.test(body.slice(percent + 1))) return false
    body = body.slice(0, percent)
  }
  const halves = body.split('::')
  if (halves.length > 2) return false
  const groupsOf = (half: string): string[] | null => (half === '' ? [] : half.split(':'))
  const head = groupsOf(halves[0] ?? '')
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : []
  if (!head || !tail) return false
  const all = [...head, ...tail]
  // An IPv4 tail ('::ffff:1.2.3.4') stands for two groups and must come last.
  let count = all.length
  const lastHalf = halves.length === 2 ? tail : head
  const last = lastHalf[lastHalf.length - 1]
  if (last !== undefined && last.includes('.')) {
    if (!V4.test(last)) return false
    all.pop()
    count += 1
  }
  if (!all.every((group) => HEX_GROUP.test(group))) return false
  return halves.length === 2 ? count <= 7 : count === 8
}

/** Lower-cases IPv6 text and strips an IPv4-mapped prefix, as the library does, so one peer has one key. */
export function normalizeIpText(ip: string): string {
  const lower = ip.toLowerCase()
  if (lower.startsWith('::ffff:') && V4.test(lower.slice(7))) return lower.slice(7)
  return lower
}

export function formatAddressText(ip: string, port: number): string {
  return ipVersion(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`
}

export function isValidPort(port: unknown, allowZero = false): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= (allowZero ? 0 : 1) && port <= 65535
}

/** The eight 16-bit groups of IPv6 text without an IPv4 tail or zone ('::1' -> [0,0,0,0,0,0,0,1]); else null. */
function ipv6Groups(text: string): number[] | null {
  if (ipVersion(text) !== 6 || text.includes('.') || text.includes('%')) return null
  const [head = '', tail] = text.split('::')
  const groups = head === '' ? [] : head.split(':')
  if (tail !== undefined) {
    const tailGroups = tail === '' ? [] : tail.split(':')
    while (groups.length + tailGroups.length < 8) groups.push('0')
    groups.push(...tailGroups)
  }
  return groups.map((group) => parseInt(group, 16))
}

/** The unspecified address ('0.0.0.0', '::' in any spelling): "every address of this host" to a listener. */
export function isUnspecifiedIp(ip: string): boolean {
  const normalized = normalizeIpText(ip)
  return normalized === '0.0.0.0' || ipv6Groups(normalized)?.every((group) => group === 0) === true
}

/** A loopback address: 127.0.0.0/8, ::1 (in any spelling), or 127.x mapped into IPv6. */
export function isLoopbackIp(ip: string): boolean {
  const normalized = normalizeIpText(ip)
  if (ipVersion(normalized) === 4) return normalized.startsWith('127.')
  const groups = ipv6Groups(normalized)
  return groups !== null && groups[7] === 1 && groups.slice(0, 7).every((group) => group === 0)
}

/** An unspecified bind address is not something a peer can dial: the loopback of the same family instead. */
export function dialableIp(ip: string): string {
  if (ip === '0.0.0.0') return '127.0.0.1'
  if (ip === '::') return '::1'
  return ip
}

/** Key of a listening address in maps (ip normalised). */
export function addressKey(ip: string, port: number): string {
  return `${normalizeIpText(ip)}|${port}`
}

/**
 * What identifies a peer's host for per-source limits (pending handshakes, status responses, LAN peers): an IPv4
 * address as it is; an IPv6 address by its /64 prefix, since one host commonly holds a whole /64 (link-local
 * addresses, which every host of a link shares the prefix of, stay whole).
 */
export function sourceKey(ip: string): string {
  const normalized = normalizeIpText(ip)
  if (ipVersion(normalized) !== 6 || /^fe[89ab]/.test(normalized)) return normalized
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

type Split = { ok: true; name?: string; host: string; portText: string } | { ok: false; message: string }

/** 'Name@host:port' (an optional leading '*') into its pieces, before the host and port are judged. */
function splitAddressText(text: string, maxLength: number): Split {
  const fail = (message: string): Split => ({ ok: false, message })
  if (text.length > maxLength) return fail(`an address is at most ${maxLength} characters`)
  let rest = text.trim()
  if (rest === '') return fail(`enter an address like ${ADDRESS_EXAMPLE}`)
  if (rest.startsWith('*')) rest = rest.slice(1)
  let name: string | undefined
  const at = rest.lastIndexOf('@')
  if (at >= 0) {
    name = rest.slice(0, at)
    rest = rest.slice(at + 1)
  }
  let host: string
  let portText: string
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']')
    if (close < 0 || rest[close + 1] !== ':') return fail(`expected '[ipv6]:port', got '${text.trim()}'`)
    host = rest.slice(1, close)
    portText = rest.slice(close + 2)
  } else {
    const colon = rest.lastIndexOf(':')
    if (colon < 0) return fail(`expected 'ip:port', got '${text.trim()}'`)
    host = rest.slice(0, colon)
    portText = rest.slice(colon + 1)
    if (host.includes(':')) return fail(`IPv6 addresses need brackets: '[${host}]:${portText}'`)
  }
  return { ok: true, ...(name !== undefined && name !== '' ? { name } : {}), host, portText }
}

function portProblem(portText: string): string | null {
  if (!/^\d{1,5}$/.test(portText)) return `bad port '${portText}'`
  const port = Number(portText)
  return port < 1 || port > 65535 ? `port ${port} is out of range (1–65535)` : null
}

/** Parses what the person typed; the message names the first problem in the same words as the library. */
export function parseAddressText(text: string, maxLength: number = LIMITS.addressLength): AddressParse {
  const split = splitAddressText(text, maxLength)
  if (!split.ok) return split
  if (ipVersion(split.host) === 0) return { ok: false, message: `not an IPv4/IPv6 address: '${split.host}'` }
  const problem = portProblem(split.portText)
  if (problem) return { ok: false, message: problem }
  const address: AddressText = { ip: normalizeIpText(split.host), port: Number(split.portText) }
  if (split.name !== undefined) address.name = split.name
  return { ok: true, address }
}

// RFC 1123 host names ('localhost', 'hub.lan', names from /etc/hosts): labels of letters, digits, '-' (and '_',
// which /etc/hosts files use), at most 63 characters each and 253 in all. A name whose last label is all digits
// is a mistyped IPv4 address ('1.2.3'), not a name.
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/

export function isHostName(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text
  if (name === '' || name.length > 253) return false
  const labels = name.split('.')
  return labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1]!)
}

/** An address whose host may be a name to resolve (the connect box): the host process resolves it. */
export interface HostAddressText {
  /** An IP address (normalised) or a host name, as typed. */
  host: string
  port: number
  name?: string
  /** True when `host` is a name, not an IP address. */
  isHostName: boolean
}

export type HostAddressParse = { ok: true; address: HostAddressText } | { ok: false; message: string }

/** Like parseAddressText, but also takes host names ('localhost:8511', 'Hub@hub.lan:8511'). */
export function parseHostAddressText(
  text: string,
  maxLength: number = LIMITS.addressLength
): HostAddressParse {
  const split = splitAddressText(text, maxLength)
  if (!split.ok) return split
  const ip = ipVersion(split.host) !== 0
  if (!ip && !isHostName(split.host))
    return { ok: false, message: `not an IP address or host name: '${split.host}'` }
  const problem = portProblem(split.portText)
  if (problem) return { ok: false, message: problem }
  const address: HostAddressText = {
    host: ip ? normalizeIpText(split.host) : split.host,
    port: Number(split.portText),
    isHostName: !ip
  }
  if (split.name !== undefined) address.name = split.name
  return { ok: true, address }
}
