import { describe, expect, test } from 'vitest'
import {
  compareLatency,
  compareState,
  matchesPeerQuery,
  peerRows,
  reconnectablePeers
} from '../../../src/renderer/src/composables/peer-rows'
import { addressSuggestions } from '../../../src/renderer/src/composables/address-suggestions'
import { edge, node } from './fixtures'

describe('peers table rows', () => {
  test('shared topics are those the local node subscribes to', () => {
    const n = node({ id: 'me', edges: [edge({ peerId: 'p', subscriptions: ['news', 'weather'] })] }, [
      'news',
      'A'
    ])
    expect(peerRows(n)[0]!.sharedTopics).toEqual(['news'])
  })

  test('the filter matches every word in name, address or topics', () => {
    const row = edge({ peerId: 'p', name: 'Desk', address: '10.0.0.2:8511', subscriptions: ['news'] })
    expect(matchesPeerQuery(row, '')).toBe(true)
    expect(matchesPeerQuery(row, 'desk')).toBe(true)
    expect(matchesPeerQuery(row, '10.0.0.2 NEWS')).toBe(true)
    expect(matchesPeerQuery(row, 'desk weather')).toBe(false)
  })

  test('peers sort by their median round trip, unmeasured last; states sort connected, reconnecting, gave up', () => {
    const trips = (medianMs: number) => ({
      count: 3,
      lastMs: medianMs,
      medianMs,
      p95Ms: medianMs,
      jitterMs: 0
    })
    const rows = [
      edge({ peerId: 'a', roundTrips: null }),
      edge({ peerId: 'b', roundTrips: trips(5), latencyMs: 0.1 }),
      edge({ peerId: 'c', roundTrips: trips(1), latencyMs: 9 })
    ]
    expect([...rows].sort(compareLatency).map((r) => r.peerId)).toEqual(['c', 'b', 'a'])
    const states = [
      edge({ peerId: 'g', state: 'gave-up', attempt: 32 }),
      edge({ peerId: 'r2', state: 'reconnecting', attempt: 2 }),
      edge({ peerId: 'c' }),
      edge({ peerId: 'r1', state: 'reconnecting', attempt: 1 })
    ]
    expect([...states].sort(compareState).map((r) => r.peerId)).toEqual(['c', 'r1', 'r2', 'g'])
  })

  test('recent peers offered for reconnection are those not linked now', () => {
    const n = node({
      id: 'me',
      edges: [edge({ peerId: 'live', address: '127.0.0.1:1' }), edge({ peerId: 'dead', state: 'gave-up' })],
      recentPeers: [
        { peerId: 'live', name: 'Live', address: '127.0.0.1:1', at: 1 },
        { peerId: 'dead', name: 'Dead', address: '127.0.0.1:2', at: 2 },
        { peerId: 'gone', name: 'Gone', address: '127.0.0.1:3', at: 3 }
      ]
    })
    expect(reconnectablePeers(n).map((p) => p.peerId)).toEqual(['dead', 'gone'])
  })

  test('recent addresses offered while typing', () => {
    const recent = ['127.0.0.1:8511', 'Desk@10.0.0.2:8511', '[::1]:9000']
    expect(addressSuggestions(recent, '')).toEqual(recent)
    expect(addressSuggestions(recent, 'desk')).toEqual(['Desk@10.0.0.2:8511'])
    expect(addressSuggestions(recent, '127.0.0.1:8511')).toEqual([])
  })
})
