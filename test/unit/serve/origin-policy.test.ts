// Which Host and Origin headers `chaski serve` accepts, per bind address (DNS-rebinding defence).
import { describe, expect, test } from 'vitest'
import { createOriginPolicy } from '../../../src/main/serve/origin-policy'

describe('createOriginPolicy', () => {
  test('bound to 127.0.0.1: that address or localhost, with the port', () => {
    const policy = createOriginPolicy('127.0.0.1', 8520)
    for (const host of ['127.0.0.1:8520', 'localhost:8520', 'LocalHost:8520'])
      expect(policy.hostAllowed(host), host).toBe(true)
    for (const host of [
      undefined,
      '',
      '127.0.0.1',
      '127.0.0.1:8521',
      '[::1]:8520',
      '127.0.0.2:8520',
      'evil.example:8520',
      '127.0.0.1.nip.io:8520',
      'localhost:8520:1',
      '127.0.0.1:8520@evil'
    ])
      expect(policy.hostAllowed(host), String(host)).toBe(false)
  })

  test('bound to ::1: [::1] in any spelling, or localhost', () => {
    const policy = createOriginPolicy('::1', 9000)
    for (const host of ['[::1]:9000', '[0:0:0:0:0:0:0:1]:9000', 'localhost:9000'])
      expect(policy.hostAllowed(host), host).toBe(true)
    for (const host of ['127.0.0.1:9000', '::1:9000', '[::1]'])
      expect(policy.hostAllowed(host), host).toBe(false)
  })

  test('bound to a LAN address: only that address (no localhost: it is not served there)', () => {
    const policy = createOriginPolicy('192.0.2.7', 8520)
    expect(policy.hostAllowed('192.0.2.7:8520')).toBe(true)
    expect(policy.hostAllowed('localhost:8520')).toBe(false)
    expect(policy.hostAllowed('127.0.0.1:8520')).toBe(false)
  })

  test('bound to every interface: this machine’s addresses and localhost, never a DNS name', () => {
    const policy = createOriginPolicy('0.0.0.0', 8520)
    expect(policy.hostAllowed('127.0.0.1:8520')).toBe(true) // loopback is an interface address
    expect(policy.hostAllowed('localhost:8520')).toBe(true)
    expect(policy.hostAllowed('0.0.0.0:8520')).toBe(true) // the printed URL
    expect(policy.hostAllowed('192.0.2.200:8520')).toBe(false) // TEST-NET: not an address of this machine
    expect(policy.hostAllowed('myhost.example:8520')).toBe(false)
  })

  test('port 80 may be left out, as browsers do', () => {
    expect(createOriginPolicy('127.0.0.1', 80).hostAllowed('127.0.0.1')).toBe(true)
    expect(createOriginPolicy('127.0.0.1', 80).hostAllowed('127.0.0.1:80')).toBe(true)
  })

  test("Origin must be the dashboard's own origin for the Host it asked", () => {
    const policy = createOriginPolicy('127.0.0.1', 8520)
    expect(policy.originAllowed('http://127.0.0.1:8520', '127.0.0.1:8520')).toBe(true)
    expect(policy.originAllowed('http://localhost:8520', 'localhost:8520')).toBe(true)
    expect(policy.originAllowed('http://localhost:8520', '127.0.0.1:8520')).toBe(false)
    expect(policy.originAllowed('http://127.0.0.1:3000', '127.0.0.1:8520')).toBe(false)
    expect(policy.originAllowed('https://127.0.0.1:8520', '127.0.0.1:8520')).toBe(false)
    expect(policy.originAllowed('null', '127.0.0.1:8520')).toBe(false)
    expect(policy.originAllowed(undefined, '127.0.0.1:8520')).toBe(false)
    expect(policy.originAllowed('http://evil.example:8520', 'evil.example:8520')).toBe(false)
  })
})
