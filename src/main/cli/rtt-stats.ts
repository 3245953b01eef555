// Round-trip statistics printed by `chaski ping`: min / median / mean / p95 / p99 / max over the answered pings, and
// the jitter: how much the round trips spread (their standard deviation), the same figure the dashboard shows.
import { median, percentile, standardDeviation } from '../../shared/round-trips'

export interface RttSummary {
  count: number
  minMs: number
  medianMs: number
  meanMs: number
  p95Ms: number
  p99Ms: number
  maxMs: number
  jitterMs: number
}

/** null when there is no sample (every ping was lost). Percentiles use the nearest-rank method. */
export function summarizeRtts(samples: readonly number[]): RttSummary | null {
  if (samples.length === 0) return null
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    count: sorted.length,
    minMs: sorted[0]!,
    medianMs: median(sorted),
    meanMs: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1]!,
    jitterMs: standardDeviation(samples)
  }
}
