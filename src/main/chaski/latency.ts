// Per-edge latency estimate (spec §6): a Gaussian belief updated with each one-way sample (RTT / 2),
// plus a ring of the last raw round-trip samples for charts and percentiles.
import { LATENCY_INITIAL_JITTER_MS, LATENCY_MEASUREMENT_STD_MS, RTT_SAMPLES_KEPT } from './constants'

const MEASUREMENT_VARIANCE = LATENCY_MEASUREMENT_STD_MS * LATENCY_MEASUREMENT_STD_MS

export interface LatencyEstimate {
  latency: number
  jitter: number
}

/** The spec's update rule, exported on its own so it can be checked against hand-computed values. */
export function updateLatencyEstimate(prior: LatencyEstimate | null, sample: number): LatencyEstimate {
  if (prior === null) return { latency: sample, jitter: LATENCY_INITIAL_JITTER_MS }
  const priorPrecision = 1 / (prior.jitter * prior.jitter)
  const measurementPrecision = 1 / MEASUREMENT_VARIANCE
  const precision = priorPrecision + measurementPrecision
  return {
    latency: (prior.latency * priorPrecision + sample * measurementPrecision) / precision,
    jitter: Math.sqrt(1 / precision)
  }
}

export class EdgeLatency {
  /** One-way latency estimate in ms (RTT/2 based); null before the first sample. */
  latency: number | null = null
  /** Standard deviation of the estimate in ms; null before the first sample. */
  jitter: number | null = null
  /** Most recent raw round trip in ms. */
  lastRtt: number | null = null
  /** Number of raw round trips recorded so far. */
  count = 0
  // Allocated on the first sample only: 1000 idle edges cost nothing.
  private ring: Float64Array | null = null

  /** Records one measured round trip; `updateEstimate` false keeps the estimate (pings without latency_update). */
  record(rttMs: number, updateEstimate = true): void {
    if (!this.ring) this.ring = new Float64Array(RTT_SAMPLES_KEPT)
    this.ring[this.count % RTT_SAMPLES_KEPT] = rttMs
    this.count++
    this.lastRtt = rttMs
    if (!updateEstimate) return
    const prior =
      this.latency === null || this.jitter === null ? null : { latency: this.latency, jitter: this.jitter }
    const next = updateLatencyEstimate(prior, rttMs / 2)
    this.latency = next.latency
    this.jitter = next.jitter
  }

  /** The last (up to 60) raw round trips in ms, oldest first. */
  get rttSamples(): number[] {
    if (!this.ring) return []
    const kept = Math.min(this.count, RTT_SAMPLES_KEPT)
    const out: number[] = new Array(kept)
    const start = this.count - kept
    for (let i = 0; i < kept; i++) out[i] = this.ring[(start + i) % RTT_SAMPLES_KEPT]!
    return out
  }

  /** Copies another estimator's history (a reconnected edge keeps its latency history). */
  adopt(other: EdgeLatency): void {
    this.latency = other.latency
    this.jitter = other.jitter
    this.lastRtt = other.lastRtt
    this.count = other.count
    this.ring = other.ring ? Float64Array.from(other.ring) : null
  }
}
