// The copy of an accepted advert a node stores (src/main/chaski/map/kept-advert.ts): its own bytes, shared by the
// nodes of a process only when the content is the same.
import { describe, expect, it } from 'vitest'
import { msgpackCodec } from '../../../../src/main/chaski/codec'
import { readNeighbours, type NeighboursData } from '../../../../src/main/chaski/commands/neighbours'
import { keptAdvert } from '../../../../src/main/chaski/map/kept-advert'

function advert(seq: number, name = 'node-with-a-long-name'): NeighboursData {
  return {
    origin: `origin-${'x'.repeat(20)}`,
    seq,
    ttl0: 2,
    name,
    ip: '127.0.0.1',
    port: 4000,
    interval: 30,
    coord: null,
    n: [[`peer-${'y'.repeat(20)}`, 12, 3, 0, 1]],
    more: 0,
    topics: ['A'],
    tmore: 0,
    key: new Uint8Array(33).fill(2),
    sig: new Uint8Array(64).fill(7)
  }
}

/** What a node reads off the wire: decoded from a larger buffer, as frames are. */
function received(data: NeighboursData): NeighboursData {
  const bytes = Buffer.concat([Buffer.alloc(100), Buffer.from(msgpackCodec.encode(data))])
  return readNeighbours(msgpackCodec.decode(bytes.subarray(100)))
}

describe('keptAdvert', () => {
  it('keeps equal content, with key and signature bytes of its own (not views into what was read)', () => {
    const read = received(advert(Date.now()))
    const { advert: kept, coordinate } = keptAdvert(read)
    expect({ ...kept, key: null, sig: null }).toEqual({ ...read, key: null, sig: null })
    expect(Buffer.from(kept.key!)).toEqual(Buffer.from(read.key!))
    expect(Buffer.from(kept.sig!)).toEqual(Buffer.from(read.sig!))
    expect(coordinate).toBeNull()
    expect(kept.key!.buffer).not.toBe(read.key!.buffer)
    expect(kept.sig!.buffer).not.toBe(read.sig!.buffer)
  })

  it('gives two nodes that accept the same advert one copy, and a different advert under the same seq its own', () => {
    const seq = Date.now() + 1
    const first = keptAdvert(received(advert(seq))).advert
    expect(keptAdvert(received(advert(seq))).advert).toBe(first)
    const forged = keptAdvert(received(advert(seq, 'another-name-entirely'))).advert
    expect(forged).not.toBe(first)
    expect(forged.name).toBe('another-name-entirely')
    expect(first.name).toBe('node-with-a-long-name')
  })
})
