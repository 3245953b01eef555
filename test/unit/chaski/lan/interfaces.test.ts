import type { NetworkInterfaceInfo } from 'node:os'
import { describe, expect, it } from 'vitest'
import {
  interfaceForSource,
  parseLanInterfacesCap,
  resolveLanInterfaces,
  unmatchedInterfaceTokens
} from '../../../../src/main/chaski/lan/interfaces'
import type { NetworkInterfaceMap } from '../../../../src/main/chaski/lan/interfaces'

function v4(address: string, prefix: number, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: '',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: `${address}/${prefix}`
  }
}
function v6(address: string, prefix: number, scopeid: number, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: '',
    family: 'IPv6',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: `${address}/${prefix}`,
    scopeid
  }
}

// A laptop: loopback, wired LAN with IPv4 + global and link-local IPv6, Wi-Fi with IPv4 only.
const host: NetworkInterfaceMap = {
  lo: [v4('127.0.0.1', 8, true), v6('::1', 128, 0, true)],
  eth0: [v4('192.168.1.20', 24), v6('2001:db8::20', 64, 0), v6('fe80::20', 64, 2)],
  wlan0: [v4('10.0.0.7', 16)]
}
const keys = (list: { key: string }[]): string[] => list.map((item) => item.key)

describe('parseLanInterfacesCap', () => {
  it('reads no cap, none, and a comma-separated list', () => {
    expect(parseLanInterfacesCap({})).toBeNull()
    expect(parseLanInterfacesCap({ CHASKI_LAN_INTERFACES: ' ' })).toBeNull()
    expect(parseLanInterfacesCap({ CHASKI_LAN_INTERFACES: 'None' })).toEqual([])
    expect(parseLanInterfacesCap({ CHASKI_LAN_INTERFACES: 'eth0, 127.0.0.1,,' })).toEqual([
      'eth0',
      '127.0.0.1'
    ])
  })
})

describe('resolveLanInterfaces', () => {
  it('defaults to every non-internal interface, IPv6 once per interface from its link-local address', () => {
    const list = resolveLanInterfaces(undefined, {}, host)
    expect(keys(list)).toEqual(['eth0/192.168.1.20', 'eth0/fe80::20', 'wlan0/10.0.0.7'])
    expect(list[1]).toMatchObject({ family: 6, scopeId: 2, name: 'eth0' })
  })

  it('takes names and addresses, including internal ones named explicitly', () => {
    expect(keys(resolveLanInterfaces(['wlan0', '127.0.0.1'], {}, host))).toEqual([
      'lo/127.0.0.1',
      'wlan0/10.0.0.7'
    ])
    expect(keys(resolveLanInterfaces(['2001:db8::20'], {}, host))).toEqual(['eth0/fe80::20'])
    expect(keys(resolveLanInterfaces(['fe80::20%eth0'], {}, host))).toEqual(['eth0/fe80::20'])
  })

  it('lets the env cap win over the request, and enables loopback when the cap names it', () => {
    const cap = { CHASKI_LAN_INTERFACES: '127.0.0.1' }
    expect(keys(resolveLanInterfaces(undefined, cap, host))).toEqual(['lo/127.0.0.1'])
    expect(keys(resolveLanInterfaces(['eth0', 'wlan0'], cap, host))).toEqual([])
    expect(keys(resolveLanInterfaces(['eth0'], { CHASKI_LAN_INTERFACES: 'eth0,wlan0' }, host))).toEqual([
      'eth0/192.168.1.20',
      'eth0/fe80::20'
    ])
    expect(resolveLanInterfaces(['127.0.0.1'], { CHASKI_LAN_INTERFACES: 'none' }, host)).toEqual([])
  })

  it('a cap naming an address that does not exist here allows nothing', () => {
    expect(resolveLanInterfaces(undefined, { CHASKI_LAN_INTERFACES: '10.231.0.2' }, host)).toEqual([])
  })

  it('reports request tokens that match nothing', () => {
    expect(unmatchedInterfaceTokens(['eth0', 'tun9', '10.9.9.9'], host)).toEqual(['tun9', '10.9.9.9'])
  })
})

describe('interfaceForSource', () => {
  const list = resolveLanInterfaces(['lo', 'eth0', 'wlan0'], {}, host)
  it('attributes a source address to the interface whose subnet holds it', () => {
    expect(interfaceForSource('192.168.1.99', list)?.name).toBe('eth0')
    expect(interfaceForSource('10.0.200.1', list)?.name).toBe('wlan0')
    expect(interfaceForSource('127.0.0.1', list)?.name).toBe('lo')
    expect(interfaceForSource('fe80::99', list)?.name).toBe('eth0')
    expect(interfaceForSource('172.16.0.1', list)).toBeUndefined()
    // A scoped link-local source names its interface (every interface has fe80::/64).
    const twoLinks = resolveLanInterfaces(undefined, {}, { ...host, eth1: [v6('fe80::30', 64, 3)] })
    expect(interfaceForSource('fe80::99%eth1', twoLinks)?.name).toBe('eth1')
    expect(interfaceForSource('fe80::99%3', twoLinks)?.name).toBe('eth1')
    expect(interfaceForSource('not an ip', list)).toBeUndefined()
  })
})
