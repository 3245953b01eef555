// What a hosted node keeps of its trust across restarts (src/main/host/node-trust.ts).
import { describe, expect, test } from 'vitest'
import { NodeTrustBook } from '../../../src/main/host/node-trust'
import { LIMITS } from '../../../src/shared/limits'

const peer = (id: string, address: string, lastSeen: number) => ({
  id,
  name: id.toUpperCase(),
  address,
  firstSeen: 1,
  lastSeen
})

describe('NodeTrustBook', () => {
  test('seeds the library with one pin per address (the one seen last), never a revoked peer', () => {
    const book = new NodeTrustBook({ trusted: [peer('a', 'x:1', 5), peer('b', 'y:1', 5)], revoked: [] })
    book.revoke('b', 'B', 9)
    expect(book.seed([peer('c', 'x:1', 7)]).map((p) => p.id)).toEqual(['c'])
    expect(book.revokedPeers()).toEqual([{ id: 'b', name: 'B', at: 9 }])
    expect(book.trustedPeers().map((p) => p.id)).toEqual(['a'])
  })

  test('unrevoke takes a revocation back (the peer is no longer refused, nor seeded: it is unknown again)', () => {
    const book = new NodeTrustBook({ trusted: [], revoked: [{ id: 'b', name: 'B', at: 9 }] })
    expect(book.unrevoke('x')).toBe(false)
    expect(book.unrevoke('b')).toBe(true)
    expect(book.isRevoked('b')).toBe(false)
    expect(book.saved()).toEqual({ trusted: [], revoked: [] })
  })

  test('takes the running list, most recently seen first, bounded; says when something changed', () => {
    const book = new NodeTrustBook()
    const many = Array.from({ length: LIMITS.trustedPeersPerNode + 5 }, (_, i) => peer(`p${i}`, `h:${i}`, i))
    expect(book.update(many)).toBe(true)
    expect(book.update(many)).toBe(false)
    const kept = book.trustedPeers()
    expect(kept).toHaveLength(LIMITS.trustedPeersPerNode)
    expect(kept[0]!.id).toBe(`p${LIMITS.trustedPeersPerNode + 4}`)
  })

  test('a revoked peer the library still lists is not kept as trusted', () => {
    const book = new NodeTrustBook()
    book.revoke('a', 'A')
    book.update([peer('a', 'x:1', 3)])
    expect(book.trustedPeers()).toEqual([])
    expect(book.saved().revoked.map((p) => p.id)).toEqual(['a'])
  })
})
