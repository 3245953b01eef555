// Link write batching (link.ts) over a real loopback socket: frames of one tick leave in one write (early past
// 64 KiB), encoded straight into the batch; growing or flushing a batch never reorders, loses or alters a byte.
import net from 'node:net'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { WRITE_BATCH_BYTES } from '../../../src/main/chaski/constants'
import { Link, type LinkHandler } from '../../../src/main/chaski/link'
import { waitFor } from '../../helpers/wait-for'

const handler: LinkHandler = {
  acceptTopic: () => true,
  onFrame: () => {},
  onBadFrame: () => {},
  onHandshakeDeadline: () => {},
  onHeldBytes: () => {},
  onClose: () => {}
}

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

/** A Link on one end of a loopback connection, the bytes received at the other end, and the writes made. */
async function linkPair(): Promise<{ link: Link; received: () => Buffer; writes: number[] }> {
  const chunks: Buffer[] = []
  const server = net.createServer((socket) => socket.on('data', (chunk: Buffer) => chunks.push(chunk)))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const socket = net.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port })
  await once(socket, 'connect')
  const writes: number[] = []
  const write = socket.write.bind(socket) as (chunk: Buffer) => boolean
  socket.write = ((chunk: Buffer) => {
    writes.push(chunk.length)
    return write(chunk)
  }) as typeof socket.write
  const link = new Link(socket, true, handler, 1024 * 1024)
  cleanups.push(() => {
    socket.destroy()
    server.close()
  })
  return { link, received: () => Buffer.concat(chunks), writes }
}

/** Queues a frame of `size` bytes through reserve(), filled with a pattern; returns the expected bytes. */
function reserveFrame(link: Link, size: number, seed: number): Buffer {
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
    link.destroy({ reason: 'lost' })
    await waitFor(() => link.state === 'closed', { timeoutMs: 5_000 })
    expect(link.reserve(10)).toBe(-1)
    expect(link.send(Buffer.from('x'))).toBe(false)
    await expect(link.closed).resolves.toBeUndefined()
  })
})
