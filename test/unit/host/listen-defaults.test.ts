import type { NetworkInterfaceInfo } from 'node:os'
import { describe, expect, test } from 'vitest'
import { defaultListenIp } from '../../../src/main/host/listen-defaults'
import { reachableAddresses } from '../../../src/main/host/reachable-addresses'

const info = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
  ({
    address,
    family,
    internal,
    netmask: family === 'IPv4' ? '255.255.255.0' : 'ffff::',
    mac: '00:00:00:00:00:00',
    cidr: `${address}/24`
  }) as NetworkInterfaceInfo
const machine = {
  lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
  eth0: [info('192.168.1.5', 'IPv4'), info('fe80::1', 'IPv6'), info('2001:db8::5', 'IPv6')],
  wlan0: [info('10.0.0.7', 'IPv4')]
}

describe('where new nodes listen', () => {
  test('every interface; the LAN cap narrows it (one address: that address; none: loopback)', () => {
    expect(defaultListenIp({}, machine)).toBe('0.0.0.0')
    expect(defaultListenIp({ CHASKI_LAN_INTERFACES: '127.0.0.1' }, machine)).toBe('127.0.0.1')
    expect(defaultListenIp({ CHASKI_LAN_INTERFACES: 'eth0,wlan0' }, machine)).toBe('0.0.0.0')
    expect(defaultListenIp({ CHASKI_LAN_INTERFACES: 'none' }, machine)).toBe('127.0.0.1')
  })
})

describe('where a node can be reached', () => {
  test('0.0.0.0: every IPv4 address, loopback marked and last', () => {
    expect(reachableAddresses('0.0.0.0', 8511, machine)).toEqual([
      { address: '192.168.1.5:8511', ip: '192.168.1.5', interface: 'eth0', family: 4, loopback: false },
      { address: '10.0.0.7:8511', ip: '10.0.0.7', interface: 'wlan0', family: 4, loopback: false },
      { address: '127.0.0.1:8511', ip: '127.0.0.1', interface: 'lo', family: 4, loopback: true }
    ])
  })

  test(':: takes IPv4 peers too (dual stack); link-local IPv6 is left out (it needs a zone)', () => {
    expect(reachableAddresses('::', 8511, machine).map((a) => a.address)).toEqual([
      '192.168.1.5:8511',
      '10.0.0.7:8511',
      '[2001:db8::5]:8511',
      '127.0.0.1:8511',
      '[::1]:8511'
    ])
  })

  test('a node on one address is reached there only', () => {
    expect(reachableAddresses('192.168.1.5', 9, machine)).toEqual([
      { address: '192.168.1.5:9', ip: '192.168.1.5', interface: 'eth0', family: 4, loopback: false }
    ])
  })
})
