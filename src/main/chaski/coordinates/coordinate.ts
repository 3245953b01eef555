// A Vivaldi network coordinate and its geometry, after Serf's design (hashicorp/serf coordinate/coordinate.go,
// itself after Dabek et al. 2004 and Ledlie et al. 2007): a point in a few Euclidean dimensions plus a height
// (the access link every packet of the node crosses), an adjustment term, and an error (how little the node
// trusts its own position). The estimated round trip between two nodes is
//   |a.vec - b.vec| + a.height + b.height + a.adjustment + b.adjustment   (adjustments ignored if that is ≤ 0).
// Pure functions over immutable values: no Node API, no clock, randomness only where the caller passes it.
import type { VivaldiConfig } from './config'
import { ZERO_THRESHOLD } from './config'
import { DimensionalityMismatchError } from './errors'
// Local copies: module-binding getters cost more than the arithmetic when run from transpiled sources.
const ZERO = ZERO_THRESHOLD

export interface Coordinate {
  /** The Euclidean part, in seconds. */
  readonly vec: readonly number[]
  /** How little the node trusts this position: errorMax (no observation yet) down towards 0. Dimensionless. */
  readonly error: number
  /** Mean of (measured - estimated) round trips over a window, halved, in seconds (may be negative). */
  readonly adjustment: number
  /** Distance every round trip of this node pays on top of the Euclidean one, in seconds (≥ heightMin). */
  readonly height: number
}

/** A source of uniform numbers in [0, 1) (Math.random, or a seeded generator in tests). */
export type RandomSource = () => number

/** Where a node starts: the origin, with the largest error and the smallest height. */
export function originCoordinate(
  config: Pick<VivaldiConfig, 'dimensionality' | 'errorMax' | 'heightMin'>
): Coordinate {
  return makeCoordinate(
    new Array<number>(config.dimensionality).fill(0),
    config.errorMax,
    0,
    config.heightMin
  )
}

/**
 * A frozen coordinate over its own copy of `vec`. The copy is typed readonly but not frozen (freezing an array costs
 * more than the rest of an update): nothing in this module ever writes to a coordinate's vector.
 */
export function makeCoordinate(
  vec: readonly number[],
  error: number,
  adjustment: number,
  height: number
): Coordinate {
  return Object.freeze({ vec: vec.slice(), error, adjustment, height })
}

/** Estimated round trip in seconds, adjustments included (Serf's DistanceTo). */
export function distanceSeconds(a: Coordinate, b: Coordinate): number {
  const raw = rawDistanceSeconds(a, b)
  const adjusted = raw + a.adjustment + b.adjustment
  return adjusted > 0 ? adjusted : raw
}

/** Estimated round trip in milliseconds between two nodes, whether or not they ever measured each other. */
export function estimateRttMs(a: Coordinate, b: Coordinate): number {
  return distanceSeconds(a, b) * 1000
}

/** Euclidean distance plus both heights, in seconds: no adjustments. */
export function rawDistanceSeconds(a: Coordinate, b: Coordinate): number {
  return vectorDistance(a.vec, b.vec) + a.height + b.height
}

/** The mutable part of a coordinate, for a client working on its own copy. */
export interface Position {
  vec: number[]
  height: number
}

/**
 * `c` moved by `force` seconds along the line from `other` to `c` (a positive force pushes it away, a negative one
 * pulls it closer). The height grows or shrinks in proportion, never below heightMin. When the two positions
 * coincide the direction is random and the height stays: the move separates nodes that all start at the origin.
 */
export function applyForce(
  c: Coordinate,
  force: number,
  other: Coordinate,
  heightMin: number,
  random: RandomSource
): Coordinate {
  const position: Position = { vec: c.vec.slice(), height: c.height }
  pushInPlace(position, force, other, heightMin, random)
  return makeCoordinate(position.vec, c.error, c.adjustment, position.height)
}

/** applyForce on a position the caller owns (no allocation besides one scratch vector). */
export function pushInPlace(
  position: Position,
  force: number,
  other: { readonly vec: readonly number[]; readonly height: number },
  heightMin: number,
  random: RandomSource
): void {
  const vec = position.vec
  const dimensions = vec.length
  if (other.vec.length !== dimensions)
    throw new DimensionalityMismatchError(`coordinates of ${dimensions} and ${other.vec.length} dimensions`)
  // The unit vector from `other` to us; same operations, in the same order, as Serf's unitVectorAt.
  const unit = new Array<number>(dimensions)
  for (let i = 0; i < dimensions; i++) unit[i] = vec[i]! - other.vec[i]!
  let magnitude = length(unit)
  if (magnitude > ZERO) {
    for (let i = 0; i < dimensions; i++) unit[i] = unit[i]! * (1 / magnitude)
  } else {
    magnitude = 0
    for (let i = 0; i < dimensions; i++) unit[i] = random() - 0.5
    const randomLength = length(unit)
    // A random source that keeps returning 0.5 (every axis 0): any fixed axis will do.
    for (let i = 0; i < dimensions; i++)
      unit[i] = randomLength > ZERO ? unit[i]! * (1 / randomLength) : i === 0 ? 1 : 0
  }
  for (let i = 0; i < dimensions; i++) vec[i] = vec[i]! + unit[i]! * force
  if (magnitude > ZERO)
    position.height = Math.max(
      ((position.height + other.height) * force) / magnitude + position.height,
      heightMin
    )
}

/** Euclidean distance between two vectors of the same length. */
export function vectorDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length)
    throw new DimensionalityMismatchError(`coordinates of ${a.length} and ${b.length} dimensions`)
  let sum = 0
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!
    sum += d * d
  }
  return Math.sqrt(sum)
}

function length(vec: readonly number[]): number {
  let sum = 0
  for (const value of vec) sum += value * value
  return Math.sqrt(sum)
}
