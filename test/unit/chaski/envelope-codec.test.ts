// The hand-written envelope (envelope-codec.ts) must produce plain msgpack that any decoder reads, read what
// msgpackr writes, and fall back safely on everything else.
import { describe, expect, it } from 'vitest'
import { msgpackCodec } from '../../../src/main/chaski/codec'
import {
  decodeEnvelopeAt,
  decodeEnvelopeFast,
  encodeEnvelopeFrame
} from '../../../src/main/chaski/envelope-codec'
import { WireFormat } from '../../../src/main/chaski/wire'

function body(frame: Buffer): { topic: string; body: Buffer } {
  const bodyLength = frame.readUInt32BE(0)
  const topicLength = frame.readUInt32BE(4)
  expect(frame.length).toBe(8 + topicLength + bodyLength)
  return { topic: frame.toString('utf8', 8, 8 + topicLength), body: frame.subarray(8 + topicLength) }
}

const samples: unknown[] = [
  Buffer.from([1, 2, 3]),
  Buffer.alloc(300, 7),
  Buffer.alloc(70_000, 9),
  'hello',
  'ünïcødé ✓'.repeat(40),
  null,
  42,
  -7,
  3.5,
  true,
  { nested: { list: [1, 'two', null], big: 2 ** 40 } },
  [1, 2, 3],
  { big: 2 ** 53 - 1, small: -(2 ** 53 - 1) }
]

describe('encodeEnvelopeFrame', () => {
  it.each(samples.map((sample) => [sample]))('is plain msgpack that msgpackr decodes: %#', (data) => {
    const frame = encodeEnvelopeFrame('message', 'tøpic', data, 1700000000123, 64, 'abc-1')
    const { topic, body: bytes } = body(frame)
    expect(topic).toBe('tøpic')
    const decoded = msgpackCodec.decode(bytes) as Record<string, unknown>
    expect(decoded).toMatchObject({
      command: 'message',
      topic: 'tøpic',
      timestamp: 1700000000123,
      ttl: 64,
      uuid: 'abc-1'
    })
    expect(decoded.data).toEqual(data)
  })

  it.each(samples.map((sample) => [sample]))('round-trips through the fast decoder: %#', (data) => {
    const { topic, body: bytes } = body(encodeEnvelopeFrame('message', 'T', data, 1, 200, 'id'))
    const envelope = decodeEnvelopeFast(bytes, topic)!
    expect(envelope).not.toBeNull()
    expect(envelope).toMatchObject({ command: 'message', topic: 'T', timestamp: 1, ttl: 200, uuid: 'id' })
    expect(envelope.data).toEqual(data)
  })

  it('frames with a fresh id: consecutive ids, exact sizes, also when the id gains a digit or the ttl changes', () => {
    // Crosses 36^2 and 36^3 whatever the counter is now (other tests in this process may have used ids).
    let previous = -1
    const wrong: unknown[] = []
    const lengths = new Set<number>()
    for (let i = 0; i < 50_000; i++) {
      const ttl = i % 1000 === 0 ? 200 : 3
      const frame = encodeEnvelopeFrame(
        'message',
        'tøpic',
        Buffer.from([i & 0xff]),
        1700000000000 + i,
        ttl,
        null
      )
      const { body: bytes } = body(frame)
      const decoded = msgpackCodec.decode(bytes) as Record<string, unknown>
      const uuid = decoded.uuid as string
      const counter = parseInt(uuid.slice(uuid.indexOf('-') + 1), 36)
      if (
        !/^[0-9a-f]{16}-[0-9a-z]+$/.test(uuid) ||
        (previous >= 0 && counter !== previous + 1) ||
        decoded.timestamp !== 1700000000000 + i ||
        decoded.ttl !== ttl ||
        (decoded.data as Buffer)[0] !== (i & 0xff)
      )
        wrong.push(decoded)
      previous = counter
      lengths.add(uuid.length)
    }
    expect(wrong).toEqual([])
    expect(lengths.size).toBeGreaterThan(1)
  })

  it('control data (topic All) round-trips through the flat codec', () => {
    const data = {
      ping_id: 7,
      latency_update: true,
      dummy_data: null,
      subscriptions: ['a', 'b'],
      port: 65535,
      f: 0.5
    }
    const { topic, body: bytes } = body(encodeEnvelopeFrame('ping', 'All', data, 1, 1, 'x'))
    expect(msgpackCodec.decode(bytes)).toMatchObject({ data })
    expect(decodeEnvelopeFast(bytes, topic)!.data).toEqual(data)
  })
})

describe('plain data only', () => {
  it('refuses to encode data that is not plain msgpack (a Date), with a clear error', () => {
    expect(() => encodeEnvelopeFrame('message', 'T', { at: new Date(5) }, 1, 1, 'id')).toThrow(
      expect.objectContaining({ name: 'UnsupportedDataError' })
    )
  })
})

describe('decodeEnvelopeFast', () => {
  it('returns null for other layouts so the generic path decides (and validates)', () => {
    const other = msgpackCodec.encode({
      topic: 'T',
      command: 'message',
      data: 1,
      ttl: 1,
      uuid: 'u',
      timestamp: 1
    })
    expect(decodeEnvelopeFast(Buffer.from(other), 'T')).toBeNull()
    expect(decodeEnvelopeFast(Buffer.from([0x86]), 'T')).toBeNull()
    expect(decodeEnvelopeFast(Buffer.alloc(0), 'T')).toBeNull()
  })

  it('returns null on a topic mismatch or a truncated body', () => {
    const { body: bytes } = body(encodeEnvelopeFrame('message', 'T', Buffer.from('xyz'), 1, 1, 'u'))
    expect(decodeEnvelopeFast(bytes, 'other')).toBeNull()
    for (let cut = 1; cut < bytes.length; cut++)
      expect(decodeEnvelopeFast(bytes.subarray(0, cut), 'T')).toBeNull()
  })

  it('the generic path accepts other layouts and rejects bad ones with ProtocolError', () => {
    const wire = new WireFormat(msgpackCodec, false)
    const other = Buffer.from(
      msgpackCodec.encode({ uuid: 'u', ttl: 1, timestamp: 1, data: 'd', topic: 'T', command: 'message' })
    )
    expect(wire.decode('T', other).data).toBe('d')
    expect(() => wire.decode('T', Buffer.from([0xc1]))).toThrow(
      expect.objectContaining({ name: 'ProtocolError' })
    )
  })
})

describe('control data other than ping, pong and handshake (msgpackr)', () => {
  const control = (data: unknown): unknown =>
    decodeEnvelopeFast(body(encodeEnvelopeFrame('update', 'All', data, 1, 1, 'u')).body, 'All')!.data

  it('never assigns a __proto__ key and reads other odd keys as own properties', () => {
    const evil = control(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>
    expect(Object.getPrototypeOf(evil)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const odd = control({ constructor: 1, toString: 2 }) as Record<string, unknown>
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype)
    expect(odd.constructor).toBe(1)
  })

  it('refuses counts larger than the remaining bytes without allocating', () => {
    const frame = encodeEnvelopeFrame('update', 'All', null, 1, 1, 'u')
    const { body: bytes } = body(frame)
    const lie = Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([0xdc, 0xff, 0xff, 0x01])])
    expect(() => decodeEnvelopeFast(lie, 'All')).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
  })
})

// Links decode a body where it lies in the received chunk, among other frames' bytes (framing.ts onFrameAt).
describe('decodeEnvelopeAt', () => {
  const noise = (n: number): Buffer => Buffer.alloc(n, 0xa5)

  it.each(samples.map((sample) => [sample]))(
    'reads a body amid other bytes as it reads it alone: %#',
    (data) => {
      const { body: bytes } = body(encodeEnvelopeFrame('message', 'T', data, 1, 3, 'id'))
      const chunk = Buffer.concat([noise(11), bytes, noise(13)])
      const envelope = decodeEnvelopeAt(chunk, 11, 11 + bytes.length, 'T')!
      expect(envelope).toEqual(decodeEnvelopeFast(bytes, 'T'))
    }
  )

  it('hands binary data over as a view of exactly its bytes', () => {
    const { body: bytes } = body(encodeEnvelopeFrame('message', 'T', Buffer.from('payload'), 1, 3, null))
    const chunk = Buffer.concat([noise(5), bytes, noise(5)])
    const data = decodeEnvelopeAt(chunk, 5, 5 + bytes.length, 'T', false)!.data as Buffer
    expect(data.toString()).toBe('payload')
    expect(data.buffer).toBe(chunk.buffer)
  })

  it('never reads past the end of its range: a body cut anywhere is not ours, whatever follows it', () => {
    for (const [command, topic, data] of [
      ['message', 'T', Buffer.from('xyz')],
      ['message', 'T', 'text'],
      ['update', 'All', { name: 'n', subscriptions: ['a'], paired: false }],
      ['ping', 'All', null]
    ] as const) {
      const { body: bytes } = body(encodeEnvelopeFrame(command, topic, data, 1, 1, 'u'))
      // The next bytes would complete the body: a reader that looked past `end` would accept it.
      const chunk = Buffer.concat([bytes, bytes])
      expect(decodeEnvelopeAt(chunk, 0, bytes.length, topic)).not.toBeNull()
      for (let cut = 1; cut < bytes.length; cut++) {
        let read: unknown
        try {
          read = decodeEnvelopeAt(chunk, 0, cut, topic)
        } catch {
          read = null // cut inside msgpackr-read data: undecodable, a protocol error for the link
        }
        expect(read).toBeNull()
      }
    }
  })

  it('checks the topic of a message head against the frame, head by head', () => {
    const { body: a } = body(encodeEnvelopeFrame('message', 'A', 'x', 1, 1, 'u'))
    const { body: b } = body(encodeEnvelopeFrame('message', 'B', 'y', 1, 1, 'u'))
    expect(decodeEnvelopeAt(a, 0, a.length, 'A')!.data).toBe('x')
    expect(decodeEnvelopeAt(b, 0, b.length, 'A')).toBeNull()
    expect(decodeEnvelopeAt(b, 0, b.length, 'B')!.data).toBe('y')
    expect(decodeEnvelopeAt(a, 0, a.length, 'B')).toBeNull()
    // Another command on a user topic is read (and refused by the command registry), not taken for a message.
    const { body: other } = body(encodeEnvelopeFrame('update', 'A', null, 1, 1, 'u'))
    expect(decodeEnvelopeAt(other, 0, other.length, 'A')!.command).toBe('update')
  })
})
