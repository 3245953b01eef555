import { describe, expect, test } from 'vitest'
import { KnownPeerBook } from '../../../src/main/host/known-peers'
import { LIMITS } from '../../../src/shared/limits'

describe('KnownPeerBook', () => {
  test('a peer connected by hand is kept; the same peer typed another way is one entry', () => {
    const book = new KnownPeerBook()
    book.remember('localhost:8511', { id: 'hub', name: 'Hub' }, 10)
    book.remember('127.0.0.1:8511', { id: 'hub', name: 'Hub' }, 20)
    expect(book.entries()).toEqual([
      { address: '127.0.0.1:8511', name: 'Hub', peerId: 'hub', keep: true, addedAt: 10, lastSeenAt: 20 }
    ])
  })

  test('a disconnect is remembered (not wanted) until the person connects again', () => {
    const book = new KnownPeerBook()
    book.remember('127.0.0.1:1', { id: 'a', name: 'A' })
    book.setKeep('127.0.0.1:1', false)
    expect(book.wanted()).toEqual([])
    expect(book.snapshot(() => null)[0]!.status).toBe('disconnected')
    book.remember('127.0.0.1:1', { id: 'a', name: 'A' })
    expect(book.wanted()).toHaveLength(1)
  })

  test('full: the oldest disconnected peer makes room; with none, the new one is refused with a clear message', () => {
    const book = new KnownPeerBook()
    for (let i = 0; i < LIMITS.knownPeersPerNode; i++) book.remember(`127.0.0.1:${i + 1}`, null)
    expect(() => book.remember('127.0.0.1:999', null)).toThrow(/keeps 64 peers to reconnect to; remove one/)
    book.setKeep('127.0.0.1:5', false)
    book.remember('127.0.0.1:999', null)
    expect(book.get('127.0.0.1:5')).toBeUndefined()
    expect(book.entries()).toHaveLength(LIMITS.knownPeersPerNode)
  })

  test('the status shown comes from the redialer', () => {
    const book = new KnownPeerBook([
      { address: 'h:1', name: 'H', peerId: 'h', keep: true, addedAt: 1, lastSeenAt: 2 }
    ])
    expect(book.snapshot(() => null)[0]!.status).toBe('idle')
    expect(
      book.snapshot(() => ({
        kind: 'retrying',
        attempt: 2,
        maxAttempts: null,
        nextAttemptAt: 9,
        lastError: 'x'
      }))[0]
    ).toMatchObject({ status: 'retrying', attempt: 2, nextAttemptAt: 9, lastError: 'x', lastSeenAt: 2 })
    expect(book.snapshot(() => ({ kind: 'connected', since: 0 }), 50)[0]).toMatchObject({
      status: 'connected',
      lastSeenAt: 50
    })
  })
})
