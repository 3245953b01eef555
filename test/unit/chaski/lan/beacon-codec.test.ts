import { describe, expect, it } from 'vitest'
import {
  BEACON_MAGIC,
  decodeBeacon,
  encodeBeacon,
  isUsableAnnouncedIp
} from '../../../../src/main/chaski/lan/beacon-codec'
import type { Beacon } from '../../../../src/main/chaski/lan/beacon-codec'
import { BEACON_BUDGET_BYTES, MAX_BEACON_BYTES } from '../../../../src/main/chaski/lan/constants'

const base: Omit<Beacon, 'truncated'> = {
  kind: 'announce',
  v: 1,
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  name: 'Node1',
  ip: '10.0.0.2',
  port: 8511,
  subscriptions: ['A', 'B'],
  paired: true,
  root: false,
  intervalMs: 1000,
  seq: 7
}

function decodeOk(data: Buffer): Beacon {
  const result = decodeBeacon(data)
  if (!result.ok) throw new Error(`expected a valid beacon, got ${result.reason}: ${result.detail}`)
  return result.beacon
}

function reasonOf(data: Buffer): string {
  const result = decodeBeacon(data)
  return result.ok ? 'ok' : result.reason
}

describe('beacon codec', () => {
  it('round-trips every field of an announce and a goodbye', () => {
    expect(decodeOk(encodeBeacon(base))).toEqual({ ...base, truncated: false })
    const goodbye = {
      ...base,
      kind: 'goodbye' as const,
      paired: false,
      root: true,
      ip: '::',
      seq: 0xffffffff
    }
    expect(decodeOk(encodeBeacon(goodbye))).toEqual({ ...goodbye, truncated: false })
  })

  it('keeps unicode names and topics intact', () => {
    const beacon = { ...base, name: 'Nodo ñandú 🚀', subscriptions: ['température', '话题'] }
    expect(decodeOk(encodeBeacon(beacon))).toMatchObject({
      name: beacon.name,
      subscriptions: beacon.subscriptions
    })
  })

  it('fits many and long subscriptions into the budget and says it truncated them', () => {
    const subscriptions = Array.from({ length: 500 }, (_, i) => `topic-${i}-${'x'.repeat(40)}`)
    const data = encodeBeacon({ ...base, subscriptions, name: 'é'.repeat(200) })
    expect(data.length).toBeLessThanOrEqual(BEACON_BUDGET_BYTES)
    const beacon = decodeOk(data)
    expect(beacon.truncated).toBe(true)
    expect(beacon.subscriptions.length).toBeGreaterThan(10)
    expect(subscriptions.slice(0, beacon.subscriptions.length)).toEqual(beacon.subscriptions)
    // The name is cut at a character boundary, never in the middle of a UTF-8 sequence.
    expect(beacon.name).toBe('é'.repeat(32))
  })

  it('skips topics that cannot be carried (too long, control characters) and duplicates', () => {
    const beacon = decodeOk(
      encodeBeacon({ ...base, subscriptions: ['A', 'x'.repeat(300), 'bad\nline', 'A', 'C'] })
    )
    expect(beacon.subscriptions).toEqual(['A', 'C'])
    expect(beacon.truncated).toBe(true)
  })

  it('refuses to encode an id with control characters or too long, or port 0', () => {
    expect(() => encodeBeacon({ ...base, id: 'bad\nid' })).toThrow(
      expect.objectContaining({ name: 'BeaconEncodeError' })
    )
    expect(() => encodeBeacon({ ...base, id: 'x'.repeat(256) })).toThrow(/cannot be announced/)
    expect(decodeOk(encodeBeacon({ ...base, id: 'Nodo ñ 1' })).id).toBe('Nodo ñ 1')
    expect(() => encodeBeacon({ ...base, port: 0 })).toThrow(
      expect.objectContaining({ name: 'BeaconEncodeError' })
    )
  })

  it('rejects garbage, truncation, trailing bytes and oversize datagrams with a reason', () => {
    const good = encodeBeacon(base)
    expect(reasonOf(Buffer.alloc(0))).toBe('too-short')
    expect(reasonOf(Buffer.from('hello world, this is not a beacon'))).toBe('bad-magic')
    expect(reasonOf(Buffer.alloc(MAX_BEACON_BYTES + 1))).toBe('too-large')
    expect(reasonOf(Buffer.concat([good, Buffer.from([0])]))).toBe('malformed')
    for (let cut = 0; cut < good.length; cut++) expect(reasonOf(good.subarray(0, cut))).not.toBe('ok')
  })

  it('checks the version, kind and flags', () => {
    const mutate = (offset: number, value: number): Buffer => {
      const copy = Buffer.from(encodeBeacon(base))
      copy[offset] = value
      return copy
    }
    expect(reasonOf(mutate(4, 2))).toBe('unsupported-version')
    expect(reasonOf(mutate(5, 9))).toBe('bad-kind')
    expect(reasonOf(mutate(6, 0x80))).toBe('bad-field')
  })

  it('rejects spoofed-looking fields: port 0, bad or multicast ip, bad interval, invalid UTF-8', () => {
    const withPort = Buffer.from(encodeBeacon(base))
    withPort.writeUInt16BE(0, 8)
    expect(reasonOf(withPort)).toBe('bad-field')
    const withInterval = Buffer.from(encodeBeacon(base))
    withInterval.writeUInt16BE(5, 10)
    expect(reasonOf(withInterval)).toBe('bad-field')
    // Same-length replacements inside the ip field: '10.0.0.2' (8 bytes).
    for (const ip of ['239.1.2.3', '1o.0.0.2', '0.1.2.30']) {
      const data = Buffer.from(encodeBeacon(base))
      const at = data.indexOf(Buffer.from(base.ip))
      data.write(ip, at, 'ascii')
      expect(reasonOf(data)).toBe('bad-field')
    }
    const badUtf8 = Buffer.from(encodeBeacon({ ...base, name: 'ab' }))
    badUtf8.write('\xff', badUtf8.indexOf(Buffer.from('ab')), 'latin1')
    expect(reasonOf(badUtf8)).toBe('bad-field')
  })

  it('never throws on random bytes behind a valid magic', () => {
    for (let i = 0; i < 2000; i++) {
      const data = Buffer.alloc(1 + Math.floor(Math.random() * 300))
      for (let j = 0; j < data.length; j++) data[j] = Math.floor(Math.random() * 256)
      BEACON_MAGIC.copy(data, 0)
      if (data.length > 4) data[4] = 1
      expect(() => decodeBeacon(data)).not.toThrow()
    }
  })

  it('accepts unicast and unspecified addresses only', () => {
    expect(['10.1.2.3', '0.0.0.0', '::', 'fe80::1', '::1', '127.0.0.1'].every(isUsableAnnouncedIp)).toBe(true)
    expect(
      ['255.255.255.255', '224.0.0.1', 'ff02::1', '0.1.2.3', 'fe80::1%eth0', 'host', ''].some(
        isUsableAnnouncedIp
      )
    ).toBe(false)
  })
})
