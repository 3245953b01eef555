// The raw baseline: plain node:net on 127.0.0.1, length-prefixed frames (4-byte big-endian length + payload),
// no codec, no protocol. It is what our ChaskiNode is compared against in the same run: an echo for ping,
// one-way frames for throughput, a bare TCP connect (and connect + one echo) for connect time.
import net from 'node:net'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { WRITE_BATCH_BYTES, WRITE_HIGH_WATER_BYTES } from '../src/main/chaski/constants'
import { withTimeout } from './waiting'

const HOST = '127.0.0.1'
const HEADER = 4
/** Frames above this are a bug in the bench itself; the reader refuses them rather than allocating. */
const MAX_RAW_FRAME = 16 * 1024 * 1024

/** Thrown when the raw stream carries a length the baseline never sends. */
export class RawFrameTooLargeError extends Error {
  override name = 'RawFrameTooLargeError'
}

/**
 * Streaming reader of length-prefixed frames. Frames inside one chunk are handed out as views (no copy);
 * only a frame spanning chunks is joined, once, when its last byte has arrived.
 */
export class RawFrameReader {
  private pending: Buffer[] = []
  private pendingBytes = 0
  /** Bytes needed before the pending chunks hold a whole frame (0 while the header is incomplete). */
  private needed = 0

  constructor(private readonly onFrame: (frame: Buffer, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    if (this.pendingBytes > 0) {
      this.pending.push(chunk)
      this.pendingBytes += chunk.length
      if (this.pendingBytes < Math.max(this.needed, HEADER)) return
      chunk = Buffer.concat(this.pending, this.pendingBytes)
      this.pending = []
      this.pendingBytes = 0
    }
    let offset = 0
    while (chunk.length - offset >= HEADER) {
      const length = chunk.readUInt32BE(offset)
      if (length > MAX_RAW_FRAME) throw new RawFrameTooLargeError(`raw frame of ${length} bytes`)
      const end = offset + HEADER + length
      if (end > chunk.length) break
      this.onFrame(chunk.subarray(offset, end), chunk.subarray(offset + HEADER, end))
      offset = end
    }
    if (offset < chunk.length) {
      const rest = chunk.subarray(offset)
      this.pending.push(rest)
      this.pendingBytes = rest.length
      this.needed = rest.length >= HEADER ? HEADER + rest.readUInt32BE(0) : 0
    }
  }
}

export function encodeRawFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER + payload.length)
  frame.writeUInt32BE(payload.length, 0)
  payload.copy(frame, HEADER)
  return frame
}

export interface RawServer {
  port: number
  close(): Promise<void>
}

/**
 * A raw server. 'echo' writes every frame back; 'sink' hands each frame's payload to `onFrame` and answers nothing;
 * 'accept' only accepts connections (connect timing).
 */
export async function startRawServer(
  mode: 'echo' | 'sink' | 'accept',
  onFrame?: (payload: Buffer) => void
): Promise<RawServer> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    if (mode === 'accept') return
    const reader = new RawFrameReader((frame, payload) => {
      if (mode === 'echo') socket.write(frame)
      else onFrame?.(payload)
    })
    socket.on('data', (chunk: Buffer) => reader.push(chunk))
  })
  server.listen(0, HOST)
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('raw server has no TCP address')
  return {
    port: address.port,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

async function rawConnect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: HOST, port, noDelay: true })
  await withTimeout(once(socket, 'connect'), 5_000, `raw connect to ${HOST}:${port}`)
  return socket
}

/**
 * Times bare TCP connects (until 'connect' on the client) to an accept-only server, and connects followed by one
 * echoed frame: the least any handshake that waits for the acceptor's answer can cost (spec §3's does).
 */
export class RawConnectTimer {
  private constructor(
    private readonly server: RawServer,
    private readonly echo: RawServer
  ) {}

  static async open(): Promise<RawConnectTimer> {
    const [server, echo] = await Promise.all([startRawServer('accept'), startRawServer('echo')])
    return new RawConnectTimer(server, echo)
  }

  /** Milliseconds of one connect plus one round trip of a `size`-byte frame, on a new connection each time. */
  async sampleWithEcho(size: number): Promise<number> {
    const frame = encodeRawFrame(Buffer.alloc(size))
    const t0 = performance.now()
    const socket = await rawConnect(this.echo.port)
    // The whole echoed frame, however the kernel splits it (the same reader as the echo client's).
    const answered = new Promise<void>((resolve) => {
      const reader = new RawFrameReader(() => resolve())
      socket.on('data', (chunk: Buffer) => reader.push(chunk))
    })
    socket.write(frame)
    await withTimeout(answered, 5_000, 'raw echo after connect')
    const elapsed = performance.now() - t0
    socket.destroy()
    return elapsed
  }

  /** Milliseconds of one connect; the socket is closed afterwards (not timed). */
  async sample(): Promise<number> {
    const t0 = performance.now()
    const socket = await rawConnect(this.server.port)
    const elapsed = performance.now() - t0
    socket.destroy()
    return elapsed
  }

  async close(): Promise<void> {
    await Promise.all([this.server.close(), this.echo.close()])
  }
}

/** A client of the echo server: one request in flight at a time, like sequential pings. */
export class RawEchoClient {
  private waiting: (() => void) | null = null
  private readonly reader = new RawFrameReader(() => {
    const done = this.waiting
    this.waiting = null
    done?.()
  })

  private constructor(
    private readonly socket: net.Socket,
    private readonly server: RawServer
  ) {
    socket.on('data', (chunk: Buffer) => this.reader.push(chunk))
  }

  static async open(): Promise<RawEchoClient> {
    const server = await startRawServer('echo')
    const socket = await rawConnect(server.port)
    return new RawEchoClient(socket, server)
  }

  /** Round trip in ms of one frame carrying `payload` (sent and echoed whole). */
  async roundTrip(payload: Buffer): Promise<number> {
    const frame = encodeRawFrame(payload)
    const t0 = performance.now()
    const answered = new Promise<void>((resolve) => {
      this.waiting = resolve
    })
    this.socket.write(frame)
    await withTimeout(answered, 5_000, 'raw echo')
    return performance.now() - t0
  }

  async close(): Promise<void> {
    this.socket.destroy()
    await this.server.close()
  }
}

export interface ThroughputResult {
  count: number
  size: number
  elapsedMs: number
  perSecond: number
}

/**
 * One-way frames: `count` frames of `size` payload bytes written as fast as the socket accepts them (waiting for
 * 'drain' when write() says so), timed from the first write until the sink has counted the last frame.
 */
/**
 * Frames written the way our links write them (src/main/chaski/link.ts): each frame encoded straight into one
 * batch buffer, the batch written once per tick (process.nextTick) or at once when it would pass
 * WRITE_BATCH_BYTES, and the writer waits for 'drain' while the socket buffers more than WRITE_HIGH_WATER_BYTES.
 * So the throughput ratio compares protocol work, not write batching.
 */
export class RawBatchWriter {
  private batch: Buffer | null = null
  private used = 0
  private flushScheduled = false

  constructor(private readonly socket: net.Socket) {}

  /** Queues one length-prefixed frame carrying `payload`. */
  add(payload: Buffer): void {
    const size = HEADER + payload.length
    if (this.batch !== null && this.used + size > this.batch.length) this.flush()
    if (this.batch === null) {
      this.batch = Buffer.allocUnsafe(Math.max(size, WRITE_BATCH_BYTES))
      this.used = 0
      if (!this.flushScheduled) {
        this.flushScheduled = true
        process.nextTick(() => {
          this.flushScheduled = false
          this.flush()
        })
      }
    }
    this.batch.writeUInt32BE(payload.length, this.used)
    payload.copy(this.batch, this.used + HEADER)
    this.used += size
  }

  flush(): void {
    const batch = this.batch
    if (batch === null) return
    this.batch = null
    this.socket.write(batch.subarray(0, this.used))
    this.used = 0
  }

  get congested(): boolean {
    return this.socket.writableLength + this.used > WRITE_HIGH_WATER_BYTES
  }

  async waitDrain(): Promise<void> {
    this.flush()
    if (this.socket.writableLength > WRITE_HIGH_WATER_BYTES) await once(this.socket, 'drain')
  }
}

export async function rawThroughput(
  count: number,
  size: number,
  timeoutMs: number
): Promise<ThroughputResult> {
  let received = 0
  let allReceived!: () => void
  const done = new Promise<void>((resolve) => {
    allReceived = resolve
  })
  const server = await startRawServer('sink', (payload) => {
    if (payload.length !== size) throw new Error(`raw sink got ${payload.length} bytes, expected ${size}`)
    if (++received === count) allReceived()
  })
  const socket = await rawConnect(server.port)
  const writer = new RawBatchWriter(socket)
  const payload = randomBytes(size)
  try {
    const t0 = performance.now()
    for (let i = 0; i < count; i++) {
      writer.add(payload)
      // As publish() does: awaited per message, a promise only when the socket is congested.
      await (writer.congested ? writer.waitDrain() : undefined)
    }
    await withTimeout(done, timeoutMs, `raw throughput ${count}×${size} B (got ${received})`)
    const elapsedMs = performance.now() - t0
    return { count, size, elapsedMs, perSecond: (count * 1000) / elapsedMs }
  } finally {
    socket.destroy()
    await server.close()
  }
}
