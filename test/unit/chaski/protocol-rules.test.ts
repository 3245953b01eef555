// Pure protocol rules: version negotiation, duplicate-link choice, candidate order, backoff, message pool,
// and the wire validators (untrusted input).
import { describe, expect, it } from 'vitest'
import { compareCandidates } from '../../../src/main/chaski/discovery'
import { ClosedPeers, keepNewLink, negotiateVersion } from '../../../src/main/chaski/handshake'
import { MessagePool } from '../../../src/main/chaski/message-pool'
import { parseEnvelope } from '../../../src/main/chaski/envelope'
import { readHandshake as parseHandshake } from '../../../src/main/chaski/commands/handshake'
import { readClose as parseClose } from '../../../src/main/chaski/commands/close'
import { readDiscoveryAck as parseDiscoveryAck } from '../../../src/main/chaski/commands/discovery-ack'
import { backoffDelay } from '../../../src/main/chaski/reconnect'
import { msgpackCodec } from '../../../src/main/chaski/codec'

describe('negotiateVersion', () => {
  it('uses the highest common version, null when none', () => {
    // Ours by default: v1 (plaintext) to v2 (secure links); a link picks one by its transport.
    expect(negotiateVersion({ v: 1, vmin: 1 })).toBe(1)
    expect(negotiateVersion({ v: 3, vmin: 1 })).toBe(2)
    expect(negotiateVersion({ v: 3, vmin: 3 })).toBeNull()
    expect(negotiateVersion({ v: 2, vmin: 2 }, { v: 1, vmin: 1 })).toBeNull()
    expect(negotiateVersion({ v: 5, vmin: 2 }, { v: 4, vmin: 1 })).toBe(4)
  })
})

describe('keepNewLink', () => {
  it('both sides agree: the link initiated by the lower id wins', () => {
    // a < b. Link X initiated by a, link Y initiated by b.
    // On a: existing X (outbound), new Y (inbound) → keep X. On b: existing Y (outbound), new X (inbound) → keep X.
    expect(keepNewLink('a', 'b', true, false)).toBe(false)
    expect(keepNewLink('b', 'a', true, false)).toBe(true)
    // Reverse arrival order.
    expect(keepNewLink('a', 'b', false, true)).toBe(true)
    expect(keepNewLink('b', 'a', false, true)).toBe(false)
  })

  it('a second link from the same initiator replaces the old one (reconnection over a half-open link)', () => {
    expect(keepNewLink('a', 'b', false, false)).toBe(true)
    expect(keepNewLink('a', 'b', true, true)).toBe(true)
  })
})

describe('compareCandidates', () => {
  it('orders by rank, then shared edges, then id', () => {
    const list = [
      { id: 'c', rank: 1, shared: 5 },
      { id: 'b', rank: 0, shared: 1 },
      { id: 'a', rank: 0, shared: 1 },
      { id: 'd', rank: 0, shared: 3 }
    ]
    expect(list.sort(compareCandidates).map((c) => c.id)).toEqual(['d', 'a', 'b', 'c'])
  })
})

describe('backoffDelay', () => {
  it('doubles from the base, caps, and stays within ±20 % jitter', () => {
    expect(backoffDelay(1, 250, 30_000, () => 0.5)).toBe(250)
    expect(backoffDelay(2, 250, 30_000, () => 0.5)).toBe(500)
    expect(backoffDelay(5, 250, 30_000, () => 0.5)).toBe(4000)
    expect(backoffDelay(20, 250, 30_000, () => 0.5)).toBe(30_000)
    expect(backoffDelay(1, 250, 30_000, () => 0)).toBe(200)
    expect(backoffDelay(1, 250, 30_000, () => 0.999999)).toBe(300)
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(3, 250, 30_000)
      expect(delay).toBeGreaterThanOrEqual(800)
      expect(delay).toBeLessThanOrEqual(1200)
    }
  })
})

describe('MessagePool', () => {
  it('drops duplicates and evicts the oldest past its size', () => {
    const pool = new MessagePool(3)
    expect(pool.add('a')).toBe(true)
    expect(pool.add('a')).toBe(false)
    pool.add('b')
    pool.add('c')
    pool.add('d')
    expect(pool.has('a')).toBe(false)
    expect(pool.has('d')).toBe(true)
    expect(pool.size).toBe(3)
  })
})

describe('ClosedPeers', () => {
  it('remembers deliberately closed peers, bounded', () => {
    const peers = new ClosedPeers(60_000, 2)
    peers.remember('a')
    peers.remember('b')
    peers.remember('c')
    expect(peers.has('a')).toBe(false)
    expect(peers.has('c')).toBe(true)
    peers.forget('c')
    expect(peers.has('c')).toBe(false)
  })
})

describe('wire validators', () => {
  const envelope = { command: 'ping', topic: 'All', data: {}, timestamp: 1, ttl: 3, uuid: 'u' }

  it('accepts a valid envelope and rejects mismatched topics or bad fields', () => {
    expect(parseEnvelope(envelope, 'All').command).toBe('ping')
    expect(() => parseEnvelope(envelope, 'other')).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
    expect(() => parseEnvelope({ ...envelope, ttl: -1 }, 'All')).toThrow(/ttl/)
    expect(() => parseEnvelope({ ...envelope, timestamp: 'now' }, 'All')).toThrow(/timestamp/)
    expect(() => parseEnvelope([1], 'All')).toThrow(/not a map/)
  })

  it('reads only own properties: inherited fields do not count', () => {
    const proto = { command: 'ping', topic: 'All', timestamp: 1, ttl: 1, uuid: 'u' }
    const sneaky = Object.create(proto) as object
    expect(() => parseEnvelope(sneaky, 'All')).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
  })

  it("a wire map with a '__proto__' key cannot pollute prototypes", () => {
    // msgpack map {"__proto__": {"polluted": true}, "command": "ping"} built by hand.
    const bytes = Buffer.concat([
      Buffer.from([0x82, 0xa9]),
      Buffer.from('__proto__'),
      Buffer.from([0x81, 0xa8]),
      Buffer.from('polluted'),
      Buffer.from([0xc3, 0xa7]),
      Buffer.from('command'),
      Buffer.from([0xa4]),
      Buffer.from('ping')
    ])
    const decoded = msgpackCodec.decode(bytes) as Record<string, unknown>
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(() => parseEnvelope(decoded, 'All')).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
  })

  it('validates handshakes field by field', () => {
    const good = {
      id: 'x',
      name: 'n',
      ip: '::1',
      port: 1,
      subscriptions: ['a'],
      paired: false,
      root: false,
      v: 1
    }
    expect(parseHandshake(good, 'handshake')).toMatchObject({ id: 'x', vmin: 1, reconnect: false })
    expect(() => parseHandshake({ ...good, ip: 'host' }, 'handshake')).toThrow(/ip/)
    expect(() => parseHandshake({ ...good, subscriptions: 'a' }, 'handshake')).toThrow(/subscriptions/)
    expect(() => parseHandshake({ ...good, subscriptions: new Array(2000).fill('a') }, 'handshake')).toThrow(
      /more than/
    )
    expect(() => parseHandshake({ ...good, v: 1, vmin: 2 }, 'handshake')).toThrow(/vmin/)
    expect(() => parseHandshake({ ...good, id: 'i'.repeat(100) }, 'handshake')).toThrow(/id/)
  })

  it('maps unknown close reasons to a plain deliberate close', () => {
    expect(parseClose({ reason: 'meteor' })).toEqual({ reason: 'closed' })
    expect(() => parseClose({})).toThrow(/reason/)
  })

  it('bounds discovery_ack candidates', () => {
    const candidates = new Array(100).fill({ id: 'a', rank: 0, shared: 0 })
    expect(() => parseDiscoveryAck({ search: 's', result: 'none', candidates })).toThrow(/candidates/)
    expect(() => parseDiscoveryAck({ search: 's', result: 'maybe' })).toThrow(/result/)
  })
})
