// Plain data only (docs/PROTOCOL.md §2): the codec reads and writes nil, bool, int, float, str, bin, array and map,
// and refuses every msgpack extension before msgpackr could build it.
import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { msgpackCodec, packValue } from '../../../src/main/chaski/codec'
import { MAX_DATA_DEPTH } from '../../../src/main/chaski/constants'
import { plainMsgpackProblem } from '../../../src/main/chaski/plain-msgpack'

const problem = (bytes: Uint8Array): string | null => plainMsgpackProblem(bytes, 0, bytes.length)
const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex')

describe('plainMsgpackProblem', () => {
  it.each([
    [
      'nil, bools, ints, floats',
      [null, true, false, 0, 127, -32, 255, -129, 65_536, 2 ** 40, -(2 ** 40), 1.5]
    ],
    ['strings and bytes', ['', 'a'.repeat(40), 'é'.repeat(200), 'x'.repeat(70_000), Buffer.alloc(300)]],
    ['nested maps and arrays', { a: [1, { b: [[], {}] }], ü: { c: Buffer.from([1]) } }],
    ['large arrays and maps', { list: Array.from({ length: 70_000 }, (_, i) => i & 7) }]
  ])('accepts %s', (_label, value) => {
    expect(problem(new Packr({ useRecords: false }).pack(value))).toBeNull()
  })

  it.each([
    [
      'a self-referencing structured clone',
      () => {
        const cyclic: Record<string, unknown> = { x: 1 }
        cyclic['self'] = cyclic
        return new Packr({ structuredClone: true }).pack(cyclic)
      }
    ],
    ['a record', () => new Packr({ useRecords: true }).pack({ a: 1, b: 2 })],
    ['a BigInt extension (0x42)', () => new Packr({ useBigIntExtension: true } as never).pack(2n ** 100n)],
    ['a Date (timestamp extension)', () => new Packr().pack(new Date(5))],
    ['a Set', () => new Packr({ moreTypes: true, structuredClone: true }).pack(new Set([1]))],
    ['undefined (fixext 0)', () => new Packr().pack(undefined)],
    ['an extension deep inside', () => Buffer.concat([hex('92 01 91'), hex('c7 01 05 00')])]
  ])('refuses %s', (_label, make) => {
    expect(problem(make())).toMatch(/extension/)
  })

  it('refuses 0xc1, truncation, trailing bytes and lying lengths', () => {
    expect(problem(hex('c1'))).toMatch(/0xc1/)
    expect(problem(hex('a5 61 62'))).toMatch(/truncated/)
    expect(problem(hex('01 02'))).toMatch(/trailing/)
    expect(problem(hex('dd ffffffff 01'))).toMatch(/beyond the end/)
    expect(problem(hex('c6 ffffffff'))).toMatch(/truncated/)
    expect(problem(hex(''))).toMatch(/truncated/)
  })

  it(`refuses arrays nested more than ${MAX_DATA_DEPTH} deep`, () => {
    expect(problem(Buffer.concat([Buffer.alloc(MAX_DATA_DEPTH, 0x91), hex('01')]))).toBeNull()
    expect(problem(Buffer.concat([Buffer.alloc(MAX_DATA_DEPTH + 1, 0x91), hex('01')]))).toMatch(/nested/)
  })

  it('accepts 64-bit integers inside ±(2^53 − 1) and refuses the others', () => {
    const uint64 = (n: bigint): Buffer => {
      const b = Buffer.alloc(9)
      b[0] = 0xcf
      b.writeBigUInt64BE(n, 1)
      return b
    }
    const int64 = (n: bigint): Buffer => {
      const b = Buffer.alloc(9)
      b[0] = 0xd3
      b.writeBigInt64BE(n, 1)
      return b
    }
    const max = BigInt(Number.MAX_SAFE_INTEGER)
    for (const ok of [uint64(0n), uint64(max), int64(max), int64(-max), int64(-1n)])
      expect(problem(ok)).toBeNull()
    for (const bad of [uint64(max + 1n), uint64(2n ** 64n - 1n), int64(max + 1n), int64(-max - 1n)])
      expect(problem(bad)).toMatch(/64-bit/)
  })
})

describe('the default codec', () => {
  it('decodes a uint64 millisecond timestamp (as Python writes it) to a number', () => {
    const body = hex('81 a9 74696d657374616d70 cf 0000018c 2f8a1b2c')
    expect(msgpackCodec.decode(body)).toEqual({ timestamp: 0x18c2f8a1b2c })
  })

  it('refuses extensions with a ProtocolError', () => {
    const date = new Packr().pack({ at: new Date(5) })
    expect(() => msgpackCodec.decode(date)).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
  })

  it('refuses to send what is not plain data, and sends undefined as nil', () => {
    for (const value of [new Date(5), 2n ** 60n, { when: [new Date(5)] }])
      expect(() => packValue(value)).toThrow(expect.objectContaining({ name: 'UnsupportedDataError' }))
    expect(msgpackCodec.decode(packValue(new Set([1])))).toEqual([1]) // msgpackr writes a Set as an array
    expect(msgpackCodec.decode(packValue({ a: undefined, b: 1 }))).toEqual({ a: null, b: 1 })
    expect(msgpackCodec.decode(packValue(2n ** 40n))).toBe(2 ** 40)
  })
})
