// Raw UDP senders for LAN-beacon tests: they name the loopback interface (a multicast sender that does not goes
// out on eth0) and send with TTL 1.
import { createSocket, type Socket } from 'node:dgram'
import { afterEach } from 'vitest'

/** A UDP socket bound to `bindIp` (any 127.0.0.0/8 address: a second "host") that multicasts on loopback only. */
export async function loopbackMulticastSender(bindIp = '127.0.0.1'): Promise<Socket> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, bindIp, resolve))
  socket.setMulticastInterface('127.0.0.1')
  socket.setMulticastTTL(1)
  return socket
}

/** Sends one datagram to the group and port; resolves once it is handed to the kernel. */
export function sendDatagram(
  socket: Socket,
  data: Uint8Array,
  endpoint: { group: string; port: number }
): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(data, endpoint.port, endpoint.group, (err) => (err ? reject(err) : resolve()))
  )
}

/** Loopback multicast senders for one test file (`loopbackMulticastSender`), each closed after its test. */
export function useLoopbackSenders(): (bindIp?: string) => Promise<Socket> {
  const open: Socket[] = []
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close()
  })
  return async (bindIp) => {
    const socket = await loopbackMulticastSender(bindIp)
    open.push(socket)
    return socket
  }
}
