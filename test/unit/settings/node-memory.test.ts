import { describe, expect, test } from 'vitest'
import { LIMITS } from '../../../src/shared/limits'
import {
  clip,
  emptyNodeMemory,
  fitNodeMemory,
  parseNodeMemory,
  type NodeMemory
} from '../../../src/main/settings/node-memory'
import type { LanPeerSnapshot } from '../../../src/shared/snapshots'

const device = (id: string, patch: Partial<LanPeerSnapshot> = {}): LanPeerSnapshot => ({
  id,
  name: id,
  ip: '127.0.0.1',
  port: 9000,
  address: '127.0.0.1:9000',
  subscriptions: ['T'],
  paired: false,
  firstSeen: 1,
  lastSeen: 2,
  interface: 'lo',
  connected: true,
  online: true,
  ...patch
})

describe('what a node remembers, as saved', () => {
  test('round trip: saved and read back the same, LAN devices offline', () => {
    const memory: NodeMemory = {
      knownPeers: [
        { address: 'localhost:8511', name: 'Hub', peerId: 'h', keep: true, addedAt: 1, lastSeenAt: 5 },
        { address: '127.0.0.1:9', name: null, peerId: null, keep: false, addedAt: 2, lastSeenAt: null }
      ],
      recentPeers: [{ peerId: 'x', name: 'X', address: '127.0.0.1:1', at: 3 }],
      lanDevices: [device('d')],
      trust: {
        trusted: [{ id: 't', name: 'T', address: '127.0.0.1:2', firstSeen: 1, lastSeen: 4 }],
        revoked: [{ id: 'r', name: 'R', at: 6 }]
      }
    }
    const saved = JSON.parse(JSON.stringify(fitNodeMemory(memory)))
    expect(parseNodeMemory(saved)).toEqual({
      ...memory,
      lanDevices: [device('d', { online: false, connected: false })]
    })
  })

  test('whatever a peer sent, what is saved fits the bounds and loads again', () => {
    const huge = '\u{1F600}'.repeat(500) // surrogate pairs: never cut in half
    const memory: NodeMemory = {
      knownPeers: [
        { address: 'a:1', name: huge, peerId: 'i'.repeat(200), keep: true, addedAt: 1.5, lastSeenAt: 2 }
      ],
      recentPeers: Array.from({ length: 50 }, (_, i) => ({
        peerId: `p${i}`,
        name: huge,
        address: 'a:1',
        at: i
      })),
      lanDevices: Array.from({ length: 300 }, (_, i) =>
        device(`d${i}`, {
          name: huge,
          subscriptions: Array.from({ length: 200 }, () => huge),
          interface: huge
        })
      ),
      trust: {
        trusted: Array.from({ length: 600 }, (_, i) => ({
          id: `t${i}`,
          name: huge,
          address: 'a:1',
          firstSeen: 1,
          lastSeen: 2.5
        })),
        revoked: Array.from({ length: 300 }, (_, i) => ({ id: `r${i}`, name: huge, at: 1 }))
      }
    }
    const fitted = fitNodeMemory(memory)
    expect(fitted.recentPeers).toHaveLength(LIMITS.recentPeersPerNode)
    expect(fitted.lanDevices).toHaveLength(LIMITS.lanDevicesPerNode)
    expect(fitted.knownPeers[0]!.name!.length).toBeLessThanOrEqual(LIMITS.peerNameLength)
    expect(fitted.knownPeers[0]!.name!.at(-1)).not.toMatch(/[\uD800-\uDBFF]/)
    const back = parseNodeMemory(JSON.parse(JSON.stringify(fitted)))
    expect(back.lanDevices).toHaveLength(LIMITS.lanDevicesPerNode)
    expect(back.knownPeers).toHaveLength(1)
    expect(back.trust.trusted).toHaveLength(LIMITS.trustedPeersPerNode)
    expect(back.trust.revoked).toHaveLength(LIMITS.revokedPeersPerNode)
    expect(clip('ab\u{1F600}', 3)).toBe('ab')
  })

  test('a broken entry costs that entry only; a broken memory is empty', () => {
    const raw = {
      knownPeers: [
        { address: '', name: null, peerId: null, keep: true, addedAt: 1, lastSeenAt: null },
        { address: 'ok:1', name: null, peerId: null, keep: true, addedAt: 1, lastSeenAt: null },
        { address: 'ok:1', name: 'duplicate', peerId: null, keep: true, addedAt: 1, lastSeenAt: null },
        'nonsense'
      ],
      recentPeers: { not: 'a list' },
      lanDevices: [device('good'), { ...device('bad'), port: 70000 }],
      trust: {
        trusted: [
          { id: 'ok', name: '', address: 'a:1', firstSeen: 1, lastSeen: 1 },
          { id: '', name: '', address: 'a:1', firstSeen: 1, lastSeen: 1 }
        ],
        revoked: 'nonsense'
      }
    }
    const memory = parseNodeMemory(raw)
    expect(memory.trust.trusted.map((p) => p.id)).toEqual(['ok'])
    expect(memory.trust.revoked).toEqual([])
    expect(memory.knownPeers.map((p) => p.address)).toEqual(['ok:1'])
    expect(memory.recentPeers).toEqual([])
    expect(memory.lanDevices.map((d) => d.id)).toEqual(['good'])
    for (const nothing of [undefined, null, 42, 'x', []])
      expect(parseNodeMemory(nothing)).toEqual(emptyNodeMemory())
  })
})
