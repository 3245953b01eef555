// The per-frame fast paths of the default codec: plan/write encoding (frames written straight into a link's batch),
// the dedicated handshake and pong readers, and ids left out when a node does not pool them. Each must give exactly
// what the generic path gives, and fall back to it for any other layout.
import { describe, expect, it } from 'vitest'
import { msgpackCodec, packValue } from '../../../src/main/chaski/codec'
import {
  PongBytes,
  decodeEnvelopeFast,
  encodeEnvelopeFrame,
  planFrame,
  writePlannedFrame
} from '../../../src/main/chaski/envelope-codec'
import { encodePingData, encodePongData } from '../../../src/main/chaski/control-data'
import { LocalIdentity } from '../../../src/main/chaski/local-identity'
import { readHandshake as parseHandshake } from '../../../src/main/chaski/commands/handshake'
import { readPing as parsePing } from '../../../src/main/chaski/commands/ping'
import { readPong as parsePong } from '../../../src/main/chaski/commands/pong'
import type { Identity } from '../../../src/main/chaski/identity'
import { WireFormat } from '../../../src/main/chaski/wire'

const identity: Identity = {
  id: '4b1c0c47-5d0e-4d8e-9a51-0f3c7b1f2a10',
  name: 'nödé one',
  ip: '127.0.0.1',
  port: 40123,
  subscriptions: ['A', 'bé'],
  paired: true,
  root: false
}

function split(frame: Buffer): { topic: string; body: Buffer } {
  const topicLength = frame.readUInt32BE(4)
  expect(frame.length).toBe(8 + topicLength + frame.readUInt32BE(0))
  return { topic: frame.toString('utf8', 8, 8 + topicLength), body: frame.subarray(8 + topicLength) }
}

/** The data value as msgpackr reads the body (the generic path). */
function genericData(frame: Buffer): unknown {
  return (msgpackCodec.decode(split(frame).body) as { data: unknown }).data
}

describe('planFrame / writePlannedFrame', () => {
  it('writes at any offset exactly what encodeEnvelopeFrame allocates', () => {
    for (const data of [Buffer.from('xyz'), 'text ✓', null, { a: [1, 2] }, 3.25]) {
      const alone = encodeEnvelopeFrame('message', 'tøpic', data, 1700000000123, 200, 'id-1')
      const size = planFrame('message', 'tøpic', data, 1700000000123, 200, 'id-1')
      const buf = Buffer.alloc(size + 10, 0xee)
      expect(writePlannedFrame(buf, 5)).toBe(5 + size)
      expect(buf.subarray(5, 5 + size)).toEqual(alone)
      expect([buf[4], buf[5 + size]]).toEqual([0xee, 0xee])
    }
  })

  it('a fresh id (uuid null) is a valid, new id per frame', () => {
    const a = msgpackCodec.decode(split(encodeEnvelopeFrame('ping', 'All', null, 1, 1, null)).body)
    const b = msgpackCodec.decode(split(encodeEnvelopeFrame('ping', 'All', null, 1, 1, null)).body)
    const ids = [a, b].map((m) => (m as { uuid: string }).uuid)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/)
    expect(ids[0]).not.toBe(ids[1])
  })
})

describe('handshake reader', () => {
  const local = new LocalIdentity({ identityNow: () => identity }, false, ['message-runs'])

  it('reads our layout into what the generic decoder gives, accepted by parseHandshake', () => {
    for (const reconnect of [false, true]) {
      const frame = encodeEnvelopeFrame('handshake', 'All', local.handshake(1, reconnect), 1, 64, null)
      const envelope = decodeEnvelopeFast(split(frame).body, 'All')!
      expect(envelope.data).toEqual(genericData(frame))
      expect(parseHandshake(envelope.data, 'handshake')).toEqual({
        ...identity,
        v: 1,
        vmin: 1,
        reconnect,
        features: ['message-runs']
      })
    }
  })

  it('another layout (keys in another order) goes through the generic reader, same result', () => {
    const data = {
      ...identity,
      v: 1,
      vmin: 1,
      reconnect: false,
      features: ['message-runs', 'from-the-future']
    }
    const frame = encodeEnvelopeFrame('handshake_back', 'All', data, 1, 64, null)
    const envelope = decodeEnvelopeFast(split(frame).body, 'All')!
    expect(parseHandshake(envelope.data, 'handshake_back')).toEqual(data)
  })

  it('a handshake without `features` (an older peer, the original implementation) lists none', () => {
    const data = { ...identity, v: 1, vmin: 1, reconnect: false }
    const frame = encodeEnvelopeFrame('handshake', 'All', data, 1, 64, null)
    const envelope = decodeEnvelopeFast(split(frame).body, 'All')!
    expect(parseHandshake(envelope.data, 'handshake')).toEqual({ ...data, features: [] })
  })

  it('a value of the wrong type is left to the validator, which rejects it', () => {
    const bad = { v: 1, vmin: 1, reconnect: false, ...identity, port: 'eighty' }
    const frame = encodeEnvelopeFrame('handshake', 'All', bad, 1, 64, null)
    const envelope = decodeEnvelopeFast(split(frame).body, 'All')!
    expect(() => parseHandshake(envelope.data, 'handshake')).toThrow(/port/)
  })
})

describe('ping and pong data', () => {
  /** msgpackr's bytes for a map, its header made a fixmap (msgpackr writes an object's header as map 16). */
  const asFixmap = (map: Buffer): Buffer =>
    map[0] === 0xde ? Buffer.concat([Buffer.from([0x80 | map.readUInt16BE(1)]), map.subarray(3)]) : map

  it('are the bytes msgpackr gives for the same maps (with a fixmap header)', () => {
    for (const [id, update, dummy] of [
      [0, true, null],
      [300, false, Buffer.from([1, 2, 3])],
      [70_000, false, Buffer.alloc(300, 4)],
      [2 ** 40, true, Buffer.alloc(70_000, 5)]
    ] as const) {
      const generic = asFixmap(
        Buffer.from(packValue({ ping_id: id, latency_update: update, dummy_data: dummy }))
      )
      expect(encodePingData(id, update, dummy).bytes.equals(generic)).toBe(true)
    }
    const entries = asFixmap(Buffer.from(packValue({ ...identity }))).subarray(1)
    const viaMap = asFixmap(Buffer.from(packValue({ ping_id: 70_000, ...identity })))
    expect(encodePongData(70_000, entries, 7).bytes.equals(viaMap)).toBe(true)
  })

  it('a ping in our layout is read into what the generic decoder gives; large payloads go the generic way', () => {
    for (const dummy of [null, Buffer.from('xyz'), Buffer.alloc(300, 1)]) {
      const frame = encodeEnvelopeFrame('ping', 'All', encodePingData(12, false, dummy), 1, 64, null)
      const data = decodeEnvelopeFast(split(frame).body, 'All')!.data
      expect(data).toEqual(genericData(frame))
      expect(parsePing(data)).toEqual({ ping_id: 12, latency_update: false, dummy_data: dummy })
    }
  })
})

describe('pong reader', () => {
  const local = new LocalIdentity({ identityNow: () => identity }, false, ['message-runs'])

  it('keeps the identity encoded: compared byte for byte, decoded on demand', () => {
    const frame = (id: number): Buffer => encodeEnvelopeFrame('pong', 'All', local.pong(id), 9, 64, null)
    const first = decodeEnvelopeFast(split(frame(7)).body, 'All')!.data as PongBytes
    expect(first).toBeInstanceOf(PongBytes)
    expect(first.pingId).toBe(7)
    expect(parsePong(first.decode())).toEqual({ ...identity, ping_id: 7 })
    const kept = first.identityCopy()
    const second = decodeEnvelopeFast(split(frame(300_000)).body, 'All')!.data as PongBytes
    expect(second.pingId).toBe(300_000)
    expect(second.identityEquals(kept)).toBe(true)
    const renamed = new LocalIdentity({ identityNow: () => ({ ...identity, name: 'renamed' }) }, false)
    const third = decodeEnvelopeFast(
      split(encodeEnvelopeFrame('pong', 'All', renamed.pong(8), 9, 64, null)).body,
      'All'
    )!.data as PongBytes
    expect(third.identityEquals(kept)).toBe(false)
  })

  it('a pong in another layout is plain decoded data', () => {
    const frame = encodeEnvelopeFrame('pong', 'All', { ...identity, ping_id: 3 }, 9, 64, null)
    const data = decodeEnvelopeFast(split(frame).body, 'All')!.data
    expect(data).not.toBeInstanceOf(PongBytes)
    expect(parsePong(data).ping_id).toBe(3)
  })
})

describe('message ids on receipt', () => {
  it('without keepIds the uuid is checked but left out', () => {
    const { body } = split(encodeEnvelopeFrame('message', 'T', Buffer.from('x'), 1, 1, 'abc'))
    expect(decodeEnvelopeFast(body, 'T')!.uuid).toBe('abc')
    expect(decodeEnvelopeFast(body, 'T', false)!.uuid).toBe('')
  })

  it('an empty uuid is refused either way (the generic path then words the error)', () => {
    const { body } = split(encodeEnvelopeFrame('message', 'T', Buffer.from('x'), 1, 1, ''))
    expect(decodeEnvelopeFast(body, 'T')).toBeNull()
    expect(decodeEnvelopeFast(body, 'T', false)).toBeNull()
    expect(() => new WireFormat(msgpackCodec, false, false).decode('T', body)).toThrow(/uuid/)
  })
})

describe('control data', () => {
  it('a ping with an extra key is read by the generic path, every key kept', () => {
    const data = { ping_id: 70_000, latency_update: true, dummy_data: Buffer.from([1, 2]), extra_key: 'é' }
    const frame = encodeEnvelopeFrame('ping', 'All', data, 1, 1, 'u')
    expect(genericData(frame)).toEqual(data)
    expect(decodeEnvelopeFast(split(frame).body, 'All')!.data).toEqual(data)
  })
})
