import { describe, expect, it } from 'vitest'
import type { Beacon } from '../../../../src/main/chaski/lan/beacon-codec'
import { LanPeerTable } from '../../../../src/main/chaski/lan/peer-table'
import type { Sighting } from '../../../../src/main/chaski/lan/peer-table'

let seq = 0
function beacon(overrides: Partial<Beacon> = {}): Beacon {
  return {
    kind: 'announce',
    v: 1,
    id: 'peer-1',
    name: 'One',
    ip: '0.0.0.0',
    port: 9001,
    subscriptions: ['A'],
    paired: false,
    root: false,
    intervalMs: 1000,
    seq: ++seq,
    truncated: false,
    ...overrides
  }
}
function sighting(overrides: Partial<Sighting> = {}): Sighting {
  return {
    ip: '10.0.0.5',
    interface: 'eth0',
    source: '10.0.0.5:40000',
    sourceHost: '10.0.0.5',
    connected: false,
    nowMs: 0,
    nowEpoch: 1_700_000_000_000,
    ...overrides
  }
}

describe('LanPeerTable', () => {
  it('adds a peer once and refreshes it without reporting a change', () => {
    const table = new LanPeerTable(10)
    expect(table.upsert(beacon(), sighting()).kind).toBe('seen')
    const again = table.upsert(beacon(), sighting({ nowMs: 900, nowEpoch: 1_700_000_000_900 }))
    expect(again.kind).toBe('refreshed')
    const peer = table.view.get('peer-1')!
    expect(peer).toMatchObject({
      address: '10.0.0.5:9001',
      firstSeen: 1_700_000_000_000,
      lastSeen: 1_700_000_000_900
    })
    expect(Object.isFrozen(peer)).toBe(true)
  })

  it('updates in place on new subscriptions or a restart on another port, listing what changed', () => {
    const table = new LanPeerTable(10)
    table.upsert(beacon(), sighting())
    const subs = table.upsert(beacon({ subscriptions: ['A', 'B'] }), sighting())
    expect(subs).toMatchObject({ kind: 'updated', changes: ['subscriptions'] })
    const restarted = table.upsert(
      beacon({ port: 9555, subscriptions: ['A', 'B'] }),
      sighting({ source: '10.0.0.5:41000' })
    )
    expect(restarted).toMatchObject({ kind: 'updated', changes: ['port'] })
    expect(table.size).toBe(1)
    expect(table.get('peer-1')?.address).toBe('10.0.0.5:9555')
  })

  it('ignores a reordered older beacon from the same sender socket', () => {
    const table = new LanPeerTable(10)
    table.upsert(beacon({ seq: 100, subscriptions: ['A', 'B'] }), sighting())
    expect(table.upsert(beacon({ seq: 99, subscriptions: ['A'] }), sighting()).kind).toBe('stale')
    expect(table.get('peer-1')?.subscriptions).toEqual(['A', 'B'])
    // Sequence numbers wrap.
    const wrapping = new LanPeerTable(10)
    wrapping.upsert(beacon({ seq: 0xfffffff0 }), sighting())
    expect(wrapping.upsert(beacon({ seq: 1 }), sighting()).kind).toBe('refreshed')
  })

  it('keeps one entry and a stable route when heard on two interfaces of the same LAN', () => {
    const table = new LanPeerTable(10)
    table.upsert(beacon(), sighting())
    const other = {
      ip: '192.168.1.5',
      interface: 'wlan0',
      source: '192.168.1.5:40001',
      sourceHost: '192.168.1.5'
    }
    // The second route is ignored while the first sender is alive (a forged announce could not take over either).
    expect(table.upsert(beacon(), sighting({ ...other, nowMs: 10 })).kind).toBe('ignored')
    expect(table.get('peer-1')).toMatchObject({ ip: '10.0.0.5', interface: 'eth0' })
    // eth0 goes quiet for longer than 1.5 intervals: switch to the route that still works.
    const switched = table.upsert(beacon(), sighting({ ...other, nowMs: 2000 }))
    expect(switched).toMatchObject({ kind: 'updated' })
    expect(table.get('peer-1')).toMatchObject({ ip: '192.168.1.5', interface: 'wlan0' })
    expect(table.size).toBe(1)
  })

  it('expires a peer after 2.8 of its own intervals (under 3 s at the default 1 s)', () => {
    const table = new LanPeerTable(10)
    table.upsert(beacon({ id: 'slow', intervalMs: 5000 }), sighting())
    table.upsert(beacon({ id: 'fast', intervalMs: 200 }), sighting({ source: 'x' }))
    table.upsert(beacon({ id: 'default', intervalMs: 1000 }), sighting({ source: 'y' }))
    expect(table.nextDeadline()).toBe(560)
    expect(table.expired(559)).toEqual([])
    expect(table.expired(560)).toEqual(['fast'])
    expect(table.expired(2800)).toEqual(['fast', 'default'])
    expect(table.expired(14_000)).toEqual(['slow', 'fast', 'default'])
  })

  it('refuses newcomers when full and keeps the peers it has', () => {
    const table = new LanPeerTable(3)
    for (let i = 0; i < 3; i++) table.upsert(beacon({ id: `p${i}` }), sighting())
    expect(table.upsert(beacon({ id: 'p9' }), sighting()).kind).toBe('full')
    expect(table.upsert(beacon({ id: 'p0', name: 'renamed' }), sighting()).kind).toBe('updated')
    expect([...table.view.keys()]).toEqual(['p0', 'p1', 'p2'])
  })

  it('holds at most its quota of peers per sending host, and lists newcomers from other hosts', () => {
    const table = new LanPeerTable(10, 3)
    const flooder = { sourceHost: '10.0.0.66', source: '10.0.0.66:5000' }
    for (let i = 0; i < 5; i++) table.upsert(beacon({ id: `fake${i}` }), sighting(flooder))
    expect(table.upsert(beacon({ id: 'fake9' }), sighting(flooder)).kind).toBe('quota')
    expect(table.size).toBe(3)
    expect(table.upsert(beacon({ id: 'real' }), sighting()).kind).toBe('seen')
  })

  it('when full, makes room from the host holding the most peers, never a peer with an edge', () => {
    const table = new LanPeerTable(4)
    const flooder = (nowMs: number) => sighting({ sourceHost: '10.0.0.66', source: '10.0.0.66:5000', nowMs })
    for (let i = 0; i < 4; i++) table.upsert(beacon({ id: `fake${i}` }), flooder(i))
    table.setConnected('fake0', true)
    const real = table.upsert(beacon({ id: 'real' }), sighting({ nowMs: 10 }))
    expect(real).toMatchObject({ kind: 'seen', evicted: { id: 'fake1' } })
    expect(table.get('fake0')).toBeDefined()
    // Fair now (3 against 1): the flooder cannot take the newcomer's place back, nor grow.
    expect(table.upsert(beacon({ id: 'fake8' }), flooder(11)).kind).toBe('full')
    expect(table.get('real')).toBeDefined()
  })

  it('ignores an announce of a known id from another host while its own sender is alive', () => {
    const table = new LanPeerTable(10)
    table.upsert(beacon({ port: 9001 }), sighting())
    const forged = sighting({
      sourceHost: '10.0.0.66',
      source: '10.0.0.66:5000',
      ip: '10.0.0.66',
      nowMs: 100
    })
    expect(table.upsert(beacon({ port: 2224 }), forged).kind).toBe('ignored')
    expect(table.sourceOf('peer-1')).toBe('10.0.0.5:40000')
    expect(table.get('peer-1')?.port).toBe(9001)
  })

  it('tracks the connected flag and removals', () => {
    const table = new LanPeerTable(3)
    table.upsert(beacon(), sighting())
    expect(table.setConnected('peer-1', false)).toBeUndefined()
    expect(table.setConnected('peer-1', true)?.connected).toBe(true)
    expect(table.reachedThrough('eth0')).toEqual(['peer-1'])
    expect(table.remove('peer-1')?.id).toBe('peer-1')
    expect(table.view.size).toBe(0)
  })
})
