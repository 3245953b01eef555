import { isIP } from 'node:net'
import { describe, expect, it, test } from 'vitest'
import { parseAddress } from '../../../src/main/chaski/address'
import {
  formatAddressText,
  ipVersion,
  isHostName,
  isLoopbackIp,
  isUnspecifiedIp,
  parseAddressText,
  parseHostAddressText
} from '../../../src/shared/address-text'

const IPS = [
  '1.2.3.4',
  '0.0.0.0',
  '255.255.255.255',
  '01.2.3.4',
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '::',
  '::1',
  'FE80::A',
  'fe80::1%eth0',
  'fe80::1%',
  'fe80::1%25',
  'fe80::%lo',
  '::ffff:1.2.3.4',
  '::1.2.3.4',
  '::ffff:0:1.2.3.4',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7::',
  '::1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7::8',
  '1:2:3:4:5:6:1.2.3.4',
  '1:2:3:4:5:6:7:1.2.3.4',
  '1:2:3:4:5:6::1.2.3.4',
  '1::2::3',
  ':1::',
  '1:',
  '00000::1',
  '0::1',
  'g::1',
  '1.2.3.4::',
  'localhost',
  ''
]

describe('ipVersion', () => {
  test.each(IPS)('%j agrees with node:net isIP', (text) => {
    expect(ipVersion(text)).toBe(isIP(text))
  })
})

const ADDRESSES = [
  '127.0.0.1:8511',
  ' 127.0.0.1:8511 ',
  '*127.0.0.1:8511',
  'Desk@127.0.0.1:8511',
  '*Desk@10.0.0.2:1',
  'a@b@127.0.0.1:9',
  '@127.0.0.1:9',
  '[::1]:8511',
  'Name@[fe80::1%eth0]:65535',
  '[::ffff:1.2.3.4]:80',
  '[FE80::A]:80',
  '::1:8511',
  '[::1]8511',
  '[::1:8511',
  '127.0.0.1',
  '127.0.0.1:',
  '127.0.0.1:0',
  '127.0.0.1:65536',
  '127.0.0.1:123456',
  '127.0.0.1:80a',
  '127.0.0.1:-1',
  'localhost:8511',
  '300.1.1.1:80',
  'Name@',
  ''
]

describe('parseAddressText', () => {
  test.each(ADDRESSES)('%j is accepted exactly when the library accepts it, with the same result', (text) => {
    let expected: ReturnType<typeof parseAddress> | null
    try {
      expected = parseAddress(text)
    } catch {
      expected = null
    }
    const parsed = parseAddressText(text)
    if (expected === null) {
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(5)
    } else {
      expect(parsed).toEqual({ ok: true, address: expected })
    }
  })

  test('messages say what to fix', () => {
    expect(parseAddressText('')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/127\.0\.0\.1:8511/)
    })
    expect(parseAddressText('::1:8511')).toMatchObject({ message: expect.stringMatching(/need brackets/) })
    expect(parseAddressText('host:1')).toMatchObject({ message: expect.stringMatching(/not an IPv4\/IPv6/) })
    expect(parseAddressText('1.2.3.4:70000')).toMatchObject({
      message: expect.stringMatching(/out of range/)
    })
    expect(parseAddressText('1.2.3.4')).toMatchObject({
      message: expect.stringMatching(/expected 'ip:port'/)
    })
    expect(parseAddressText(`1.2.3.4:1${' '.repeat(400)}`)).toMatchObject({
      message: expect.stringMatching(/300/)
    })
  })

  test('formatAddressText brackets IPv6 only', () => {
    expect(formatAddressText('127.0.0.1', 8511)).toBe('127.0.0.1:8511')
    expect(formatAddressText('::1', 8511)).toBe('[::1]:8511')
  })
})

describe('parseHostAddressText (the connect box)', () => {
  test('takes host names, with a Name@ prefix too, and says which part is a name', () => {
    expect(parseHostAddressText('localhost:18611')).toEqual({
      ok: true,
      address: { host: 'localhost', port: 18611, isHostName: true }
    })
    expect(parseHostAddressText(' Hub@hub-1.lan.:8511 ')).toEqual({
      ok: true,
      address: { host: 'hub-1.lan.', port: 8511, name: 'Hub', isHostName: true }
    })
    expect(parseHostAddressText('my_box:1')).toMatchObject({ ok: true, address: { host: 'my_box' } })
  })

  test('IP literals parse exactly as parseAddressText does, marked as not names', () => {
    expect(parseHostAddressText('ümlaut@[::FFFF:127.0.0.1]:1861')).toEqual({
      ok: true,
      address: { host: '127.0.0.1', port: 1861, name: 'ümlaut', isHostName: false }
    })
  })

  test('refuses what is neither an IP address nor a host name, and bad ports, in words', () => {
    const message = (text: string) => {
      const parsed = parseHostAddressText(text)
      return parsed.ok ? null : parsed.message
    }
    expect(message('1.2.3:8511')).toBe("not an IP address or host name: '1.2.3'")
    expect(message('-bad-:8511')).toBe("not an IP address or host name: '-bad-'")
    expect(message('two words:8511')).toBe("not an IP address or host name: 'two words'")
    expect(message('a..b:1')).toBe("not an IP address or host name: 'a..b'")
    expect(message(`${'a'.repeat(64)}:1`)).toMatch(/not an IP address or host name/)
    expect(message('localhost:0')).toBe('port 0 is out of range (1–65535)')
    expect(message('localhost')).toBe("expected 'ip:port', got 'localhost'")
  })

  test('the library grammar still refuses host names', () => {
    expect(parseAddressText('localhost:8511')).toEqual({
      ok: false,
      message: "not an IPv4/IPv6 address: 'localhost'"
    })
    expect(isHostName('localhost')).toBe(true)
    expect(isHostName('127.0.0.1')).toBe(false)
  })
})

describe('address rules shared by library, host and UI', () => {
  it('knows the unspecified address in every spelling, and nothing else', () => {
    for (const ip of ['0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0', '0::0', '::ffff:0.0.0.0'])
      expect(isUnspecifiedIp(ip), ip).toBe(true)
    for (const ip of ['127.0.0.1', '::1', '0.0.0.1', '1::', 'fe80::'])
      expect(isUnspecifiedIp(ip), ip).toBe(false)
  })

  it('knows loopback addresses', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
      expect(isLoopbackIp(ip), ip).toBe(true)
    for (const ip of ['128.0.0.1', '::2', '1::1', '0.0.0.0', '::', '10.0.0.1'])
      expect(isLoopbackIp(ip), ip).toBe(false)
  })
})
