// Link write batching (link.ts) over a real loopback socket: frames of one tick leave in one write (early past
// 64 KiB), encoded straight into the batch; growing or flushing a batch never reorders, loses or alters a byte.
// The writes are counted at the socket's own write path (a subclass of net.Socket that records what the stream
// hands to the kernel), not by replacing any method.
import net from 'node:net'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { WRITE_BATCH_BYTES } from '../../../src/main/chaski/constants'
import { Link } from '../../../src/main/chaski/link'
import { waitFor } from '../../helpers/wait-for'

/** A link that only moves bytes: what it reads is ignored. */
class BareLink extends Link {
  acceptTopic(): boolean {
    return true
  }
  onFrameAt(): void {}
  protected onBadFrame(): void {}
  protected onHeldBytes(): void {}
  protected onClosed(): void {}

  close(): Promise<void> {
    return this.end(null)
  }

  destroy(): void {
    this.abort()
  }
}

/** A TCP socket that records the size of each chunk its stream passes down to be written. */
class RecordingSocket extends net.Socket {
  readonly writes: number[] = []

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writes.push(chunk.length)
    super._write(chunk, encoding, callback)
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void
  ): void {
    for (const { chunk } of chunks) this.writes.push(chunk.length)
    super._writev!(chunks, callback)
  }
}

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

/** A Link on one end of a loopback connection, the bytes received at the other end, and the writes made. */
async function linkPair(): Promise<{ link: BareLink; received: () => Buffer; writes: number[] }> {
  const chunks: Buffer[] = []
  const server = net.createServer((socket) => socket.on('data', (chunk: Buffer) => chunks.push(chunk)))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const socket = new RecordingSocket()
  socket.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port })
  await once(socket, 'connect')
  const writes = socket.writes
  const link = new BareLink(socket, true, 1024 * 1024)
  cleanups.push(() => {
    socket.destroy()
    server.close()
  })
  return { link, received: () => Buffer.concat(chunks), writes }
}

/** Queues a frame of `size` bytes through reserve(), filled with a pattern; returns the expected bytes. */
function reserveFrame(link: BareLink, size: number, seed: number): Buffer {
  const at = link.reserve(size)
  if (at < 0) throw new Error('the link refused a frame')
  for (let i = 0; i < size; i++) link.batch[at + i] = (seed + i) & 0xff
  return Buffer.from(link.batch.subarray(at, at + size))
}

describe('Link write batching', () => {
  it('frames queued in one tick leave in one write, in order', async () => {
    const { link, received, writes } = await linkPair()
    const expected = [reserveFrame(link, 40, 1), reserveFrame(link, 70, 2)]
    const prebuilt = Buffer.from('a pre-built frame')
    link.send(prebuilt)
    expected.push(prebuilt, reserveFrame(link, 10, 3))
    const total = Buffer.concat(expected)
    await waitFor(() => received().length >= total.length, { timeoutMs: 5_000 })
    expect(received().equals(total)).toBe(true)
    expect(writes).toEqual([total.length])
  })

  it('a burst past the batch size is written in batches of at most WRITE_BATCH_BYTES, bytes intact', async () => {
    const { link, received, writes } = await linkPair()
    const expected: Buffer[] = []
    for (let i = 0; i < 2_000; i++) expected.push(reserveFrame(link, 97 + (i % 50), i))
    const total = Buffer.concat(expected)
    await waitFor(() => received().length >= total.length, { timeoutMs: 5_000 })
    expect(received().equals(total)).toBe(true)
    // Full batches only: a batch leaves when the next frame (< 200 bytes) would not fit.
    expect(writes.length).toBeGreaterThan(1)
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(total.length / (WRITE_BATCH_BYTES - 200)))
    expect(Math.max(...writes)).toBeLessThanOrEqual(WRITE_BATCH_BYTES)
  })

  it('a frame handed to send() is sent as is and never written into', async () => {
    const { link, received } = await linkPair()
    const frame = Buffer.from('first frame of the tick')
    const copy = Buffer.from(frame)
    link.send(frame)
    const next = reserveFrame(link, 64, 9)
    expect(frame).toEqual(copy)
    const total = Buffer.concat([copy, next])
    await waitFor(() => received().length >= total.length, { timeoutMs: 5_000 })
    expect(received().equals(total)).toBe(true)
  })

  it('a closed link takes no more frames', async () => {
    const { link } = await linkPair()
    link.destroy()
    await waitFor(() => link.state === 'closed', { timeoutMs: 5_000 })
    expect(link.reserve(10)).toBe(-1)
    expect(link.send(Buffer.from('x'))).toBe(false)
    await expect(link.closed).resolves.toBeUndefined()
  })
})
