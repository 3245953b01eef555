// The raw TLS baseline of the secure module (node-secure.ts): plain node:tls on 127.0.0.1, the same 4-byte
// length-prefixed frames as the plaintext baseline (raw-baseline.ts), no codec, no protocol. Configured as our links
// are: TLS 1.3 only, both ends presenting a self-signed ECDSA P-256 certificate made the way a node's is (its own key,
// the library's certificate.ts), the server requesting the client's (mutual authentication), the same cipher suite
// (OpenSSL's default order; `cipher` says which was negotiated). It checks no key against an id: that is our work.
import net from 'node:net'
import tls from 'node:tls'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { generateNodeKey } from '../src/main/chaski/security/node-key'
import { createNodeCertificate } from '../src/main/chaski/security/certificate'
import {
  encodeRawFrame,
  RawBatchWriter,
  RawFrameReader,
  type RawServer,
  type ThroughputResult
} from './raw-baseline'
import { withTimeout } from './waiting'

const HOST = '127.0.0.1'

/**
 * A raw TLS end's material: a new P-256 key, its self-signed certificate, and the options both roles take (a server
 * makes its SecureContext from them once; a client reuses `context` for every connection).
 */
export interface RawTlsIdentity {
  options: tls.SecureContextOptions
  context: tls.SecureContext
}

export async function rawTlsIdentity(): Promise<RawTlsIdentity> {
  const key = generateNodeKey()
  const cert = await createNodeCertificate(key)
  const options: tls.SecureContextOptions = {
    key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3'
  }
  return { options, context: tls.createSecureContext(options) }
}

/** A TLS server ('echo' writes every frame back, 'sink' hands each payload to `onFrame`) asking for client certs. */
export async function startRawTlsServer(
  identity: RawTlsIdentity,
  mode: 'echo' | 'sink',
  onFrame?: (payload: Buffer) => void
): Promise<RawServer> {
  const sockets = new Set<tls.TLSSocket>()
  const server = tls.createServer(
    { ...identity.options, requestCert: true, rejectUnauthorized: false, noDelay: true },
    (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => socket.destroy())
      const reader = new RawFrameReader((frame, payload) => {
        if (mode === 'echo') socket.write(frame)
        else onFrame?.(payload)
      })
      socket.on('data', (chunk: Buffer) => reader.push(chunk))
    }
  )
  server.on('tlsClientError', () => {}) // a client destroyed mid-handshake; never a figure
  server.listen(0, HOST)
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('raw TLS server has no TCP address')
  return {
    port: address.port,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** A TLS connection, resolved once the handshake is done (the server's certificate received, ours sent). */
export async function rawTlsConnect(port: number, identity: RawTlsIdentity): Promise<tls.TLSSocket> {
  const socket = tls.connect({
    socket: net.connect({ host: HOST, port, noDelay: true }),
    secureContext: identity.context,
    rejectUnauthorized: false
  })
  socket.on('error', () => socket.destroy())
  await withTimeout(once(socket, 'secureConnect'), 5_000, `raw TLS connect to ${HOST}:${port}`)
  return socket
}

/** Resolves on each whole frame `socket` receives, one request in flight at a time. */
function echoWaiter(socket: tls.TLSSocket): () => Promise<void> {
  let waiting: (() => void) | null = null
  const reader = new RawFrameReader(() => {
    const done = waiting
    waiting = null
    done?.()
  })
  socket.on('data', (chunk: Buffer) => reader.push(chunk))
  return () => new Promise<void>((resolve) => (waiting = resolve))
}

/** Times a TLS connect (TCP, TLS 1.3 handshake with both certificates) followed by one echoed frame. */
export class RawTlsConnectTimer {
  /** The cipher suite the last sample negotiated (standard name). */
  cipher = ''

  private constructor(
    private readonly echo: RawServer,
    private readonly client: RawTlsIdentity
  ) {}

  static async open(server: RawTlsIdentity, client: RawTlsIdentity): Promise<RawTlsConnectTimer> {
    return new RawTlsConnectTimer(await startRawTlsServer(server, 'echo'), client)
  }

  /** Milliseconds of one connect plus one round trip of a `size`-byte frame, on a new connection each time. */
  async sampleWithEcho(size: number): Promise<number> {
    const frame = encodeRawFrame(Buffer.alloc(size))
    const t0 = performance.now()
    const socket = await rawTlsConnect(this.echo.port, this.client)
    const next = echoWaiter(socket)
    const answered = next()
    socket.write(frame)
    await withTimeout(answered, 5_000, 'raw TLS echo after connect')
    const elapsed = performance.now() - t0
    this.cipher = socket.getCipher().standardName
    socket.destroy()
    return elapsed
  }

  close(): Promise<void> {
    return this.echo.close()
  }
}

/** A client of a TLS echo server on one open link: sequential round trips, like pings. */
export class RawTlsEchoClient {
  private constructor(
    private readonly socket: tls.TLSSocket,
    private readonly server: RawServer,
    private readonly next: () => Promise<void>
  ) {}

  static async open(server: RawTlsIdentity, client: RawTlsIdentity): Promise<RawTlsEchoClient> {
    const echo = await startRawTlsServer(server, 'echo')
    const socket = await rawTlsConnect(echo.port, client)
    return new RawTlsEchoClient(socket, echo, echoWaiter(socket))
  }

  get cipher(): string {
    return this.socket.getCipher().standardName
  }

  /** Round trip in ms of one frame carrying `payload`. */
  async roundTrip(payload: Buffer): Promise<number> {
    const frame = encodeRawFrame(payload)
    const t0 = performance.now()
    const answered = this.next()
    this.socket.write(frame)
    await withTimeout(answered, 5_000, 'raw TLS echo')
    return performance.now() - t0
  }

  async close(): Promise<void> {
    this.socket.destroy()
    await this.server.close()
  }
}

/**
 * One-way frames over TLS, batched exactly as the plaintext baseline batches them (RawBatchWriter: one buffer per
 * tick or per WRITE_BATCH_BYTES, 'drain' awaited past the high-water mark), timed until the sink counted the last.
 */
export async function rawTlsThroughput(
  server: RawTlsIdentity,
  client: RawTlsIdentity,
  count: number,
  size: number,
  timeoutMs: number
): Promise<ThroughputResult & { cpuMs: number }> {
  let received = 0
  let allReceived!: () => void
  const done = new Promise<void>((resolve) => (allReceived = resolve))
  const sink = await startRawTlsServer(server, 'sink', (payload) => {
    if (payload.length !== size) throw new Error(`raw TLS sink got ${payload.length} bytes, expected ${size}`)
    if (++received === count) allReceived()
  })
  const socket = await rawTlsConnect(sink.port, client)
  const writer = new RawBatchWriter(socket)
  const payload = randomBytes(size)
  try {
    const cpu = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < count; i++) {
      writer.add(payload)
      await (writer.congested ? writer.waitDrain() : undefined)
    }
    await withTimeout(done, timeoutMs, `raw TLS throughput ${count}×${size} B (got ${received})`)
    const elapsedMs = performance.now() - t0
    const used = process.cpuUsage(cpu)
    const cpuMs = (used.user + used.system) / 1000
    return { count, size, elapsedMs, perSecond: (count * 1000) / elapsedMs, cpuMs }
  } finally {
    socket.destroy()
    await sink.close()
  }
}
