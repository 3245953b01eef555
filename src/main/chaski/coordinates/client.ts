// One node's Vivaldi coordinate, kept up to date from the round trips it measures to its peers and the coordinates
// those peers report. The update follows Serf's Client.Update (hashicorp/serf coordinate/client.go), read and
// rewritten here, not copied:
//   1. the round trip goes through the peer's latency filter (median of the last few);
//   2. Vivaldi ([1] Dabek et al.): our error moves towards how wrong our estimate was, weighted by how much we
//      trust ourselves against the peer (error / (error + peer error)); then we move by cc × weight × (rtt −
//      estimate) along the line between us (away from the peer when it is further than estimated);
//   3. the adjustment term ([3] Lee et al.): half the mean of (rtt − raw distance) over a window of samples;
//   4. gravity ([2] Ledlie et al.): a pull towards the origin of (distance / rho)², so the whole network does not
//      drift away together.
// Everything from outside is checked first (validate.ts): a bad coordinate or round trip is refused and leaves our
// state as it was. An update whose result would leave the bounds a peer is held to is discarded the same way.
import { MAX_RTT_MS, normalizeVivaldiConfig, ZERO_THRESHOLD, type VivaldiConfig } from './config'
import {
  distanceSeconds,
  estimateRttMs,
  makeCoordinate,
  originCoordinate,
  pushInPlace,
  vectorDistance,
  type Coordinate,
  type Position,
  type RandomSource
} from './coordinate'
import { InvalidRttError } from './errors'
import { LatencyFilter } from './latency-filter'
import { coordinateProblem, parseCoordinate } from './validate'
// Local copies: module-binding getters cost more than the arithmetic when run from transpiled sources.
const ZERO = ZERO_THRESHOLD
const RTT_LIMIT_MS = MAX_RTT_MS

export interface VivaldiClientInit extends Partial<VivaldiConfig> {
  /** Uniform numbers in [0, 1), used only to separate coinciding positions. @default Math.random */
  random?: RandomSource
}

export interface VivaldiStats {
  /** Updates applied. */
  updates: number
  /** Updates refused because the peer's coordinate or the round trip was invalid. */
  rejected: number
  /** Updates computed but thrown away because our new coordinate would have been out of bounds. */
  discarded: number
}

export class VivaldiClient {
  readonly config: VivaldiConfig
  private current: Coordinate
  private readonly origin: Coordinate
  private readonly random: RandomSource
  private readonly filter: LatencyFilter
  // Ring of (rtt − raw distance) samples for the adjustment term; zeros until filled, as in Serf.
  private readonly adjustmentSamples: Float64Array
  private adjustmentIndex = 0
  private readonly counts: VivaldiStats = { updates: 0, rejected: 0, discarded: 0 }

  constructor(init: VivaldiClientInit = {}) {
    const { random, ...config } = init
    this.config = normalizeVivaldiConfig(config)
    this.random = random ?? Math.random
    this.origin = originCoordinate(this.config)
    this.current = this.origin
    this.filter = new LatencyFilter(this.config.latencyFilterSize, this.config.maxTrackedPeers)
    this.adjustmentSamples = new Float64Array(this.config.adjustmentWindowSize)
  }

  /** Our coordinate now (frozen: safe to keep and to send). */
  get coordinate(): Coordinate {
    return this.current
  }

  get stats(): Readonly<VivaldiStats> {
    return { ...this.counts }
  }

  /** Peers whose latency samples are kept (at most config.maxTrackedPeers). */
  get trackedPeers(): number {
    return this.filter.peerCount
  }

  /** Replaces our coordinate (restored from disk, or a test's starting point); throws InvalidCoordinateError. */
  setCoordinate(input: unknown): void {
    this.current = parseCoordinate(input, this.config)
  }

  /**
   * Takes one round trip `rttMs` measured to `peerId`, whose coordinate is `peer`, and returns our new coordinate.
   * Throws InvalidCoordinateError or InvalidRttError, changing nothing, when either is invalid: `peer` is checked
   * here even if the caller already parsed it, so no path can feed a NaN or a huge value into the arithmetic.
   */
  update(peerId: string, peer: Coordinate, rttMs: number): Coordinate {
    let other: Coordinate
    try {
      if (typeof rttMs !== 'number' || !(rttMs >= 0 && rttMs <= RTT_LIMIT_MS))
        throw new InvalidRttError(
          `round trip must be a number of ms in 0..${RTT_LIMIT_MS}, got ${String(rttMs)}`
        )
      other = parseCoordinate(peer, this.config)
    } catch (error) {
      this.counts.rejected++
      throw error
    }
    const rtt = this.filter.add(peerId, rttMs / 1000)
    const ours = this.current
    const { ce, cc, errorMax, heightMin, gravityRho } = this.config
    // Vivaldi: error and position, with the round trip floored so that a 0 ms one cannot divide by zero.
    const floored = Math.max(rtt, ZERO)
    const estimate = distanceSeconds(ours, other)
    const wrongness = Math.abs(estimate - floored) / floored
    const weight = ours.error / Math.max(ours.error + other.error, ZERO)
    const error = Math.min(ce * weight * wrongness + ours.error * (1 - ce * weight), errorMax)
    const position: Position = { vec: ours.vec.slice(), height: ours.height }
    pushInPlace(position, cc * weight * (floored - estimate), other, heightMin, this.random)
    // Adjustment: from the raw distance after the move, adjustments left out.
    const adjustmentSample = rtt - (vectorDistance(position.vec, other.vec) + position.height + other.height)
    const adjustment = this.adjustmentWith(adjustmentSample, ours.adjustment)
    // Gravity: the estimated distance from the origin, adjustment included as in distanceSeconds.
    const raw = vectorDistance(this.origin.vec, position.vec) + this.origin.height + position.height
    const fromOrigin = raw + adjustment > 0 ? raw + adjustment : raw
    pushInPlace(position, -((fromOrigin / gravityRho) ** 2), this.origin, heightMin, this.random)
    const next = makeCoordinate(position.vec, error, adjustment, position.height)
    if (coordinateProblem(next, this.config) !== null) {
      this.counts.discarded++
      return this.current
    }
    if (this.adjustmentSamples.length > 0) {
      this.adjustmentSamples[this.adjustmentIndex] = adjustmentSample
      this.adjustmentIndex = (this.adjustmentIndex + 1) % this.adjustmentSamples.length
    }
    this.current = next
    this.counts.updates++
    return next
  }

  /** Estimated round trip in ms from us to a node at `other`. */
  estimateRttMs(other: Coordinate): number {
    return estimateRttMs(this.current, other)
  }

  /** Drops the latency samples of a peer that is gone. */
  forgetPeer(peerId: string): void {
    this.filter.forget(peerId)
  }

  /** The adjustment term with `sample` in the slot the next commit will write (Serf divides by 2 × window). */
  private adjustmentWith(sample: number, unchanged: number): number {
    const window = this.adjustmentSamples.length
    if (window === 0) return unchanged
    let sum = 0
    for (let i = 0; i < window; i++) sum += i === this.adjustmentIndex ? sample : this.adjustmentSamples[i]!
    return sum / (2 * window)
  }
}
