// A TCP relay on loopback: connections to its port are piped to a target, and the test can break every piped
// connection at once without touching any node's internals: reset them (both ends get an RST, as when a network
// path dies), or make them half-open (bytes and closes silently dropped in both directions, as when a NAT or a
// middlebox forgets a connection: neither end learns it is gone). New connections are relayed again either way.
import net from 'node:net'
import { once } from 'node:events'
import { afterEach } from 'vitest'

export interface TcpRelay {
  /** The relay's port on 127.0.0.1: dial this instead of the target. */
  readonly port: number
  /** Connections piped so far. */
  readonly piped: number
  /** Bytes the dialling side sent through the relay so far (what the wire carried towards the target). */
  readonly bytesFromClients: number
  /** Resets every piped connection on both sides (RST). */
  resetAll(): void
  /** Every piped connection goes half-open: nothing more passes, and neither side is told. */
  blackholeAll(): void
  /** Bytes the target side sent into half-open connections since they went half-open (dropped). */
  readonly droppedFromTarget: number
  /** The half-open connections' client ends (the side that dialled the relay) get an RST; the target's stay. */
  resetClients(): void
  close(): Promise<void>
}

const open: TcpRelay[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((relay) => relay.close()))
})

export async function tcpRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpRelay> {
  const pairs = new Set<[net.Socket, net.Socket]>()
  /** Half-open connections, kept open (and silent) until the relay closes. */
  const silent: net.Socket[] = []
  const silentClients: net.Socket[] = []
  let piped = 0
  let droppedFromTarget = 0
  let bytesFromClients = 0
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: targetHost, port: targetPort })
    const pair: [net.Socket, net.Socket] = [inbound, outbound]
    pairs.add(pair)
    piped++
    for (const socket of pair) {
      socket.on('error', () => {})
      socket.on('close', () => {
        pairs.delete(pair)
        inbound.destroy()
        outbound.destroy()
      })
    }
    inbound.on('data', (chunk: Buffer) => (bytesFromClients += chunk.length))
    inbound.pipe(outbound)
    outbound.pipe(inbound)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const relay: TcpRelay = {
    port: (server.address() as net.AddressInfo).port,
    get piped() {
      return piped
    },
    get bytesFromClients() {
      return bytesFromClients
    },
    get droppedFromTarget() {
      return droppedFromTarget
    },
    resetAll() {
      for (const [inbound, outbound] of pairs) {
        inbound.resetAndDestroy()
        outbound.resetAndDestroy()
      }
      pairs.clear()
    },
    blackholeAll() {
      for (const [inbound, outbound] of pairs) {
        inbound.unpipe(outbound)
        outbound.unpipe(inbound)
        for (const socket of [inbound, outbound]) {
          socket.removeAllListeners('close')
          socket.on('close', () => {})
          silent.push(socket)
        }
        // Read and dropped (unpipe paused them).
        inbound.on('data', () => {}).resume()
        outbound.on('data', (chunk: Buffer) => (droppedFromTarget += chunk.length)).resume()
        silentClients.push(inbound)
      }
      pairs.clear()
    },
    resetClients() {
      for (const socket of silentClients.splice(0)) socket.resetAndDestroy()
    },
    close() {
      relay.resetAll()
      for (const socket of silent.splice(0)) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
  open.push(relay)
  return relay
}
