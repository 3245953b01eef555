// What the connect box typed, turned into the 'ip:port' the library dials: IP literals as they are, host names
// ('localhost', names in /etc/hosts) resolved here with the system resolver (dns.lookup, like any program on this
// machine). Only the literal reaches the library, so nothing but an IP address is ever dialled or sent to a peer.
import { lookup as dnsLookup } from 'node:dns/promises'
import { formatAddressText, ipVersion, parseHostAddressText } from '../../shared/address-text'
import { InvalidAddressError } from '../chaski/index'
import { HostNameNotFoundError } from './host-errors'

/** `family` 4 or 6 asks for that family only (0: any). */
export type LookupAll = (host: string, family: 0 | 4 | 6) => Promise<{ address: string; family: number }[]>

export const systemLookup: LookupAll = (host, family) => dnsLookup(host, { all: true, family })

export interface ResolvedAddress {
  /** 'ip:port' or '[v6]:port', for ChaskiNode.connect(). */
  address: string
  /** The 'Name@' part typed, to check against the name the peer gives in its handshake. */
  expectedName?: string
}

/** Resolves `text` for a node listening on `localIp`: a name to the first address of the node's own family. */
export async function resolveConnectText(
  text: string,
  localIp: string,
  lookup: LookupAll = systemLookup
): Promise<ResolvedAddress> {
  const parsed = parseHostAddressText(text)
  if (!parsed.ok) throw new InvalidAddressError(parsed.message)
  const { host, port, name, isHostName } = parsed.address
  const named = name === undefined ? {} : { expectedName: name }
  if (!isHostName) return { address: formatAddressText(host, port), ...named }
  // Only the node's own family (a node on 127.0.0.1 cannot reach ::1, which 'localhost' often lists first);
  // any family for a node listening on '::'.
  const family = localIp === '::' ? 0 : ipVersion(localIp) === 6 ? 6 : 4
  let found: { address: string; family: number }[]
  try {
    found = await lookup(host, family)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOTFOUND' || code === 'EAI_NONAME' ? 'no such host name' : (err as Error).message
    throw new HostNameNotFoundError(
      `cannot find '${host}': ${why} (check the spelling, or use its IP address)`
    )
  }
  const pick = found.find((a) => family === 0 || a.family === family)
  if (!pick)
    throw new HostNameNotFoundError(
      `cannot find '${host}': it has no IPv${family} address, which this node (on ${localIp}) needs`
    )
  return { address: formatAddressText(pick.address, port), ...named }
}
