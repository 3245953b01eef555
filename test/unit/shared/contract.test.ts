import { describe, expect, test } from 'vitest'
import { ARGUMENTS, parseArguments } from '../../../src/shared/contract'
import { METHOD_NAMES, channelFor, isMethodName } from '../../../src/shared/methods'

describe('contract', () => {
  test('every method has an argument schema and a channel under the app prefix', () => {
    expect(Object.keys(ARGUMENTS).sort()).toEqual([...METHOD_NAMES].sort())
    for (const m of METHOD_NAMES) expect(channelFor(m)).toBe(`chaski:invoke:${m}`)
    expect(isMethodName('constructor')).toBe(false)
    expect(isMethodName('__proto__')).toBe(false)
  })

  test('good arguments pass, trimmed', () => {
    expect(parseArguments('renameNode', ['n1', '  Desk  '])).toEqual({ ok: true, args: ['n1', 'Desk'] })
    expect(parseArguments('connect', ['n1', { kind: 'address', address: ' 127.0.0.1:8511 ' }])).toEqual({
      ok: true,
      args: ['n1', { kind: 'address', address: '127.0.0.1:8511' }]
    })
    expect(parseArguments('createNode', [{ name: 'A', port: 0, lan: { enabled: false } }]).ok).toBe(true)
  })

  test.each([
    ['renameNode', ['n1'], /renameNode/],
    ['renameNode', ['n1', 42], /name must be text/],
    ['renameNode', ['n1', ''], /name must not be empty/],
    ['renameNode', ['n1', 'x', 'extra'], /renameNode/],
    ['createNode', [{ port: 70000 }], /0\.port: port must be at most 65535/],
    ['createNode', [{ port: 1.5 }], /whole number/],
    ['createNode', [{ ttl: -1 }], /ttl must be at least 0/],
    ['createNode', [{ evil: true }], /evil/],
    ['createNode', [{ subscriptions: ['All'] }], /reserved/],
    ['connect', ['n1', { kind: 'address' }], /address/],
    ['connect', ['n1', { kind: 'teleport', to: 'x' }], /kind/],
    ['discovery', ['n1', { onPair: 'explode', timeoutMs: 1000 }], /onPair must be 'none' or 'disconnect'/],
    ['publish', ['n1', 'A', 'x'.repeat(70_000)], /too long/],
    ['getState', 'not a list', /getState/]
  ] as const)('%s(%j) is refused with a message naming the problem', (method, args, message) => {
    const result = parseArguments(method, args)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(message)
  })
})
