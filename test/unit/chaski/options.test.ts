import { describe, expect, it } from 'vitest'
import { ChaskiNode } from '../../../src/main/chaski/index'
import { systemClock } from '../../../src/main/chaski/clock'
import {
  NodeOptions,
  normalizeOptions,
  OPTION_KEYS,
  type ChaskiNodeOptions
} from '../../../src/main/chaski/options'

describe('normalizeOptions (spec §1 defaults)', () => {
  it('fills the documented defaults', () => {
    const options = normalizeOptions({})
    expect(options).toMatchObject({
      ip: '127.0.0.1',
      port: 0,
      subscriptions: [],
      run: true,
      ttl: 64,
      root: false,
      paired: false,
      maxConnections: 5,
      reconnections: 32,
      keepAlive: true,
      messagePropagation: false,
      messagesPoolMaxSize: 128,
      lan: false,
      secure: true,
      insecure: false
    })
    expect(options.name).toBe(options.id)
    // A secure node's id is its key's (52 base32 characters); a plaintext node's a random UUID.
    expect(options.id).toBe(options.key!.id)
    expect(options.id).toMatch(/^[a-z2-7]{51}[aq]$/)
    const plain = normalizeOptions({ secure: false })
    expect(plain.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(plain.key).toBeNull()
  })

  it('refuses a fixed id or a key that is not a node key on a secure node', () => {
    expect(() => normalizeOptions({ id: 'x' })).toThrow(/option 'id' needs secure: false/)
    expect(normalizeOptions({ id: 'x', secure: false }).id).toBe('x')
    expect(() => normalizeOptions({ key: {} as never })).toThrow(/option 'key' must be a node key/)
  })

  it('accepts a single topic string and de-duplicates lists', () => {
    expect(normalizeOptions({ subscriptions: 'A' }).subscriptions).toEqual(['A'])
    expect(normalizeOptions({ subscriptions: ['A', 'B', 'A'] }).subscriptions).toEqual(['A', 'B'])
    expect(normalizeOptions({ subscriptions: new Set(['C']) }).subscriptions).toEqual(['C'])
  })

  it('reconnections: null disables', () => {
    expect(normalizeOptions({ reconnections: null }).reconnections).toBe(0)
  })

  it('stores the lan option for the LAN module', () => {
    expect(normalizeOptions({ lan: true }).lan).toBe(true)
    expect(normalizeOptions({ lan: { autoConnect: false } }).lan).toEqual({ autoConnect: false })
  })

  const bad: [string, ChaskiNodeOptions][] = [
    ['bad ip', { ip: 'localhost' }],
    ['bad ip (not an address)', { ip: '300.1.1.1' }],
    ['port out of range', { port: 70000 }],
    ['negative port', { port: -1 }],
    ['fractional port', { port: 1.5 }],
    ['negative ttl', { ttl: -1 }],
    ['ttl too large', { ttl: 1000 }],
    ['empty name', { name: '' }],
    ['non-string topic', { subscriptions: [1 as unknown as string] }],
    ['reserved topic', { subscriptions: ['All'] }],
    ['empty topic', { subscriptions: [''] }],
    ['too long topic', { subscriptions: ['x'.repeat(300)] }],
    ['negative maxConnections', { maxConnections: -2 }],
    ['negative reconnections', { reconnections: -1 }],
    ['non-boolean keepAlive', { keepAlive: 'yes' as unknown as boolean }],
    ['zero pool', { messagesPoolMaxSize: 0 }],
    ['serializer without deserializer', { serializer: () => new Uint8Array() }],
    ['non-function serializer', { serializer: 1 as never, deserializer: 1 as never }],
    ['unknown option', { colour: 'red' } as unknown as ChaskiNodeOptions],
    ['bad lan', { lan: 'yes' as never }]
  ]
  it.each(bad)('%s → InvalidOptionError', (_what, options) => {
    expect(() => normalizeOptions(options)).toThrow(expect.objectContaining({ name: 'InvalidOptionError' }))
  })

  it('the constructor validates too, with a clear message', () => {
    expect(() => new ChaskiNode({ port: 99999, run: false })).toThrow(
      /option 'port' must be an integer in 0\.\.65535/
    )
  })
})

describe('NodeOptions (what a node keeps of its options)', () => {
  it('reads every option as normalizeOptions gave it, and flat() is that object again', () => {
    const input: ChaskiNodeOptions = {
      secure: false,
      name: 'n',
      subscriptions: ['A', 'B'],
      ttl: 9,
      run: false
    }
    const normalized = normalizeOptions(input)
    const kept = NodeOptions.of(normalized, systemClock)
    for (const key of OPTION_KEYS) {
      if (key === 'adverts' || key === 'subscriptions') expect(kept[key]).toEqual(normalized[key])
      else expect(kept[key]).toBe(normalized[key])
    }
    const flat = kept.flat()
    expect(flat).toEqual(normalized)
    expect(Object.keys(flat)).toEqual(Object.keys(normalized))
    expect(JSON.stringify({ ...flat, codec: null })).toBe(JSON.stringify({ ...normalized, codec: null }))
    expect(Object.isFrozen(flat)).toBe(true)
    // Its subscriptions are a list of its own: changing it changes nothing the node keeps.
    flat.subscriptions.push('C')
    expect(kept.subscriptions).toEqual(['A', 'B'])
  })

  it('nodes with equal options share what is not their own (id, key, name)', () => {
    const a = new ChaskiNode({ secure: false, run: false, subscriptions: ['A'], name: 'a' })
    const b = new ChaskiNode({ secure: false, run: false, subscriptions: ['A'], name: 'b' })
    const c = new ChaskiNode({ secure: false, run: false, subscriptions: ['A'], name: 'c', ttl: 3 })
    expect(a.options).toEqual({ ...b.options, id: a.id, name: 'a' })
    expect(c.options.ttl).toBe(3)
    expect(b.options.ttl).toBe(64)
    expect(a.options.name).toBe('a')
    expect(b.options.id).toBe(b.id)
    expect(a.options.adverts).toEqual(b.options.adverts)
    expect(() => {
      ;(a.options.adverts as { ttl: number }).ttl = 1
    }).toThrow(TypeError)
  })

  it('setLan changes one node’s lan, not that of a node it shares its options with', async () => {
    const a = new ChaskiNode({ secure: false, run: false })
    const b = new ChaskiNode({ secure: false, run: false })
    await a.setLan({ autoConnect: false })
    expect(a.options.lan).toEqual({ autoConnect: false })
    expect(b.options.lan).toBe(false)
    await Promise.all([a.stop(), b.stop()])
  })

  it('a subscribe or unsubscribe changes that node’s topics only, though like nodes start with one set', () => {
    const a = new ChaskiNode({ secure: false, run: false, subscriptions: ['A'] })
    const b = new ChaskiNode({ secure: false, run: false, subscriptions: ['A'] })
    const root = new ChaskiNode({ secure: false, run: false, subscriptions: ['A'], root: true })
    const before = b.subscriptions
    a.subscribe('B')
    expect([...a.subscriptions]).toEqual(['A', 'B'])
    expect([...b.subscriptions]).toEqual(['A'])
    expect([...before]).toEqual(['A'])
    expect([...root.subscriptions]).toEqual(['A', '@'])
    b.unsubscribe('A')
    expect([...b.subscriptions]).toEqual([])
    expect([...a.subscriptions]).toEqual(['A', 'B'])
    expect(a.options.subscriptions).toEqual(['A'])
    expect(a.status.paired).toEqual({ A: false, B: false })
  })
})
