// Binding a node's transport listener and UDP socket to the same port number (spec §1).
// Port 0: listen on 0, read the port back, bind UDP to that number; if UDP's bind fails with EADDRINUSE,
// close both and retry with a new port. Hundreds of nodes created at once never share a port.
import type dgram from 'node:dgram'
import { formatAddress } from './address'
import { BIND_ATTEMPTS, FAVOURITE_PORTS } from './constants'
import { AddressInUseError, ListenError } from './errors'
import type { ListenerOwner, Transport, TransportListener } from './transport'

export interface BoundSockets {
  listener: TransportListener
  udp: dgram.Socket
  port: number
}

export interface BindRequest {
  ip: string
  port: number
  root: boolean
  transport: Transport
  /** Gets the listener's connections and errors. */
  owner: ListenerOwner
  makeUdp: () => dgram.Socket
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

export function closeUdp(socket: dgram.Socket): Promise<void> {
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

/** Tries one port number (0 = any) for both; returns null when the number is taken. */
async function tryPort(request: BindRequest, port: number): Promise<BoundSockets | null> {
  const { ip, transport } = request
  const listener = await transport.listen(ip, port, request.owner)
  if (listener === null) return null
  const udp = request.makeUdp()
  try {
    await bindUdp(udp, ip, listener.port)
  } catch (error) {
    await Promise.all([listener.close(), closeUdp(udp)])
    if (code(error) === 'EADDRINUSE') return null
    throw new ListenError(`cannot bind UDP ${formatAddress(ip, listener.port)}: ${(error as Error).message}`)
  }
  return { listener, udp, port: listener.port }
}

export async function bindSockets(request: BindRequest): Promise<BoundSockets> {
  const { ip, port, root } = request
  if (port !== 0) {
    const bound = await tryPort(request, port)
    if (!bound) throw new AddressInUseError(`port ${port} on ${ip} is already in use (TCP or UDP)`)
    return bound
  }
  if (root) {
    for (const favourite of FAVOURITE_PORTS) {
      const bound = await tryPort(request, favourite)
      if (bound) return bound
    }
  }
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    const bound = await tryPort(request, 0)
    if (bound) return bound
  }
  throw new AddressInUseError(
    `no port on ${ip} was free for both TCP and UDP after ${BIND_ATTEMPTS} attempts`
  )
}
