import { describe, expect, it } from 'vitest'
import { encodeFrame, FrameDecoder } from '../../../src/main/chaski/framing'

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
