// On first launch the app creates one node named after the machine, listening where new nodes listen (every
// interface within the LAN cap: listen-defaults.ts) on the first free port of the nodes' range (from 8511, the
// original's favourite: node-ports.ts), with LAN discovery on.
import { hostname } from 'node:os'
import type { NodeConfig } from '../../shared/snapshots'
import { defaultNodeConfig } from './node-config'
import { defaultListenIp } from './listen-defaults'
import { firstFreeNodePort } from './node-ports'

export async function firstLaunchNode(
  options: { ip?: string; pickPort?: (ip: string) => Promise<number | null> } = {}
): Promise<NodeConfig> {
  const ip = options.ip ?? defaultListenIp()
  const port = (await (options.pickPort ?? ((at) => firstFreeNodePort(at, new Set())))(ip)) ?? 0
  const name = (hostname().split('.')[0] || 'Chaski').slice(0, 64)
  return { ...defaultNodeConfig(), name, ip, port }
}
