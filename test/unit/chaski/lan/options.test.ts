import { describe, expect, it } from 'vitest'
import { normalizeLanOptions } from '../../../../src/main/chaski/lan/options'
import type { LanOptions } from '../../../../src/main/chaski/lan/options'

describe('normalizeLanOptions', () => {
  it('is off unless asked for, and true means every default', () => {
    expect(normalizeLanOptions(undefined)).toBeNull()
    expect(normalizeLanOptions(false)).toBeNull()
    expect(normalizeLanOptions(true)).toEqual({
      interfaces: undefined,
      group: '239.255.85.11',
      group6: 'ff02::8511',
      port: 8510,
      intervalMs: 1000,
      autoConnect: true
    })
  })

  it('keeps valid choices', () => {
    const options = normalizeLanOptions({
      interfaces: [' eth0 '],
      group: '239.255.1.2',
      port: 40000,
      intervalMs: 250.4,
      autoConnect: false
    })
    expect(options).toMatchObject({
      interfaces: ['eth0'],
      group: '239.255.1.2',
      port: 40000,
      intervalMs: 250,
      autoConnect: false
    })
  })

  it.each<[string, LanOptions]>([
    ['a unicast group', { group: '10.0.0.1' }],
    ['a non-multicast IPv6 group', { group6: 'fe80::1' }],
    ['port 0', { port: 0 }],
    ['a port out of range', { port: 70000 }],
    ['a tiny interval', { intervalMs: 1 }],
    ['an empty interface name', { interfaces: [''] }],
    ['a non-boolean autoConnect', { autoConnect: 'yes' as unknown as boolean }]
  ])('rejects %s with LanOptionsError', (_label, options) => {
    expect(() => normalizeLanOptions(options)).toThrow(expect.objectContaining({ name: 'LanOptionsError' }))
  })
})
