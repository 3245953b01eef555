// Tuning and limits of the Vivaldi network coordinates (coordinates/index.ts). The defaults are Serf's
// (github.com/hashicorp/serf, coordinate/config.go), which in turn cite:
//   [1] Dabek et al., "Vivaldi: A decentralized network coordinate system", SIGCOMM 2004.
//   [2] Ledlie, Gardner, Seltzer, "Network Coordinates in the Wild", NSDI 2007.
//   [3] Lee et al., "On suitability of Euclidean embedding for host-based network coordinate systems", 2010.
// Units: coordinates, heights and adjustments are in SECONDS, as in Serf (gravity's force, -(d/rho)^2, is not
// scale-free, so the constants below only mean what they say in seconds). Round trips enter and leave in ms.
import { InvalidOptionError } from '../errors'

export interface VivaldiConfig {
  /** Euclidean dimensions; [2] found 8 plus a height best. @default 8 */
  readonly dimensionality: number
  /** Error of a node with no observations yet, and the cap on any error. @default 1.5 */
  readonly errorMax: number
  /** c_e of [1]: the most one observation can move a node's error. @default 0.25 */
  readonly ce: number
  /** c_c of [1]: the most one observation can move a node's coordinate. @default 0.25 */
  readonly cc: number
  /** Samples of (rtt - distance) averaged into the adjustment term of [3]; 0 turns it off. @default 20 */
  readonly adjustmentWindowSize: number
  /** Smallest height in seconds (the height must stay positive). @default 10e-6 */
  readonly heightMin: number
  /** Round trips kept per peer; their median feeds the update, so one blip is ignored ([2]). @default 3 */
  readonly latencyFilterSize: number
  /** rho of [2]'s gravity towards the origin, in seconds: larger is weaker. @default 150 */
  readonly gravityRho: number
  /** Peers whose latency filter is kept; beyond it the least recently updated is forgotten. @default 1024 */
  readonly maxTrackedPeers: number
}

export const VIVALDI_DEFAULTS: VivaldiConfig = Object.freeze({
  dimensionality: 8,
  errorMax: 1.5,
  ce: 0.25,
  cc: 0.25,
  adjustmentWindowSize: 20,
  heightMin: 10e-6,
  latencyFilterSize: 3,
  gravityRho: 150,
  maxTrackedPeers: 1024
})

/** Dimensions a configuration may ask for (a coordinate on the wire carries this many numbers at most). */
export const MAX_DIMENSIONALITY = 16
/** Longest round trip fed to an update (Serf refuses the same); a longer one is a timeout, not a distance. */
export const MAX_RTT_MS = 10_000
/**
 * Largest distance from the origin, height and |adjustment| a coordinate may have, in seconds. Gravity keeps the
 * network's centre near the origin, so no honest node sits further out than the longest round trip; anything
 * beyond is refused before it can overflow a distance (a finite 1e300 squared is Infinity).
 */
export const MAX_COORDINATE_SECONDS = MAX_RTT_MS / 1000
/** Below this (seconds) two positions coincide and a round trip counts as this long (Serf's zeroThreshold). */
export const ZERO_THRESHOLD = 1e-6

/** The defaults overridden by `init`; throws InvalidOptionError naming the first bad option. */
export function normalizeVivaldiConfig(init: Partial<VivaldiConfig> = {}): VivaldiConfig {
  const config: VivaldiConfig = {
    dimensionality: init.dimensionality ?? VIVALDI_DEFAULTS.dimensionality,
    errorMax: init.errorMax ?? VIVALDI_DEFAULTS.errorMax,
    ce: init.ce ?? VIVALDI_DEFAULTS.ce,
    cc: init.cc ?? VIVALDI_DEFAULTS.cc,
    adjustmentWindowSize: init.adjustmentWindowSize ?? VIVALDI_DEFAULTS.adjustmentWindowSize,
    heightMin: init.heightMin ?? VIVALDI_DEFAULTS.heightMin,
    latencyFilterSize: init.latencyFilterSize ?? VIVALDI_DEFAULTS.latencyFilterSize,
    gravityRho: init.gravityRho ?? VIVALDI_DEFAULTS.gravityRho,
    maxTrackedPeers: init.maxTrackedPeers ?? VIVALDI_DEFAULTS.maxTrackedPeers
  }
  integerIn('dimensionality', config.dimensionality, 1, MAX_DIMENSIONALITY)
  numberIn('errorMax', config.errorMax, ZERO_THRESHOLD, 100)
  numberIn('ce', config.ce, 0, 1)
  numberIn('cc', config.cc, 0, 1)
  integerIn('adjustmentWindowSize', config.adjustmentWindowSize, 0, 1024)
  numberIn('heightMin', config.heightMin, 0, 1)
  integerIn('latencyFilterSize', config.latencyFilterSize, 1, 64)
  numberIn('gravityRho', config.gravityRho, ZERO_THRESHOLD, 1e6)
  integerIn('maxTrackedPeers', config.maxTrackedPeers, 1, 1_000_000)
  return Object.freeze(config)
}

function numberIn(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !(value >= min && value <= max))
    throw new InvalidOptionError(`vivaldi ${name} must be a number in ${min}..${max}`)
}

function integerIn(name: string, value: unknown, min: number, max: number): void {
  if (!Number.isInteger(value) || !((value as number) >= min && (value as number) <= max))
    throw new InvalidOptionError(`vivaldi ${name} must be an integer in ${min}..${max}`)
}
