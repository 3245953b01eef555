import { describe, expect, test } from 'vitest'
import {
  clockTime,
  edgeStateLabel,
  edgeStateTone,
  formatLatency,
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

  test('latency reads as estimate ± jitter', () => {
    expect(formatLatency(null, null)).toBe('—')
    expect(formatLatency(3.21, 1.06)).toBe('3.2 ± 1.1 ms')
    expect(formatLatency(12, null)).toBe('12 ms')
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
