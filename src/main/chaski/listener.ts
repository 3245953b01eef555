// Binding a node's TCP server and UDP socket to the same port number (spec §1).
// Port 0: bind TCP to 0, read the port back, bind UDP to that number; if UDP's bind fails with EADDRINUSE,
// close both and retry with a new TCP port. Hundreds of nodes created at once never share a port.
import type dgram from 'node:dgram'
import type net from 'node:net'
import { formatAddress } from './address'
import { BIND_ATTEMPTS, FAVOURITE_PORTS, LISTEN_BACKLOG } from './constants'
import { AddressInUseError, ListenError } from './errors'

export interface BoundSockets {
  server: net.Server
  udp: dgram.Socket
  port: number
}

function listenTcp(server: net.Server, ip: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening)
      reject(error)
    }
    const onListening = (): void => {
      server.off('error', onError)
      resolve((server.address() as net.AddressInfo).port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    // A deep backlog: a hub accepting a burst of connects must not drop SYNs (constants.ts, LISTEN_BACKLOG).
    server.listen({ host: ip, port, exclusive: true, backlog: LISTEN_BACKLOG })
  })
}

function bindUdp(socket: dgram.Socket, ip: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      socket.off('listening', onListening)
      reject(error)
    }
    const onListening = (): void => {
      socket.off('error', onError)
      resolve()
    }
    socket.once('error', onError)
    socket.once('listening', onListening)
    socket.bind({ address: ip, port, exclusive: true })
  })
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
  })
}

function closeUdp(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // never bound or already closed
    }
  })
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

/** Tries one port number (0 = any) for both sockets; returns null when the number is taken. */
async function tryPort(
  ip: string,
  port: number,
  makeServer: () => net.Server,
  makeUdp: () => dgram.Socket
): Promise<BoundSockets | null> {
  const server = makeServer()
  let bound: number
  try {
    bound = await listenTcp(server, ip, port)
  } catch (error) {
    await closeServer(server)
    if (code(error) === 'EADDRINUSE') return null
    throw new ListenError(`cannot listen on TCP ${formatAddress(ip, port)}: ${(error as Error).message}`)
  }
  const udp = makeUdp()
  try {
    await bindUdp(udp, ip, bound)
  } catch (error) {
    await Promise.all([closeServer(server), closeUdp(udp)])
    if (code(error) === 'EADDRINUSE') return null
    throw new ListenError(`cannot bind UDP ${formatAddress(ip, bound)}: ${(error as Error).message}`)
  }
  return { server, udp, port: bound }
}

export async function bindSockets(
  ip: string,
  port: number,
  root: boolean,
  makeServer: () => net.Server,
  makeUdp: () => dgram.Socket
): Promise<BoundSockets> {
  if (port !== 0) {
    const bound = await tryPort(ip, port, makeServer, makeUdp)
    if (!bound) throw new AddressInUseError(`port ${port} on ${ip} is already in use (TCP or UDP)`)
    return bound
  }
  if (root) {
    for (const favourite of FAVOURITE_PORTS) {
      const bound = await tryPort(ip, favourite, makeServer, makeUdp)
      if (bound) return bound
    }
  }
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    const bound = await tryPort(ip, 0, makeServer, makeUdp)
    if (bound) return bound
  }
  throw new AddressInUseError(
    `no port on ${ip} was free for both TCP and UDP after ${BIND_ATTEMPTS} attempts`
  )
}

export { closeServer, closeUdp }
