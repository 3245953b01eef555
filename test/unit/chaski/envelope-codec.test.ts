// The hand-written envelope (envelope-codec.ts) must produce plain msgpack that any decoder reads, read what
// msgpackr writes, and fall back safely on everything else.
import { describe, expect, it } from 'vitest'
import { msgpackCodec } from '../../../src/main/chaski/codec'
import { decodeEnvelopeFast, encodeEnvelopeFrame } from '../../../src/main/chaski/envelope-codec'
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
