// Ports of local nodes. A new node gets the first port of NODE_PORTS (src/shared/limits.ts) that is free on this
// machine and that no other local node (running or not) is set to, and keeps it: its address stays the same across
// stops and restarts, so the peers that saved it still find it. When the port is taken at start, the next free one
// is offered to the person instead of picked silently (their peers know the old one).
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { NODE_PORTS } from '../../shared/limits'

/** True when both TCP and UDP can bind `port` on `ip` right now (a node uses the same number for both). */
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

export type PortCheck = (ip: string, port: number) => Promise<boolean>

/** The ports of the range in order, from `from` on (the range's first when `from` is outside it). */
export function nodePortCandidates(from: number = NODE_PORTS.first): number[] {
  const start = from >= NODE_PORTS.first && from <= NODE_PORTS.last ? from : NODE_PORTS.first
  const out: number[] = []
  for (let port = start; port <= NODE_PORTS.last; port++)
    if (!(NODE_PORTS.skip as readonly number[]).includes(port)) out.push(port)
  return out
}

/**
 * The first port of the range, from `from` on, that no other local node is set to (`taken`) and that is free on
 * `ip` now; null when every one is in use.
 */
export async function firstFreeNodePort(
  ip: string,
  taken: ReadonlySet<number>,
  { from, isFree = isPortFree }: { from?: number; isFree?: PortCheck } = {}
): Promise<number | null> {
  for (const port of nodePortCandidates(from)) {
    if (taken.has(port)) continue
    if (await isFree(ip, port)) return port
  }
  return null
}

/** The port to offer when `port` is taken: the next free one of the range after it (or from its start). */
export function nextFreeNodePort(
  ip: string,
  port: number,
  taken: ReadonlySet<number>,
  isFree: PortCheck = isPortFree
): Promise<number | null> {
  const from = port >= NODE_PORTS.first && port < NODE_PORTS.last ? port + 1 : NODE_PORTS.first
  return firstFreeNodePort(ip, new Set([...taken, port]), { from, isFree })
}
