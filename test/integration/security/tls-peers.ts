// Real TLS links on loopback for the link-security tests (issue #13): listeners that accept with secureAccept, dials
// with secureDial, a relay that records the bytes it passes on, and a relay that terminates TLS with its own key and
// dials the real target (a man in the middle). Everything opened here is closed in afterEach.
import net from 'node:net'
import { once } from 'node:events'
import { afterEach } from 'vitest'
import type { Duplex } from 'node:stream'
import { generateNodeKey } from '../../../src/main/chaski/security/node-key'
import {
  createTlsCredentials,
  secureAccept,
  secureDial,
  type SecureLinkOptions,
  type TlsCredentials,
  type VerifiedTlsLink
} from '../../../src/main/chaski/security/tls-link'

export const HOST = '127.0.0.1'

/** New credentials (a fresh node key). */
export async function newCredentials(): Promise<TlsCredentials> {
  return createTlsCredentials(generateNodeKey())
}

/** The outcome of one inbound connection's secureAccept. */
export type Accepted = { link: VerifiedTlsLink; error?: undefined } | { link?: undefined; error: Error }

export interface TestListener {
  port: number
  /** One entry per inbound connection, in order, once its secureAccept settled. */
  accepted: Accepted[]
  /** Resolves with the next inbound connection's outcome. */
  next(): Promise<Accepted>
}

/** Opens sockets and servers for one test file; all are closed after each test. */
export function useTlsNet(): {
  listen(credentials: TlsCredentials, options?: SecureLinkOptions): Promise<TestListener>
  listenRaw(onSocket: (socket: net.Socket) => void): Promise<number>
  dial(port: number, credentials: TlsCredentials, options?: SecureLinkOptions): Promise<VerifiedTlsLink>
  tcp(port: number): net.Socket
  recordingRelay(target: number): Promise<RecordingRelay>
  track<T extends Duplex>(stream: T): T
} {
  const servers: net.Server[] = []
  const streams = new Set<Duplex>()
  afterEach(async () => {
    for (const s of streams) s.destroy()
    streams.clear()
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
  })
  const track = <T extends Duplex>(stream: T): T => {
    streams.add(stream)
    stream.on('error', () => stream.destroy())
    return stream
  }
  const listenRaw = async (onSocket: (socket: net.Socket) => void): Promise<number> => {
    const server = net.createServer((socket) => onSocket(track(socket)))
    servers.push(server)
    server.listen(0, HOST)
    await once(server, 'listening')
    return (server.address() as net.AddressInfo).port
  }
  const tcp = (port: number): net.Socket => track(net.connect({ host: HOST, port }))
  return {
    track,
    listenRaw,
    tcp,
    listen: async (credentials, options) => {
      const accepted: Accepted[] = []
      const waiting: ((a: Accepted) => void)[] = []
      const settle = (outcome: Accepted): void => {
        if (outcome.link) track(outcome.link.socket)
        accepted.push(outcome)
        waiting.shift()?.(outcome)
      }
      const port = await listenRaw((socket) => {
        secureAccept(socket, credentials, options).then(
          (link) => settle({ link }),
          (error: Error) => settle({ error })
        )
      })
      let read = 0
      return {
        port,
        accepted,
        next: () =>
          read < accepted.length
            ? Promise.resolve(accepted[read++]!)
            : new Promise((resolve) => waiting.push((a) => (read++, resolve(a))))
      }
    },
    dial: async (port, credentials, options) => {
      const link = await secureDial(tcp(port), credentials, options)
      track(link.socket)
      return link
    },
    recordingRelay: async (target) => {
      const toTarget: Buffer[] = []
      const fromTarget: Buffer[] = []
      const port = await listenRaw((client) => {
        const upstream = tcp(target)
        client.on('data', (chunk: Buffer) => (toTarget.push(chunk), upstream.write(chunk)))
        upstream.on('data', (chunk: Buffer) => (fromTarget.push(chunk), client.write(chunk)))
        client.on('close', () => upstream.destroy())
        upstream.on('close', () => client.destroy())
      })
      return { port, captured: () => Buffer.concat([...toTarget, ...fromTarget]) }
    }
  }
}

export interface RecordingRelay {
  port: number
  /** Every byte the relay passed on, both directions. */
  captured(): Buffer
}

/**
 * Reads newline-separated JSON messages from a stream (the tests' stand-in for the secure handshake's frames):
 * `next()` resolves with the next one.
 */
export class JsonLines {
  private buffered = ''
  private readonly queue: unknown[] = []
  private readonly waiting: ((value: unknown) => void)[] = []

  constructor(private readonly stream: Duplex) {
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      this.buffered += chunk
      let newline: number
      while ((newline = this.buffered.indexOf('\n')) !== -1) {
        const value: unknown = JSON.parse(this.buffered.slice(0, newline))
        this.buffered = this.buffered.slice(newline + 1)
        const waiter = this.waiting.shift()
        if (waiter) waiter(value)
        else this.queue.push(value)
      }
    })
  }

  send(value: unknown): void {
    this.stream.write(`${JSON.stringify(value)}\n`)
  }

  next<T = Record<string, unknown>>(): Promise<T> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift() as T)
    return new Promise((resolve) => this.waiting.push(resolve as (value: unknown) => void))
  }
}
