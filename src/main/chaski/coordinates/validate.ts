// Checks on a coordinate that came from outside (a peer's advert, a settings file, a caller): the right number of
// dimensions, finite numbers only, every term within bounds. A peer must not be able to push NaN, Infinity or a
// huge value into our arithmetic: one NaN would spread to our own coordinate and from there to every node that
// measures us. Only own properties are read; the result is a fresh frozen copy.
import { MAX_COORDINATE_SECONDS, type VivaldiConfig } from './config'
import { makeCoordinate, type Coordinate } from './coordinate'
import { InvalidCoordinateError } from './errors'
// Local copies: module-binding getters cost more than the arithmetic when run from transpiled sources.
const BOUND_SECONDS = MAX_COORDINATE_SECONDS

export type CoordinateLimits = Pick<VivaldiConfig, 'dimensionality' | 'errorMax'>

const hasOwn = Object.prototype.hasOwnProperty

/** What is wrong with `input` as a coordinate, in words; null when it is a valid one. */
export function coordinateProblem(input: unknown, limits: CoordinateLimits): string | null {
  const read = readCoordinate(input, limits)
  return typeof read === 'string' ? read : null
}

/** `input` as a frozen Coordinate; throws InvalidCoordinateError saying what is wrong. */
export function parseCoordinate(input: unknown, limits: CoordinateLimits): Coordinate {
  const read = readCoordinate(input, limits)
  if (typeof read === 'string') throw new InvalidCoordinateError(`invalid coordinate: ${read}`)
  return read
}

/** The coordinate, or what is wrong with it. Every field is read once, so what was checked is what is kept. */
function readCoordinate(input: unknown, limits: CoordinateLimits): Coordinate | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'not a map'
  const fields = input as Record<string, unknown>
  const rawVec = own(fields, 'vec')
  if (!Array.isArray(rawVec)) return 'vec is not an array'
  const dimensions = rawVec.length
  if (dimensions !== limits.dimensionality)
    return `vec has ${dimensions} dimensions, expected ${limits.dimensionality}`
  const vec = new Array<number>(dimensions)
  let sumOfSquares = 0
  for (let i = 0; i < dimensions; i++) {
    const value: unknown = rawVec[i]
    if (!finite(value)) return `vec[${i}] is not a finite number`
    if (Math.abs(value) > BOUND_SECONDS) return `vec[${i}] is beyond ±${BOUND_SECONDS} s`
    vec[i] = value
    sumOfSquares += value * value
  }
  if (Math.sqrt(sumOfSquares) > BOUND_SECONDS) return `vec is further than ${BOUND_SECONDS} s from the origin`
  const error = own(fields, 'error')
  if (!finite(error) || error < 0 || error > limits.errorMax)
    return `error is not a number in 0..${limits.errorMax}`
  const height = own(fields, 'height')
  if (!finite(height) || height < 0 || height > BOUND_SECONDS)
    return `height is not a number in 0..${BOUND_SECONDS} s`
  const adjustment = own(fields, 'adjustment')
  if (!finite(adjustment) || Math.abs(adjustment) > BOUND_SECONDS)
    return `adjustment is not a number in ±${BOUND_SECONDS} s`
  return makeCoordinate(vec, error, adjustment, height)
}

function own(fields: Record<string, unknown>, key: string): unknown {
  return hasOwn.call(fields, key) ? fields[key] : undefined
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}
