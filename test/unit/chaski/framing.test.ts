import { describe, expect, it } from 'vitest'
import { encodeFrame, FrameDecoder, type FrameRangeHandler } from '../../../src/main/chaski/framing'

function collector(accept: (topic: string) => boolean = () => true, maxFrameSize = 1024 * 1024) {
  const frames: { topic: string; body: string }[] = []
  const decoder = new FrameDecoder(
    { acceptTopic: accept, onFrame: (topic, body) => frames.push({ topic, body: body.toString('utf8') }) },
    { maxFrameSize }
  )
  return { frames, decoder }
}

describe('encodeFrame', () => {
  it('writes body length, topic length, topic, body (spec §2)', () => {
    const frame = encodeFrame('tópic', Buffer.from('body!'))
    expect(frame.readUInt32BE(0)).toBe(5)
    expect(frame.readUInt32BE(4)).toBe(Buffer.byteLength('tópic'))
    expect(frame.subarray(8, 8 + 6).toString('utf8')).toBe('tópic')
    expect(frame.subarray(14).toString('utf8')).toBe('body!')
  })
})

describe('FrameDecoder', () => {
  const frames = [
    encodeFrame('All', Buffer.from('one')),
    encodeFrame('t', Buffer.from('two')),
    encodeFrame('x', Buffer.alloc(0))
  ]
  const stream = Buffer.concat(frames)

  it('decodes several frames from one chunk', () => {
    const { frames: out, decoder } = collector()
    decoder.push(stream)
    expect(out).toEqual([
      { topic: 'All', body: 'one' },
      { topic: 't', body: 'two' },
      { topic: 'x', body: '' }
    ])
    expect(decoder.bufferedBytes).toBe(0)
  })

  it('decodes the same stream split at every possible point and byte by byte', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const { frames: out, decoder } = collector()
      decoder.push(stream.subarray(0, cut))
      decoder.push(stream.subarray(cut))
      expect(out.map((f) => f.body)).toEqual(['one', 'two', ''])
    }
    const { frames: out, decoder } = collector()
    for (const byte of stream) decoder.push(Buffer.from([byte]))
    expect(out.map((f) => f.topic)).toEqual(['All', 't', 'x'])
  })

  it('skips bodies of unwanted topics without handing them over', () => {
    const { frames: out, decoder } = collector((topic) => topic !== 't')
    for (const byte of stream) decoder.push(Buffer.from([byte]))
    expect(out.map((f) => f.body)).toEqual(['one', ''])
  })

  it('rejects an oversized frame from its header, before the body arrives', () => {
    const { decoder } = collector(() => true, 1024)
    const header = Buffer.alloc(8)
    header.writeUInt32BE(2000, 0)
    header.writeUInt32BE(3, 4)
    expect(() => decoder.push(header)).toThrow(expect.objectContaining({ name: 'FrameTooLargeError' }))
    // Dead afterwards: later bytes are ignored.
    decoder.push(encodeFrame('All', Buffer.from('late')))
    expect(decoder.bufferedBytes).toBe(0)
  })

  it('rejects a topic length above the limit', () => {
    const { decoder } = collector()
    const header = Buffer.alloc(8)
    header.writeUInt32BE(1, 0)
    header.writeUInt32BE(100_000, 4)
    expect(() => decoder.push(header)).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
  })

  it('handler errors propagate and stop the decoder', () => {
    let calls = 0
    const decoder = new FrameDecoder({
      acceptTopic: () => true,
      onFrame: () => {
        calls++
        throw new Error('bad')
      }
    })
    expect(() => decoder.push(stream)).toThrow('bad')
    expect(calls).toBe(1)
  })

  it('a destroyed decoder (EOF) ignores later bytes', () => {
    const { frames: out, decoder } = collector()
    decoder.destroy()
    decoder.push(stream)
    expect(out).toEqual([])
  })
})

// Links read frames where they lie in the received chunk (FrameRangeHandler): no copy and no view per frame.
describe('FrameDecoder, frames read in place', () => {
  interface Seen {
    topic: string
    body: string
    /** The chunk the body was read from (in place), or a copy made for a frame cut across chunks. */
    buf: Buffer
  }

  function rangeCollector(options: { accept?: (topic: string) => boolean; maxFrameSize?: number } = {}) {
    const frames: Seen[] = []
    const held: number[] = []
    const handler: FrameRangeHandler = {
      acceptTopic: options.accept ?? (() => true),
      onFrameAt: (topic, buf, start, end) =>
        frames.push({ topic, body: buf.toString('utf8', start, end), buf }),
      heldChanged: (delta) => held.push(delta)
    }
    const decoder = new FrameDecoder(handler, { maxFrameSize: options.maxFrameSize ?? 1024 * 1024 })
    return { frames, held, decoder }
  }

  const many = Array.from({ length: 500 }, (_, i) =>
    encodeFrame(i % 7 === 0 ? 'other' : 'T', Buffer.from(`m${i}`))
  )
  const stream = Buffer.concat(many)
  const expected = many.map((_, i) => `m${i}`)

  it('hands over many frames of one chunk from the chunk itself, holding nothing after', () => {
    const { frames, held, decoder } = rangeCollector()
    decoder.push(stream)
    expect(frames.map((f) => f.body)).toEqual(expected)
    expect(frames.every((f) => f.buf === stream)).toBe(true)
    expect(frames.filter((f) => f.topic === 'other')).toHaveLength(72)
    expect(decoder.bufferedBytes).toBe(0)
    expect(held).toEqual([])
  })

  it('decodes the same stream cut into chunks of every size from 1 to 300 bytes, in order, nothing lost', () => {
    for (let size = 1; size <= 300; size += size < 20 ? 1 : 37) {
      const { frames, held, decoder } = rangeCollector()
      for (let at = 0; at < stream.length; at += size) decoder.push(stream.subarray(at, at + size))
      expect(frames.map((f) => f.body)).toEqual(expected)
      expect(decoder.bufferedBytes).toBe(0)
      // Every byte reported as held was reported released again.
      expect(held.reduce((a, b) => a + b, 0)).toBe(0)
    }
  })

  it('finishes a frame cut across chunks, then reads the rest of the next chunk in place', () => {
    const a = encodeFrame('T', Buffer.from('first'))
    const b = encodeFrame('T', Buffer.from('second'))
    const c = encodeFrame('T', Buffer.from('third'))
    const { frames, held, decoder } = rangeCollector()
    const cut = a.length - 2 // inside the body
    const second = Buffer.concat([a.subarray(cut), b, c])
    decoder.push(a.subarray(0, cut))
    // The header and topic are read; the 3 body bytes that came are held.
    expect(held).toEqual([3])
    decoder.push(second)
    expect(frames.map((f) => f.body)).toEqual(['first', 'second', 'third'])
    expect(frames[0]!.buf).not.toBe(second) // copied once: it spans two chunks
    expect(frames[1]!.buf).toBe(second)
    expect(frames[2]!.buf).toBe(second)
    expect(held).toEqual([3, -3])
  })

  it('skips unwanted frames of a chunk without handing them over', () => {
    const { frames, decoder } = rangeCollector({ accept: (topic) => topic !== 'other' })
    decoder.push(stream)
    expect(frames.map((f) => f.body)).toEqual(expected.filter((_, i) => i % 7 !== 0))
  })

  it('refuses an oversize frame after whole frames of the same chunk, from its header alone', () => {
    const { frames, decoder } = rangeCollector({ maxFrameSize: 64 })
    const header = Buffer.alloc(8)
    header.writeUInt32BE(65, 0)
    header.writeUInt32BE(1, 4)
    const chunk = Buffer.concat([encodeFrame('T', Buffer.from('ok')), header, Buffer.from('T')])
    expect(() => decoder.push(chunk)).toThrow(expect.objectContaining({ name: 'FrameTooLargeError' }))
    expect(frames.map((f) => f.body)).toEqual(['ok'])
    // Dead afterwards: later bytes are ignored.
    decoder.push(encodeFrame('T', Buffer.from('late')))
    expect(frames).toHaveLength(1)
    expect(decoder.bufferedBytes).toBe(0)
  })

  it('refuses a topic length above the limit in the middle of a chunk', () => {
    const { decoder } = rangeCollector()
    const header = Buffer.alloc(8)
    header.writeUInt32BE(1, 0)
    header.writeUInt32BE(100_000, 4)
    expect(() => decoder.push(Buffer.concat([encodeFrame('T', Buffer.from('ok')), header]))).toThrow(
      expect.objectContaining({ name: 'ProtocolError' })
    )
  })

  it('stops at once when a handler destroys the decoder mid-chunk (the link closed)', () => {
    const bodies: string[] = []
    const decoder: FrameDecoder = new FrameDecoder({
      acceptTopic: () => true,
      onFrameAt: (_topic, buf, start, end) => {
        bodies.push(buf.toString('utf8', start, end))
        if (bodies.length === 3) decoder.destroy()
      }
    })
    decoder.push(stream)
    expect(bodies).toEqual(expected.slice(0, 3))
    expect(decoder.bufferedBytes).toBe(0)
  })

  it('applies a larger frame limit set by a handler to the frames after it in the same chunk', () => {
    const big = encodeFrame('T', Buffer.alloc(100, 0x61))
    const seen: number[] = []
    const decoder: FrameDecoder = new FrameDecoder(
      {
        acceptTopic: () => true,
        onFrameAt: (_topic, _buf, start, end) => {
          seen.push(end - start)
          decoder.maxFrameSize = 1024 // the handshake is done
        }
      },
      { maxFrameSize: 64 }
    )
    decoder.push(Buffer.concat([encodeFrame('T', Buffer.from('hello')), big]))
    expect(seen).toEqual([5, 100])
  })
})
