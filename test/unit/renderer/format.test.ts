import { describe, expect, test } from 'vitest'
import {
  clockTime,
  edgeStateLabel,
  edgeStateTone,
  ROUND_TRIP_HELP,
  formatOneWayEstimate,
  knownPeerStatusText,
  roundTripLines,
  formatMs,
  plural,
  relativeTime
} from '../../../src/renderer/src/composables/format'

describe('format', () => {
  test('milliseconds keep the meaningful decimals', () => {
    expect(formatMs(null)).toBe('—')
    expect(formatMs(Number.NaN)).toBe('—')
    expect(formatMs(0.423)).toBe('0.42')
    expect(formatMs(4.26)).toBe('4.3')
    expect(formatMs(42.4)).toBe('42')
    expect(formatMs(420)).toBe('420')
  })

  test('the one-way estimate reads with its uncertainty; round trips as median, p95 and jitter', () => {
    expect(formatOneWayEstimate(null, null)).toBe('—')
    expect(formatOneWayEstimate(3.21, 1.06)).toBe('3.2 ± 1.1 ms')
    expect(formatOneWayEstimate(12, null)).toBe('12 ms')
    expect(roundTripLines({ count: 9, lastMs: 1, medianMs: 0.423, p95Ms: 4.26, jitterMs: 0.051 })).toEqual([
      'median 0.42 · p95 4.3 ms',
      'jitter 0.05 ms'
    ])
    // Words a person can read without the spec: no file references.
    expect(ROUND_TRIP_HELP).not.toMatch(/spec|§|\.md/)
    expect(ROUND_TRIP_HELP).toMatch(/jitter: how much the round trips vary/)
  })

  test('a known peer says how it is doing and when it was last seen', () => {
    const now = 1_000_000
    const peer = {
      status: 'retrying' as const,
      attempt: 4,
      nextAttemptAt: now + 11_200,
      lastSeenAt: now - 300_000
    }
    expect(knownPeerStatusText(peer, now)).toEqual({
      status: 'retrying in 12 s (attempt 4)',
      seen: 'last seen 5 min ago'
    })
    expect(knownPeerStatusText({ ...peer, status: 'connected' }, now)).toEqual({
      status: 'connected',
      seen: null
    })
    expect(knownPeerStatusText({ ...peer, status: 'disconnected', lastSeenAt: null }, now)).toEqual({
      status: 'disconnected by you',
      seen: 'never connected yet'
    })
    expect(knownPeerStatusText({ ...peer, status: 'closed-by-peer' }, now).status).toBe('closed by the peer')
  })

  test('relative times', () => {
    const now = 1_000_000_000
    expect(relativeTime(now - 1000, now)).toBe('just now')
    expect(relativeTime(now + 5000, now)).toBe('just now')
    expect(relativeTime(now - 12_000, now)).toBe('12 s ago')
    expect(relativeTime(now - 3 * 60_000, now)).toBe('3 min ago')
    expect(relativeTime(now - 2 * 3_600_000, now)).toBe('2 h ago')
    expect(relativeTime(now - 4 * 86_400_000, now)).toBe('4 d ago')
  })

  test('clock time is HH:MM:SS', () => {
    expect(clockTime(new Date(2026, 0, 2, 3, 4, 5).getTime())).toBe('03:04:05')
  })

  test('edge states say what the number is: reconnecting, attempt n of m / gave up after n attempts', () => {
    expect(edgeStateLabel({ state: 'connected', attempt: 0, maxAttempts: 0 })).toBe('connected')
    expect(edgeStateLabel({ state: 'reconnecting', attempt: 28, maxAttempts: 32 })).toBe(
      'reconnecting, attempt 28 of 32'
    )
    expect(edgeStateLabel({ state: 'gave-up', attempt: 32, maxAttempts: 32 })).toBe(
      'gave up after 32 attempts'
    )
    expect(edgeStateTone('gave-up')).toBe('error')
    expect(plural(1, 'peer')).toBe('1 peer')
    expect(plural(0, 'peer')).toBe('0 peers')
  })
})
