import { describe, expect, test } from 'vitest'
import { percentile, roundTripStats } from '../../../src/shared/round-trips'

describe('round-trip figures', () => {
  test('last, median, p95 and jitter (the spread: standard deviation) of the recent samples', () => {
    // Oldest first, as the library keeps them.
    const samples = [2, 4, 4, 4, 5, 5, 7, 9]
    expect(roundTripStats(samples)).toEqual({ count: 8, lastMs: 9, medianMs: 4.5, p95Ms: 9, jitterMs: 2 })
  })

  test('p95 is nearest-rank: 95 of 100 samples are at most it', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(hundred, 95)).toBe(95)
    expect(roundTripStats(hundred)?.p95Ms).toBe(95)
    expect(roundTripStats([0.4])).toEqual({ count: 1, lastMs: 0.4, medianMs: 0.4, p95Ms: 0.4, jitterMs: 0 })
  })

  test('nothing measured yet: null; unusable samples are left out', () => {
    expect(roundTripStats([])).toBeNull()
    expect(roundTripStats([Number.NaN, -1])).toBeNull()
    expect(roundTripStats([1, Number.POSITIVE_INFINITY, 3])?.count).toBe(2)
  })
})
