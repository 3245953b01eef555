// The app's limits (src/shared/limits.ts) must fit inside the protocol library's own: a config the contract and the
// settings schema accept must also be one the library starts a node with.
import { describe, expect, test } from 'vitest'
import { normalizeOptions } from '../../../src/main/chaski/index'
import {
  MAX_ID_LENGTH,
  MAX_NAME_BYTES,
  MAX_SUBSCRIPTIONS,
  MAX_TOPIC_BYTES
} from '../../../src/main/chaski/constants'
import { LIMITS, RANGES, utf8Length } from '../../../src/shared/limits'
import { nodeDefaults } from '../../../src/shared/node-defaults'
import { parseArguments } from '../../../src/shared/contract'

describe('shared limits', () => {
  test('fit inside the wire limits of the library', () => {
    expect(LIMITS.topicBytes).toBeLessThanOrEqual(MAX_TOPIC_BYTES)
    expect(LIMITS.nameLength * 3).toBeLessThanOrEqual(MAX_NAME_BYTES) // 3 UTF-8 bytes per UTF-16 unit at most
    expect(LIMITS.idLength).toBeLessThanOrEqual(MAX_ID_LENGTH)
    expect(LIMITS.subscriptionsPerNode).toBeLessThanOrEqual(MAX_SUBSCRIPTIONS)
  })

  test.each(Object.entries(RANGES).filter(([name]) => name !== 'discoveryTimeoutMs'))(
    'the library accepts exactly the %s range the app uses (one range, no divergence)',
    (name, { min, max }) => {
      for (const value of [min, max])
        expect(() => normalizeOptions({ [name]: value, run: false })).not.toThrow()
      for (const value of [min - 1, max + 1])
        expect(() => normalizeOptions({ [name]: value, run: false }), `${name}: ${value}`).toThrow(
          new RegExp(`must be an integer in ${min}\\.\\.${max}`)
        )
    }
  )

  test("a new local node's defaults are the library's defaults", () => {
    const library = normalizeOptions({ run: false })
    const app = nodeDefaults()
    for (const name of ['ttl', 'maxConnections', 'reconnections', 'messagesPoolMaxSize'] as const)
      expect(app[name], name).toBe(library[name])
  })

  test('the longest name and a topic of the most bytes are accepted by the library', () => {
    const name = '😀'.repeat(LIMITS.nameLength / 2)
    const topic = 'é'.repeat(LIMITS.topicBytes / 2)
    expect(parseArguments('renameNode', ['id', name]).ok).toBe(true)
    expect(parseArguments('subscribe', ['id', [topic]]).ok).toBe(true)
    expect(() => normalizeOptions({ name, subscriptions: [topic], run: false })).not.toThrow()
  })

  test('utf8Length counts as UTF-8 does', () => {
    for (const text of ['', 'abc', 'é', '語', '😀', 'a😀é語', '\ud800', 'x\udc00y'])
      expect(utf8Length(text), JSON.stringify(text)).toBe(Buffer.byteLength(text, 'utf8'))
  })
})
