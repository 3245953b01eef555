// The UDP sockets of LAN discovery. Every send names its interface: a multicast send that leaves the choice to
// the kernel goes out on the default route, which is exactly what CHASKI_LAN_INTERFACES exists to prevent.
import { createSocket } from 'node:dgram'
import type { Socket } from 'node:dgram'
import { BEACON_TTL } from './constants'
import type { LanInterface } from './interfaces'

/**
 * One receiver per address family, shared by every joined interface. IPv4 binds to the group address itself
 * (Linux/macOS), so unicast datagrams and other groups on the port never reach it; where that is refused
 * (Windows) it falls back to the wildcard address.
 */
export async function openReceiver(family: 4 | 6, group: string, port: number): Promise<Socket> {
  if (family === 4) {
    try {
      return await bindSocket(createSocket({ type: 'udp4', reuseAddr: true }), port, group)
    } catch {
      return await bindSocket(createSocket({ type: 'udp4', reuseAddr: true }), port, '0.0.0.0')
    }
  }
  return await bindSocket(createSocket({ type: 'udp6', reuseAddr: true, ipv6Only: true }), port, '::')
}

/** Joins `group` on exactly this interface. Throws when the OS refuses (no multicast on it, address gone). */
export function joinGroup(receiver: Socket, group: string, iface: LanInterface): void {
  receiver.addMembership(group, membershipInterface(iface))
}

/** Leaves the group on an interface; an interface that already vanished has nothing to leave. */
export function leaveGroup(receiver: Socket, group: string, iface: LanInterface): void {
  try {
    receiver.dropMembership(group, membershipInterface(iface))
  } catch {
    // The kernel dropped the membership with the interface.
  }
}

/** A sender bound to the interface's address (so the source tells receivers where we are), TTL 1, loopback on. */
export async function openSender(iface: LanInterface): Promise<Socket> {
  const socket = createSocket({ type: iface.family === 4 ? 'udp4' : 'udp6' })
  const bindAddress =
    iface.family === 6 && isLinkLocal(iface.address) ? `${iface.address}%${iface.name}` : iface.address
  await bindSocket(socket, 0, bindAddress)
  try {
    socket.setMulticastInterface(membershipInterface(iface))
    socket.setMulticastTTL(BEACON_TTL)
    socket.setMulticastLoopback(true)
  } catch (err) {
    await closeSocket(socket)
    throw err
  }
  return socket
}

export function sendDatagram(socket: Socket, data: Buffer, port: number, group: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(data, port, group, (err) => (err ? reject(err) : resolve()))
  })
}

export function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // already closed
    }
  })
}

export function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address)
}

/** IPv4 names the interface by address; IPv6 by scope (`::%eth0`), which is how the OS identifies it. */
function membershipInterface(iface: LanInterface): string {
  return iface.family === 4 ? iface.address : `::%${iface.name}`
}

function bindSocket(socket: Socket, port: number, address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      try {
        socket.close()
      } catch {
        // never started
      }
      reject(err)
    }
    socket.once('error', onError)
    socket.bind({ port, address, exclusive: false }, () => {
      socket.off('error', onError)
      resolve(socket)
    })
  })
}
