// The one renderer of network values (UI message list and CLI): hostile values never make it throw, and its text
// and work stay bounded. previewData (the host's message preview) is tested too: it is what crashed `chaski serve`.
import { describe, expect, test } from 'vitest'
import { previewData } from '../../../src/main/host/message-preview'
import { previewValue } from '../../../src/shared/value-preview'

function nestedArrays(depth: number): unknown {
  let value: unknown = null
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

function cyclic(): Record<string, unknown> {
  const a: Record<string, unknown> = { name: 'a' }
  a['self'] = a
  a['list'] = [a, { back: a }]
  return a
}

function throwingGetter(): object {
  const value = { ok: 1 }
  Object.defineProperty(value, 'boom', {
    enumerable: true,
    get() {
      throw new Error('getter called')
    }
  })
  return value
}

function hostileProxy(): object {
  return new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('ownKeys')
      },
      get() {
        throw new Error('get')
      },
      getPrototypeOf() {
        throw new Error('getPrototypeOf')
      }
    }
  )
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable([1, 2, 3], {})
  revoke()
  return proxy
}

const hostile: [string, () => unknown][] = [
  ['a cycle', cyclic],
  ['a getter that throws', throwingGetter],
  ['a proxy whose traps throw', hostileProxy],
  ['a revoked proxy', revokedProxy],
  ['arrays nested 100 000 deep', () => nestedArrays(100_000)],
  ['an object nested 100 000 deep', () => JSON.parse('{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000))],
  ['a 4 MiB string inside an object', () => ({ text: 'x'.repeat(4 * 1024 * 1024) })],
  ['an array of a million numbers', () => Array.from({ length: 1_000_000 }, (_, i) => i)],
  ['a sparse array of length 2^32-1', () => Object.assign([], { length: 2 ** 32 - 1 })],
  [
    'an object with 200 000 keys',
    () => Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i]))
  ],
  ['a huge BigInt', () => ({ big: 2n ** 4_000_000n })],
  ['a symbol', () => [Symbol('s'), { s: Symbol.iterator }]],
  [
    'a Map with a cycle',
    () => {
      const m = new Map<unknown, unknown>([['k', 1]])
      m.set('me', m)
      return m
    }
  ],
  ['a Set', () => new Set([1, 'two', [3]])],
  [
    'typed arrays',
    () => [new Uint8Array(10), new Float64Array(4), new DataView(new ArrayBuffer(3)), new ArrayBuffer(7)]
  ],
  ['an invalid Date and a fake one', () => [new Date(NaN), Object.create(Date.prototype)]],
  ['a function, undefined, NaN', () => [() => 1, undefined, NaN, -Infinity]],
  [
    'an object with a null prototype and a toJSON',
    () => Object.assign(Object.create(null), { toJSON: 1, toString: 2 })
  ],
  [
    'an object whose toJSON throws',
    () => ({
      toJSON() {
        throw new Error('toJSON')
      }
    })
  ]
]

describe('previewValue', () => {
  test.each(hostile)('%s: never throws, at most 500 characters + the ellipsis', (_label, make) => {
    const value = make()
    const started = performance.now()
    const text = previewValue(value)
    const elapsed = performance.now() - started
    expect(typeof text).toBe('string')
    expect(text.length).toBeLessThanOrEqual(501)
    expect(text.length).toBeGreaterThan(0)
    // A bound on work, not a speed claim: generous enough for a loaded 2-core machine.
    expect(elapsed).toBeLessThan(2_000)
    expect(previewData(value).length).toBeLessThanOrEqual(501)
  })

  test('plain data prints as compact JSON; top-level strings as they are', () => {
    expect(previewValue('hello Bob')).toBe('hello Bob')
    expect(previewValue('hi', { quoteStrings: true })).toBe('"hi"')
    expect(previewValue({ temp: 21, tags: ['a', 'b'], ok: true, none: null })).toBe(
      '{"temp":21,"tags":["a","b"],"ok":true,"none":null}'
    )
    expect(previewValue([1.5, -2, 'x"y'])).toBe('[1.5,-2,"x\\"y"]')
  })

  test('markers say what was left out and why', () => {
    expect(previewValue(cyclic())).toBe(
      '{"name":"a","self":[Circular],"list":[[Circular],{"back":[Circular]}]}'
    )
    expect(previewValue(throwingGetter())).toBe('{"ok":1,"boom":<getter>}')
    expect(previewValue(hostileProxy())).toBe('<unreadable>')
    expect(previewValue(new Uint8Array(12))).toBe('<12 bytes>')
    expect(previewValue({ n: 12n })).toBe('{"n":12n}')
    expect(previewValue({ big: 2n ** 1000n })).toBe('{"big":<bigint of 1004 bits>}')
    expect(previewValue(new Map([['k', 1]]))).toBe('Map{"k" => 1}')
    expect(previewValue(new Set([1, 2]))).toBe('Set[1,2]')
    expect(previewValue(nestedArrays(3), { maxDepth: 2 })).toBe('[[[…]]]')
    expect(previewValue([1, 2, 3, 4, 5], { maxNodes: 3 })).toBe('[1,2,…3 more]')
    expect(previewValue({ a: 'x'.repeat(50) }, { maxChars: 20 })).toBe('{"a":"xxxxxxxxxxxxxx…')
    expect(previewValue([, 1])).toBe('[<empty>,1]') // eslint-disable-line no-sparse-arrays
  })

  test('a cut never splits a surrogate pair', () => {
    const text = previewValue('a' + '😀'.repeat(10), { maxChars: 4 })
    expect(text).toBe('a😀…')
  })
})
