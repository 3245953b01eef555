// Figures of the measured round trips of one link, as the dashboard and the CLI show them: the last one, the median
// and the 95th percentile of the recent ones, and the jitter, which is how much they spread (their standard
// deviation). These are measurements. The library's smoothed one-way estimate (half the round trip, filtered) and
// its uncertainty are something else, and are labelled as such wherever they are shown. Pure: unit-tested.

export interface RoundTripStats {
  /** Samples the figures are computed from (the most recent ones the node keeps). */
  count: number
  lastMs: number
  medianMs: number
  /** Nearest-rank 95th percentile: 95 % of the samples took at most this long. */
  p95Ms: number
  /** Spread of the round trips: their standard deviation (0 with one sample). */
  jitterMs: number
}

/** Nearest-rank percentile of sorted samples (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(sorted.length, rank) - 1]!
}

export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return NaN
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Population standard deviation. */
export function standardDeviation(samples: readonly number[]): number {
  if (samples.length === 0) return NaN
  const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length
  const variance = samples.reduce((sum, x) => sum + (x - mean) * (x - mean), 0) / samples.length
  return Math.sqrt(variance)
}

/** The figures of recent round trips (oldest first, as the library keeps them); null before the first one. */
export function roundTripStats(samples: readonly number[]): RoundTripStats | null {
  const usable = samples.filter((x) => Number.isFinite(x) && x >= 0)
  if (usable.length === 0) return null
  const sorted = [...usable].sort((a, b) => a - b)
  return {
    count: usable.length,
    lastMs: usable[usable.length - 1]!,
    medianMs: median(sorted),
    p95Ms: percentile(sorted, 95),
    jitterMs: standardDeviation(usable)
  }
}
