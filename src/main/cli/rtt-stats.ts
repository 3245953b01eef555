// Round-trip statistics printed by `chaski ping`: min / median / mean / p99 / max over the answered pings.

export interface RttSummary {
  count: number
  minMs: number
  medianMs: number
  meanMs: number
  p99Ms: number
  maxMs: number
}

/** null when there is no sample (every ping was lost). p99 uses the nearest-rank method. */
export function summarizeRtts(samples: readonly number[]): RttSummary | null {
  if (samples.length === 0) return null
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  return {
    count: sorted.length,
    minMs: sorted[0],
    medianMs: median,
    meanMs: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
    p99Ms: sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)],
    maxMs: sorted[sorted.length - 1]
  }
}
