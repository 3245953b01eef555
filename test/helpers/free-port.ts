// Ports free for both TCP and UDP on loopback right now, for child processes started on a given port.
import { randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { isPortFree } from '../../src/main/host/node-ports'

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // A port the kernel hands out, kept only if UDP can have the same number too (a node binds both).
    const server = net.createServer()
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host, port: 0 }, () => resolve((server.address() as net.AddressInfo).port))
    })
    await new Promise<void>((resolve) => server.close(() => resolve()))
    if (await isPortFree(host, port)) return port
  }
  throw new Error('no free TCP+UDP port found')
}

/** The kernel's ephemeral range (ports it hands out for `port: 0` and outgoing sockets), Linux's default elsewhere. */
function ephemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number)
    if (Number.isInteger(low) && Number.isInteger(high)) return { low, high }
  } catch {
    // Not Linux: its default.
  }
  return { low: 32768, high: 60999 }
}

/** Below the ephemeral range, above anything the app picks by itself (node ports from 8511, the dashboard's 8520). */
const FIXED_PORTS = { low: 20_000, high: 32_767 }

/**
 * A free TCP+UDP port for a process that must get the same port back after a restart (a node stopped or killed and
 * started again on its port, as a person's saved node is). freePort() hands out a port of the kernel's ephemeral
 * range, which any socket on the machine may be given while the process is down (a `port: 0` bind, an outgoing
 * connection): the restart then fails with "port in use", as a real node's would. Ports here are outside that
 * range, so only another explicit bind can take one. Falls back to freePort() if the range leaves no room.
 */
export async function freeFixedPort(host = '127.0.0.1'): Promise<number> {
  const high = Math.min(FIXED_PORTS.high, ephemeralRange().low - 1)
  if (high - FIXED_PORTS.low < 1_000) return freePort(host)
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = FIXED_PORTS.low + randomInt(high - FIXED_PORTS.low + 1)
    if (await isPortFree(host, port)) return port
  }
  throw new Error(`no free TCP+UDP port found in ${FIXED_PORTS.low}–${high}`)
}
