// Peer addresses (spec §3) for the library: the rules live in the one shared address module
// (src/shared/address-text.ts, also used by the host, the CLI and the UI); this adds the library's error type.
import { parseAddressText } from '../../shared/address-text'
import { InvalidAddressError } from './errors'

export {
  addressKey,
  dialableIp,
  formatAddressText as formatAddress,
  ipVersion,
  isLoopbackIp,
  isUnspecifiedIp,
  isValidPort,
  normalizeIpText as normalizeIp,
  sourceKey
} from '../../shared/address-text'

import { ipVersion, isValidPort, normalizeIpText } from '../../shared/address-text'

export interface PeerAddress {
  ip: string
  port: number
  /** Present when the text had a 'Name@' prefix. */
  name?: string
}

/** Parses 'ip:port', '[v6]:port', 'Name@ip:port' (or an ip and a port); throws InvalidAddressError. */
export function parseAddress(text: string, port?: number): PeerAddress {
  if (typeof text !== 'string') throw new InvalidAddressError(`address must be a string, got ${typeof text}`)
  if (port !== undefined) {
    if (!isValidPort(port))
      throw new InvalidAddressError(`port must be an integer 1-65535, got ${String(port)}`)
    const ip = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
    if (ipVersion(ip) === 0) throw new InvalidAddressError(`not an IPv4/IPv6 address: '${text}'`)
    return { ip: normalizeIpText(ip), port }
  }
  const parsed = parseAddressText(text)
  if (!parsed.ok) throw new InvalidAddressError(parsed.message)
  return parsed.address
}
