// Peer addresses: 'ip:port', '[v6]:port', 'Name@ip:port', a leading '*' (paired marker of toString()),
// or (ip, port). Spec §3.
import { isIP } from 'node:net'
import { InvalidAddressError } from './errors'

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
  let rest = text.trim()
  if (rest.startsWith('*')) rest = rest.slice(1)
  let name: string | undefined
  const at = rest.lastIndexOf('@')
  if (at >= 0) {
    name = rest.slice(0, at)
    rest = rest.slice(at + 1)
  }
  let ipText: string
  let portText: string
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']')
    if (close < 0 || rest[close + 1] !== ':')
      throw new InvalidAddressError(`expected '[ipv6]:port', got '${text}'`)
    ipText = rest.slice(1, close)
    portText = rest.slice(close + 2)
  } else {
    const colon = rest.lastIndexOf(':')
    if (colon < 0) throw new InvalidAddressError(`expected 'ip:port', got '${text}'`)
    ipText = rest.slice(0, colon)
    portText = rest.slice(colon + 1)
    if (ipText.includes(':'))
      throw new InvalidAddressError(`IPv6 addresses need brackets: '[${ipText}]:${portText}'`)
  }
  if (isIP(ipText) === 0) throw new InvalidAddressError(`not an IPv4/IPv6 address: '${ipText}' in '${text}'`)
  if (!/^\d{1,5}$/.test(portText)) throw new InvalidAddressError(`bad port '${portText}' in '${text}'`)
  const parsedPort = Number(portText)
  if (!isValidPort(parsedPort)) throw new InvalidAddressError(`port out of range in '${text}'`)
  const address: PeerAddress = { ip: normalizeIp(ipText), port: parsedPort }
  if (name !== undefined && name !== '') address.name = name
  return address
}
