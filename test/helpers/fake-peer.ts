// A hand-written peer speaking the wire format (docs/PROTOCOL.md): it completes the handshake and then
// misbehaves on purpose (ignores pings / discovery), where a real node cannot.
import net from 'node:net'
import { msgpackCodec } from '../../src/main/chaski/codec'
import { encodeFrame, FrameDecoder } from '../../src/main/chaski/framing'

/**
 * A hand-written peer speaking the wire format: completes the handshake, then (optionally) ignores pings.
 * Used where a real node cannot misbehave on purpose.
 */
export async function fakePeer(options: {
  answerPings: boolean
  subscriptions?: string[]
  /**
   * 'duplicate': answer the handshake with `close {reason: 'duplicate', id}` naming a peer that never connects,
   * as a node does when it keeps another link to us; the dialler then waits for that link's edge.
   */
  handshake?: 'answer' | 'duplicate'
}): Promise<{
  server: net.Server
  port: number
  /** Connections the other side has closed so far. */
  readonly closedConnections: number
  close: () => Promise<void>
}> {
  const sockets = new Set<net.Socket>()
  let port = 0
  let closedConnections = 0
  const send = (socket: net.Socket, command: string, data: unknown, timestamp = Date.now()): void => {
    const body = msgpackCodec.encode({
      command,
      topic: 'All',
      data,
      timestamp,
      ttl: 64,
      uuid: `${Math.random()}`
    })
    socket.write(encodeFrame('All', body))
  }
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => closedConnections++)
    const decoder = new FrameDecoder({
      acceptTopic: () => true,
      onFrame: (_topic, body) => {
        const message = msgpackCodec.decode(body) as {
          command: string
          data: { ping_id?: number }
          timestamp: number
        }
        const identity = {
          id: 'fake-peer',
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
          send(socket, 'handshake_back', { ...identity, v: 1, vmin: 1 })
        }
        if (message.command === 'ping' && options.answerPings) {
          send(socket, 'pong', { ...identity, ping_id: message.data.ping_id }, message.timestamp)
        }
      }
    })
    socket.on('data', (chunk) => decoder.push(chunk))
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
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
