import { describe, expect, it } from 'vitest'
import { ChaskiNode } from '../../../src/main/chaski/index'
import { normalizeOptions, type ChaskiNodeOptions } from '../../../src/main/chaski/options'

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
