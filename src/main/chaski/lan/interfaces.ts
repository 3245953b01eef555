// Which interfaces LAN beacons may use: the caller's request, capped by CHASKI_LAN_INTERFACES, and followed
// over time (interfaces come and go: Wi-Fi, VPNs, docking stations).
import { BlockList, isIP } from 'node:net'
import type { NetworkInterfaceInfo } from 'node:os'
import { LAN_INTERFACES_ENV } from './constants'

export type NetworkInterfaceMap = NodeJS.Dict<NetworkInterfaceInfo[]>

/** One (interface, address family) pair that beacons are sent and received on. */
export interface LanInterface {
  /** Stable identity for diffing: `${name}/${address}`. */
  readonly key: string
  /** OS interface name ('eth0', 'lo', 'en0'). */
  readonly name: string
  readonly family: 4 | 6
  /** The address beacons are sent from (for IPv6, preferably the link-local one). */
  readonly address: string
  /** Every address of this interface and family, e.g. '10.0.0.2/24': used to attribute a source to it. */
  readonly cidrs: readonly string[]
  readonly internal: boolean
  readonly scopeId?: number
}

/**
 * The cap from the environment: null when there is none, [] when it is 'none', else the tokens (addresses or
 * interface names). It bounds every interface this process may send or join on, whatever options say.
 */
export function parseLanInterfacesCap(env: Readonly<Record<string, string | undefined>>): string[] | null {
  const raw = env[LAN_INTERFACES_ENV]?.trim()
  if (raw === undefined || raw === '') return null
  if (raw.toLowerCase() === 'none') return []
  return raw
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '')
}

/**
 * Resolves interface names/addresses to beacon interfaces. `requested` empty or undefined means every up,
 * non-internal IPv4/IPv6 interface (plus internal ones the cap names explicitly, so CHASKI_LAN_INTERFACES=127.0.0.1
 * enables loopback). The env cap is applied last and always wins. Pure: pass `os.networkInterfaces()`.
 */
export function resolveLanInterfaces(
  requested: readonly string[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
  available: NetworkInterfaceMap
): LanInterface[] {
  const cap = parseLanInterfacesCap(env)
  if (cap !== null && cap.length === 0) return []
  const candidates = listCandidates(available)
  const wanted = requested !== undefined && requested.length > 0 ? requested : null
  return candidates.filter((candidate) => {
    const requestedOk =
      wanted === null
        ? !candidate.internal || (cap !== null && cap.some((token) => matches(candidate, token)))
        : wanted.some((token) => matches(candidate, token))
    const capOk = cap === null || cap.some((token) => matches(candidate, token))
    return requestedOk && capOk
  })
}

/** Tokens of `requested` that name no existing interface or address (worth a warning, not an error). */
export function unmatchedInterfaceTokens(
  requested: readonly string[] | undefined,
  available: NetworkInterfaceMap
): string[] {
  const candidates = listCandidates(available)
  return (requested ?? []).filter((token) => !candidates.some((candidate) => matches(candidate, token)))
}

/**
 * The interface a datagram from `source` arrived on: for a scoped IPv6 source (`fe80::1%eth0`) the scope names it;
 * otherwise the first interface whose subnet holds the address. Undefined when none does.
 */
export function interfaceForSource(
  source: string,
  interfaces: readonly LanInterface[]
): LanInterface | undefined {
  const address = stripScope(source)
  const family = isIP(address)
  if (family === 0) return undefined
  const scope = source.slice(address.length + 1)
  if (family === 6 && scope !== '') {
    const scoped = interfaces.find(
      (candidate) =>
        candidate.family === 6 && (candidate.name === scope || String(candidate.scopeId) === scope)
    )
    if (scoped !== undefined) return scoped
  }
  return interfaces.find(
    (candidate) =>
      candidate.family === family && subnetsOf(candidate).check(address, family === 4 ? 'ipv4' : 'ipv6')
  )
}

export interface InterfaceWatcherInit {
  requested: readonly string[] | undefined
  env: Readonly<Record<string, string | undefined>>
  networkInterfaces: () => NetworkInterfaceMap
  pollMs: number
  /** Called with the full resolved list at start and after every poll (the caller reconciles and retries). */
  onInterfaces: (interfaces: LanInterface[]) => void
}

/** Polls the OS interface list: no portable change event exists. */
export class InterfaceWatcher {
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly init: InterfaceWatcherInit) {}

  start(): void {
    this.poll()
    this.timer = setInterval(() => this.poll(), this.init.pollMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  poll(): void {
    this.init.onInterfaces(
      resolveLanInterfaces(this.init.requested, this.init.env, this.init.networkInterfaces())
    )
  }
}

interface Candidate extends LanInterface {
  readonly addresses: readonly string[]
}

function listCandidates(available: NetworkInterfaceMap): Candidate[] {
  const out: Candidate[] = []
  for (const [name, infos] of Object.entries(available)) {
    if (infos === undefined) continue
    const v4 = infos.filter((info) => info.family === 'IPv4')
    for (const info of v4) {
      out.push({
        key: `${name}/${info.address}`,
        name,
        family: 4,
        address: info.address,
        cidrs: [info.cidr ?? `${info.address}/32`],
        internal: info.internal,
        addresses: [info.address]
      })
    }
    // IPv6 multicast is joined per interface, not per address: one entry, sent from the link-local address.
    const v6 = infos.filter((info) => info.family === 'IPv6')
    const primary = v6.find((info) => /^fe80:/i.test(info.address)) ?? v6[0]
    if (primary !== undefined) {
      out.push({
        key: `${name}/${primary.address}`,
        name,
        family: 6,
        address: primary.address,
        cidrs: v6.map((info) => info.cidr ?? `${info.address}/128`),
        internal: primary.internal,
        scopeId: primary.scopeid,
        addresses: v6.map((info) => info.address)
      })
    }
  }
  return out
}

function matches(candidate: Candidate, token: string): boolean {
  if (token === candidate.name) return true
  const address = stripScope(token).toLowerCase()
  return candidate.addresses.some((own) => stripScope(own).toLowerCase() === address)
}

const subnetCache = new WeakMap<LanInterface, BlockList>()

function subnetsOf(candidate: LanInterface): BlockList {
  let list = subnetCache.get(candidate)
  if (list === undefined) {
    list = new BlockList()
    for (const cidr of candidate.cidrs) {
      const [address = '', prefix = ''] = cidr.split('/')
      const family = isIP(stripScope(address))
      if (family === 0) continue
      list.addSubnet(stripScope(address), Number(prefix), family === 4 ? 'ipv4' : 'ipv6')
    }
    subnetCache.set(candidate, list)
  }
  return list
}

export function stripScope(address: string): string {
  const percent = address.indexOf('%')
  return percent === -1 ? address : address.slice(0, percent)
}
