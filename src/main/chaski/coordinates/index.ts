// Vivaldi network coordinates (issue #16): each node places itself in a small latency space from the round trips it
// measures, so the round trip between any two nodes can be estimated, including pairs that never measured each
// other. Design after Serf (hashicorp/serf, folder coordinate/); see client.ts for the update and config.ts for the
// tuning and its sources. Pure TypeScript: no Node API, no clock; randomness is injectable.
export { VivaldiClient } from './client'
export type { VivaldiClientInit, VivaldiStats } from './client'
export {
  VIVALDI_DEFAULTS,
  MAX_DIMENSIONALITY,
  MAX_RTT_MS,
  MAX_COORDINATE_SECONDS,
  normalizeVivaldiConfig
} from './config'
export type { VivaldiConfig } from './config'
export {
  originCoordinate,
  makeCoordinate,
  distanceSeconds,
  rawDistanceSeconds,
  estimateRttMs,
  applyForce
} from './coordinate'
export type { Coordinate, RandomSource } from './coordinate'
export { coordinateProblem, parseCoordinate } from './validate'
export type { CoordinateLimits } from './validate'
export { LatencyFilter } from './latency-filter'
export { InvalidCoordinateError, InvalidRttError, DimensionalityMismatchError } from './errors'
