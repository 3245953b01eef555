import { describe, expect, test } from 'vitest'
import { LanDeviceList } from '../../../src/main/host/lan-devices'
import type { LanPeerSnapshot } from '../../../src/shared/snapshots'

function peer(id: string, lastSeen: number, patch: Partial<LanPeerSnapshot> = {}): LanPeerSnapshot {
  return {
    id,
    name: id,
    ip: '127.0.0.1',
    port: 9000 + lastSeen,
    address: `127.0.0.1:${9000 + lastSeen}`,
    subscriptions: [],
    paired: false,
    firstSeen: 0,
    lastSeen,
    interface: 'lo',
    connected: false,
    online: true,
    ...patch
  }
}

describe('LanDeviceList', () => {
  test('a device heard once stays listed offline, with when it was last heard, until forgotten', () => {
    const list = new LanDeviceList()
    list.update([peer('a', 1, { connected: true }), peer('b', 2)])
    list.update([peer('b', 3)])
    expect(list.list()).toEqual([peer('b', 3), { ...peer('a', 1), online: false, connected: false }])
    expect(list.forget('b')).toBe(false) // online: it would come back at once
    expect(list.forget('a')).toBe(true)
    expect(list.list().map((d) => d.id)).toEqual(['b'])
    list.update([])
    expect(list.list()).toEqual([{ ...peer('b', 3), online: false }])
  })

  test('a node restarted with a new id at the same address replaces its offline entry', () => {
    const list = new LanDeviceList()
    list.update([peer('old', 1, { address: '127.0.0.1:8511' })])
    list.update([])
    list.update([peer('new', 2, { address: '127.0.0.1:8511' })])
    expect(list.list().map((d) => d.id)).toEqual(['new'])
  })

  test('bounded: beyond its capacity the device heard longest ago goes first, online ones last', () => {
    const list = new LanDeviceList(3)
    list.update([peer('a', 1), peer('b', 2), peer('c', 3)])
    list.update([peer('d', 4)])
    expect(list.list().map((d) => d.id)).toEqual(['d', 'c', 'b'])
    list.update([peer('d', 5), peer('e', 6), peer('f', 7), peer('g', 8)])
    expect(list.entries()).toHaveLength(3)
    expect(list.list().every((d) => d.online)).toBe(true)
  })

  test('entries() round-trips through the constructor as offline devices (ready to be saved)', () => {
    const list = new LanDeviceList()
    list.update([peer('a', 1)])
    const restored = new LanDeviceList(10, list.entries())
    expect(restored.list()).toEqual([{ ...peer('a', 1), online: false }])
  })
})
