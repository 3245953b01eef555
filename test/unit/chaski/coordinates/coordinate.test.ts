// The geometry of a coordinate: distance with heights and adjustments, and a force's move (after the cases of
// Serf's coordinate_test.go, values worked out by hand here).
import { describe, expect, it } from 'vitest'
import {
  applyForce,
  DimensionalityMismatchError,
  distanceSeconds,
  estimateRttMs,
  makeCoordinate,
  originCoordinate,
  rawDistanceSeconds,
  VIVALDI_DEFAULTS
} from '../../../../src/main/chaski/coordinates/index'
import { seededRandom } from '../../../helpers/seeded-random'

const at = (vec: number[], terms: { height?: number; adjustment?: number } = {}) =>
  makeCoordinate(vec, 1, terms.adjustment ?? 0, terms.height ?? 0)
// |(-0.5, 1.3, 2.4) − (1.2, −2.3, 3.4)| = √(1.7² + 3.6² + 1²) = √16.85
const A = [-0.5, 1.3, 2.4]
const B = [1.2, -2.3, 3.4]
const AB = Math.sqrt(16.85)

function length(vec: readonly number[]): number {
  return Math.hypot(...vec)
}

describe('coordinate geometry', () => {
  it('starts at the origin, unsure of itself, with the smallest height', () => {
    const origin = originCoordinate(VIVALDI_DEFAULTS)
    expect(origin.vec).toEqual(new Array(8).fill(0))
    expect(origin).toMatchObject({ error: 1.5, adjustment: 0, height: 10e-6 })
    expect(Object.isFrozen(origin)).toBe(true)
  })

  it('estimates the Euclidean distance plus both heights', () => {
    expect(distanceSeconds(at(A), at(A))).toBe(0)
    expect(distanceSeconds(at(A), at(B))).toBeCloseTo(AB, 12)
    expect(distanceSeconds(at(B), at(A))).toBeCloseTo(AB, 12)
    expect(distanceSeconds(at(A, { height: 0.7 }), at(B, { height: 0.1 }))).toBeCloseTo(AB + 0.8, 12)
    expect(estimateRttMs(at(A), at(B))).toBeCloseTo(AB * 1000, 9)
  })

  it('adds the adjustments, unless that would make the estimate zero or negative', () => {
    expect(distanceSeconds(at(A, { adjustment: 0.1 }), at(B, { adjustment: 0.2 }))).toBeCloseTo(AB + 0.3, 12)
    expect(distanceSeconds(at(A, { adjustment: -1e6 }), at(B))).toBeCloseTo(AB, 12)
    expect(rawDistanceSeconds(at(A, { adjustment: 1e6 }), at(B))).toBeCloseTo(AB, 12)
  })

  it('a positive force pushes away from the other node, a negative one pulls towards it', () => {
    const random = seededRandom(1).next
    const origin = at([0, 0, 0])
    const above = at([0, 0, 2.9])
    const pushed = applyForce(origin, 5.3, above, 0, random)
    expect(pushed.vec[0]).toBeCloseTo(0, 12)
    expect(pushed.vec[1]).toBeCloseTo(0, 12)
    expect(pushed.vec[2]).toBeCloseTo(-5.3, 12)
    const pulled = applyForce(pushed, -2, at([3.4, 0, -5.3]), 0, random)
    expect(pulled.vec[0]).toBeCloseTo(2, 12)
    expect(pulled.vec[2]).toBeCloseTo(-5.3, 12)
  })

  it('moves a node sitting exactly on the other one in some direction by the full force', () => {
    const origin = at([0, 0, 0])
    const moved = applyForce(origin, 1, origin, 0, seededRandom(7).next)
    expect(length(moved.vec)).toBeCloseTo(1, 12)
    // Even a random source that always says 0.5 (every axis 0) gets a direction: the first axis.
    expect(applyForce(origin, 1, origin, 0, () => 0.5).vec).toEqual([1, 0, 0])
  })

  it('grows the height with a push, and never lets it below the minimum', () => {
    const heightMin = 10e-6
    const origin = makeCoordinate([0, 0, 0], 1, 0, heightMin)
    const above = makeCoordinate([0, 0, 2.9], 1, 0, heightMin)
    const random = seededRandom(1).next
    // (h + h_other) × force / distance + h
    expect(applyForce(origin, 5.3, above, heightMin, random).height).toBeCloseTo(
      heightMin + (5.3 * 2 * heightMin) / 2.9,
      15
    )
    expect(applyForce(origin, -5.3, above, heightMin, random).height).toBe(heightMin)
  })

  it('refuses to mix coordinates of different dimensions', () => {
    expect(() => distanceSeconds(at([0, 0]), at([0, 0, 0]))).toThrow(DimensionalityMismatchError)
    expect(() => applyForce(at([0, 0]), 1, at([0, 0, 0]), 0, Math.random)).toThrow(
      DimensionalityMismatchError
    )
  })
})
