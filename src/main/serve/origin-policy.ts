// Which requests `chaski serve` answers (DNS-rebinding and cross-site WebSocket defence).
//
// Host: every request must name, in its Host header, an address this server really serves: the bound address with
// the bound port, plus `localhost:<port>` when that address is loopback (127.0.0.1 → also localhost; ::1 → also
// localhost), or, when bound to every interface (0.0.0.0 / ::), any address of this machine's interfaces or
// localhost. A page from a rebound DNS name (evil.example resolving to 127.0.0.1) sends `Host: evil.example` and is
// refused, so it can neither read the dashboard nor reach the WebSocket. Port 80 may be left out, as browsers do.
//
// Origin: the WebSocket upgrade must come from the dashboard's own origin, `http://<the Host it asked for>`. Browsers
// always send Origin on a WebSocket handshake and a page cannot forge it, so a page served by another port of
// 127.0.0.1 (another origin) is refused even if it somehow had the token. Clients outside a browser set it too.
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'

export interface OriginPolicy {
  /** True when `host` (the Host header) names this server. */
  hostAllowed(host: string | undefined): boolean
  /** True when `origin` is the dashboard's own origin for the (already allowed) `host`. */
  originAllowed(origin: string | undefined, host: string | undefined): boolean
  /** The Host values accepted, for error messages and docs. */
  describe(): string
}

const WILDCARDS = new Set(['0.0.0.0', '::'])

export function createOriginPolicy(bindHost: string, port: number): OriginPolicy {
  const bind = bindHost.toLowerCase()
  const wildcard = WILDCARDS.has(bind)
  const loopback = bind === '::1' || /^127\./.test(bind)

  const hostnameAllowed = (hostname: string): boolean => {
    if (hostname === 'localhost') return loopback || wildcard
    if (isIP(hostname) === 0) return false // a DNS name: exactly what rebinding uses
    if (sameAddress(hostname, bind)) return true // the printed URL, even for a wildcard bind
    return wildcard && machineAddresses().some((a) => sameAddress(hostname, a))
  }

  const hostAllowed = (host: string | undefined): boolean => {
    const parsed = host ? parseHost(host) : null
    if (!parsed) return false
    if (parsed.port === null ? port !== 80 : parsed.port !== port) return false
    return hostnameAllowed(parsed.hostname)
  }

  return {
    hostAllowed,
    originAllowed(origin, host) {
      if (!origin || !host || !hostAllowed(host)) return false
      return origin.toLowerCase() === `http://${host.toLowerCase()}`
    },
    describe() {
      const shown = isIP(bind) === 6 ? `[${bind}]` : bind
      if (wildcard) return `an address of this machine or localhost, with port ${port}`
      return loopback ? `${shown}:${port} or localhost:${port}` : `${shown}:${port}`
    }
  }
}

/** `host[:port]` or `[v6][:port]`, lowercased; null when malformed. */
function parseHost(header: string): { hostname: string; port: number | null } | null {
  const text = header.trim().toLowerCase()
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text)
  if (!match) return null
  const hostname = match[1] ?? match[2]
  if (match[1] !== undefined && isIP(match[1]) !== 6) return null
  return { hostname, port: match[3] === undefined ? null : Number(match[3]) }
}

function sameAddress(a: string, b: string): boolean {
  return normalise(a) === normalise(b)
}

/** IPv6 in one spelling (::1 and 0:0:0:0:0:0:0:1 are the same); IPv4-mapped IPv6 as IPv4. */
function normalise(address: string): string {
  if (isIP(address) !== 6) return address
  try {
    const host = new URL(`http://[${address}]/`).hostname.slice(1, -1)
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host)
    if (mapped) {
      const hi = parseInt(mapped[1], 16)
      const lo = parseInt(mapped[2], 16)
      return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
    }
    return host
  } catch {
    return address
  }
}

function machineAddresses(): string[] {
  const list: string[] = []
  for (const entries of Object.values(networkInterfaces()))
    for (const entry of entries ?? []) list.push(entry.address.replace(/%.*$/, ''))
  return list
}
