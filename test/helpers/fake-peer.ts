// A hand-written peer speaking the wire format (docs/PROTOCOL.md): it completes the handshake and then
// misbehaves on purpose (ignores pings / discovery, floods), where a real node cannot.
import net from 'node:net'
import { msgpackCodec } from '../../src/main/chaski/codec'
import { encodeFrame, FrameDecoder } from '../../src/main/chaski/framing'
import { createTlsCredentials, secureAccept, type NodeKey } from '../../src/main/chaski/security/index'

export interface FakePeerOptions {
  answerPings: boolean
  subscriptions?: string[]
  /** Node id in the handshake (two fake peers of one node need different ids). @default 'fake-peer' */
  id?: string
  /**
   * 'duplicate': answer the handshake with `close {reason: 'duplicate', id}` naming a peer that never connects,
   * as a node does when it keeps another link to us; the dialler then waits for that link's edge.
   */
  handshake?: 'answer' | 'duplicate'
  /**
   * A secure peer (protocol version 2): it accepts TLS with this key, and its id is the key's (option `id` ignored).
   * @default plaintext (version 1)
   */
  key?: NodeKey
}

export interface FakePeer {
  server: net.Server
  port: number
  /** Connections the other side has closed so far. */
  readonly closedConnections: number
  /** Frames received so far with this command, from every connection. */
  received(command: string): number
  /** Data of the frames received so far with this command. */
  receivedData(command: string): unknown[]
  /** Sends one control frame on every open connection (the node that dialled us reads it). @default ttl 64 */
  send(command: string, data: unknown, ttl?: number): void
  close: () => Promise<void>
}

/**
 * A hand-written peer speaking the wire format: completes the handshake, then (optionally) ignores pings.
 * Used where a real node cannot misbehave on purpose.
 */
export async function fakePeer(options: FakePeerOptions): Promise<FakePeer> {
  const sockets = new Set<net.Socket>()
  const credentials = options.key ? await createTlsCredentials(options.key) : null
  const ownId = options.key?.id ?? options.id ?? 'fake-peer'
  const version = options.key ? 2 : 1
  let port = 0
  let closedConnections = 0
  const received = new Map<string, unknown[]>()
  const send = (
    socket: net.Socket,
    command: string,
    data: unknown,
    timestamp = Date.now(),
    ttl = 64
  ): void => {
    const body = msgpackCodec.encode({
      command,
      topic: 'All',
      data,
      timestamp,
      ttl,
      uuid: `${Math.random()}`
    })
    socket.write(encodeFrame('All', body))
  }
  const serve = (socket: net.Socket): void => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => {
      closedConnections++
      sockets.delete(socket)
    })
    const decoder = new FrameDecoder({
      acceptTopic: () => true,
      onFrame: (_topic, body) => {
        const message = msgpackCodec.decode(body) as {
          command: string
          data: { ping_id?: number }
          timestamp: number
        }
        const list = received.get(message.command) ?? []
        list.push(message.data)
        received.set(message.command, list)
        const identity = {
          id: ownId,
          name: 'fake',
          ip: '127.0.0.1',
          port,
          subscriptions: options.subscriptions ?? [],
          paired: false,
          root: false
        }
        if (message.command === 'handshake' && options.handshake === 'duplicate') {
          send(socket, 'close', { reason: 'duplicate', id: 'peer-that-never-connects' })
        } else if (message.command === 'handshake') {
          send(socket, 'handshake_back', { ...identity, v: version, vmin: version })
        }
        if (message.command === 'ping' && options.answerPings) {
          send(socket, 'pong', { ...identity, ping_id: message.data.ping_id }, message.timestamp)
        }
      }
    })
    socket.on('data', (chunk) => decoder.push(chunk))
  }
  const server = net.createServer((socket) => {
    if (credentials === null) return serve(socket)
    socket.on('error', () => {})
    secureAccept(socket, credentials).then(
      (link) => serve(link.socket),
      () => socket.destroy()
    )
  })
  port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
  )
  return {
    server,
    port,
    get closedConnections() {
      return closedConnections
    },
    received: (command) => received.get(command)?.length ?? 0,
    receivedData: (command) => [...(received.get(command) ?? [])],
    send: (command, data, ttl) => {
      for (const socket of sockets) send(socket, command, data, Date.now(), ttl)
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
