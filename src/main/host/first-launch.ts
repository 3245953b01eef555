// On first launch the app creates one node named after the host, on the first free port of 8511–8516 (the
// original's favourite ports, spec §1), listening on all interfaces, with LAN discovery on.
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { hostname } from 'node:os'
import type { NodeConfig } from '../../shared/snapshots'
import { defaultNodeConfig } from './node-config'

export const FIRST_LAUNCH_PORTS = [8511, 8512, 8513, 8514, 8515, 8516]

/** True when both TCP and UDP can bind `port` on `ip` right now. */
export async function isPortFree(ip: string, port: number): Promise<boolean> {
  const tcp = createServer()
  const tcpOk = await new Promise<boolean>((resolve) => {
    tcp.once('error', () => resolve(false))
    tcp.listen({ host: ip, port, exclusive: true }, () => resolve(true))
  })
  await new Promise<void>((resolve) => (tcpOk ? tcp.close(() => resolve()) : resolve()))
  if (!tcpOk) return false
  const udp = createSocket(ip.includes(':') ? 'udp6' : 'udp4')
  const udpOk = await new Promise<boolean>((resolve) => {
    udp.once('error', () => resolve(false))
    udp.bind({ address: ip, port, exclusive: true }, () => resolve(true))
  })
  await new Promise<void>((resolve) => {
    try {
      udp.close(() => resolve())
    } catch {
      resolve()
    }
  })
  return udpOk
}

export async function firstLaunchNode(options: { ip?: string; ports?: number[] } = {}): Promise<NodeConfig> {
  const ip = options.ip ?? '0.0.0.0'
  let port = 0
  for (const candidate of options.ports ?? FIRST_LAUNCH_PORTS) {
    if (await isPortFree(ip, candidate)) {
      port = candidate
      break
    }
  }
  const name = (hostname().split('.')[0] || 'Chaski').slice(0, 64)
  return { ...defaultNodeConfig(), name, ip, port }
}
