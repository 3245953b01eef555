// Where a new node listens when the person does not say: every interface of this machine, so the LAN can reach it
// (127.0.0.1, the library's default, is reachable from this machine only). CHASKI_LAN_INTERFACES, the process-wide
// cap on the interfaces LAN discovery may use, caps this too: with one address allowed (127.0.0.1 in tests) new
// nodes listen on that address; with none allowed ('none'), on loopback.
import { networkInterfaces } from 'node:os'
import { parseLanInterfacesCap, resolveLanInterfaces } from '../chaski/index'

export function defaultListenIp(
  env: Readonly<Record<string, string | undefined>> = process.env,
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()
): string {
  const cap = parseLanInterfacesCap(env)
  if (cap === null) return '0.0.0.0'
  if (cap.length === 0) return '127.0.0.1'
  const allowed = resolveLanInterfaces(undefined, env, interfaces)
  const addresses = [...new Set(allowed.map((item) => item.address))]
  // A link-local IPv6 address needs its zone to be bound: listen on every IPv6 (and IPv4) address instead.
  if (addresses.length === 1 && !addresses[0]!.toLowerCase().startsWith('fe80')) return addresses[0]!
  // Several: every IPv4 interface (the usual LAN), or every IPv6 one when the cap allows no IPv4 address.
  if (addresses.some((address) => !address.includes(':'))) return '0.0.0.0'
  return addresses.length > 0 ? '::' : '127.0.0.1'
}
