// "Where can I be reached": the addresses a peer can dial to reach a node. A node on 0.0.0.0 (or ::) listens on every
// interface, but "0.0.0.0:8511" is not something to give to a friend: list each interface's address instead, with
// loopback marked (only programs on this machine can use it). IPv6 link-local addresses are left out: they need a
// zone ('%eth0') that differs from machine to machine.
import { networkInterfaces } from 'node:os'
import { formatAddressText, ipVersion, normalizeIpText } from '../../shared/address-text'
import type { ReachableAddress } from '../../shared/snapshots'

type InterfaceMap = ReturnType<typeof networkInterfaces>

export function reachableAddresses(
  ip: string,
  port: number,
  interfaces: InterfaceMap = networkInterfaces()
): ReachableAddress[] {
  const all: ReachableAddress[] = []
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      const family = info.family === 'IPv6' || (info.family as unknown) === 6 ? 6 : 4
      if (family === 6 && info.address.toLowerCase().startsWith('fe80')) continue
      all.push({
        address: formatAddressText(info.address, port),
        ip: normalizeIpText(info.address),
        interface: name,
        family,
        loopback: info.internal
      })
    }
  }
  const wanted = normalizeIpText(ip)
  let list: ReachableAddress[]
  if (wanted === '0.0.0.0') list = all.filter((a) => a.family === 4)
  else if (wanted === '::')
    list = all // dual stack: IPv4 peers reach it too
  else {
    const own = all.find((a) => a.ip === wanted)
    const family = ipVersion(wanted) === 6 ? 6 : 4
    list = [
      own ?? {
        address: formatAddressText(wanted, port),
        ip: wanted,
        interface: '',
        family,
        loopback: wanted.startsWith('127.') || wanted === '::1'
      }
    ]
  }
  // Addresses others can use first; loopback last.
  return list.sort((a, b) => Number(a.loopback) - Number(b.loopback) || a.family - b.family)
}

/** The same, read at most once a second: a snapshot is built up to 10 times a second per node. */
export function cachedReachableAddresses(): (ip: string, port: number) => ReachableAddress[] {
  let interfaces: InterfaceMap | null = null
  let readAt = 0
  return (ip, port) => {
    const now = Date.now()
    if (!interfaces || now - readAt > 1000) {
      interfaces = networkInterfaces()
      readAt = now
    }
    return reachableAddresses(ip, port, interfaces)
  }
}
