import { describe, expect, it } from 'vitest'
import { addressKey, dialableIp, formatAddress, parseAddress } from '../../../src/main/chaski/address'

describe('parseAddress', () => {
  it.each([
    ['127.0.0.1:8511', { ip: '127.0.0.1', port: 8511 }],
    ['Node1@127.0.0.1:65432', { ip: '127.0.0.1', port: 65432, name: 'Node1' }],
    ['*Node1@127.0.0.1:65432', { ip: '127.0.0.1', port: 65432, name: 'Node1' }],
    ['*127.0.0.1:1', { ip: '127.0.0.1', port: 1 }],
    ['[::1]:8511', { ip: '::1', port: 8511 }],
    ['Six@[::1]:80', { ip: '::1', port: 80, name: 'Six' }],
    ['[FE80::1]:80', { ip: 'fe80::1', port: 80 }],
    ['ChaskiNode@127.0.0.1:9', { ip: '127.0.0.1', port: 9, name: 'ChaskiNode' }]
  ])('%s', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected)
  })

  it('accepts (ip, port)', () => {
    expect(parseAddress('::1', 5)).toEqual({ ip: '::1', port: 5 })
    expect(parseAddress('[::1]', 5)).toEqual({ ip: '::1', port: 5 })
  })

  it.each([
    '',
    'localhost:80',
    '127.0.0.1',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    '::1:80',
    '[::1]80',
    '1.2.3.4:8x',
    '999.1.1.1:80'
  ])('rejects %j with InvalidAddressError', (text) => {
    expect(() => parseAddress(text)).toThrow(expect.objectContaining({ name: 'InvalidAddressError' }))
  })

  it('rejects a bad (ip, port)', () => {
    expect(() => parseAddress('127.0.0.1', 0)).toThrow(
      expect.objectContaining({ name: 'InvalidAddressError' })
    )
    expect(() => parseAddress('nope', 80)).toThrow(expect.objectContaining({ name: 'InvalidAddressError' }))
  })
})

describe('formatting and keys', () => {
  it('formats IPv6 with brackets', () => {
    expect(formatAddress('::1', 80)).toBe('[::1]:80')
    expect(formatAddress('127.0.0.1', 80)).toBe('127.0.0.1:80')
  })

  it('normalises mapped IPv4 and case in keys', () => {
    expect(addressKey('::ffff:127.0.0.1', 1)).toBe(addressKey('127.0.0.1', 1))
    expect(addressKey('FE80::1', 1)).toBe(addressKey('fe80::1', 1))
  })

  it('dials loopback for unspecified addresses', () => {
    expect(dialableIp('0.0.0.0')).toBe('127.0.0.1')
    expect(dialableIp('::')).toBe('::1')
    expect(dialableIp('10.0.0.1')).toBe('10.0.0.1')
  })
})
