// Coordinates from outside: a hostile or broken peer's NaN, Infinity, huge numbers, wrong dimensions or odd shapes
// are refused with a reason, before any arithmetic sees them.
import { describe, expect, it } from 'vitest'
import {
  coordinateProblem,
  InvalidCoordinateError,
  MAX_COORDINATE_SECONDS,
  parseCoordinate,
  VIVALDI_DEFAULTS
} from '../../../../src/main/chaski/coordinates/index'

const limits = VIVALDI_DEFAULTS
const valid = () => ({
  vec: [0.01, -0.02, 0, 0, 0.003, 0, 0, 0.001],
  error: 0.4,
  adjustment: -0.001,
  height: 0.002
})

describe('coordinates received from the network', () => {
  it('accepts a well-formed coordinate and keeps its own copy', () => {
    const input = valid()
    const parsed = parseCoordinate(input, limits)
    expect(parsed).toEqual(input)
    input.vec[0] = Number.NaN
    input.error = Number.NaN
    expect(parsed.vec[0]).toBe(0.01)
    expect(parsed.error).toBe(0.4)
    expect(Object.isFrozen(parsed)).toBe(true)
  })

  it.each([
    ['vec', Number.NaN],
    ['vec', Number.POSITIVE_INFINITY],
    ['vec', Number.NEGATIVE_INFINITY],
    ['vec', 1e300],
    ['vec', '0.1'],
    ['vec', null],
    ['error', Number.NaN],
    ['error', Number.POSITIVE_INFINITY],
    ['error', -0.1],
    ['error', 1.6],
    ['height', Number.NaN],
    ['height', Number.POSITIVE_INFINITY],
    ['height', -1e-9],
    ['height', MAX_COORDINATE_SECONDS + 1],
    ['adjustment', Number.NaN],
    ['adjustment', Number.NEGATIVE_INFINITY],
    ['adjustment', -1e300],
    ['adjustment', '0']
  ])('refuses %s = %s, naming the field', (field, value) => {
    const input: Record<string, unknown> = valid()
    if (field === 'vec') (input.vec as unknown[])[3] = value
    else input[field] = value
    const problem = coordinateProblem(input, limits)
    expect(problem).toContain(field === 'vec' ? 'vec[3]' : field)
    expect(() => parseCoordinate(input, limits)).toThrow(InvalidCoordinateError)
  })

  it('refuses a position further from the origin than any round trip, even with every component in bounds', () => {
    const input = { ...valid(), vec: new Array(8).fill(MAX_COORDINATE_SECONDS / 2) }
    expect(coordinateProblem(input, limits)).toMatch(/further than/)
  })

  it('refuses the wrong number of dimensions', () => {
    for (const dimensions of [0, 1, 7, 9, 1_000_000]) {
      const input = { ...valid(), vec: new Array(dimensions).fill(0) }
      expect(coordinateProblem(input, limits)).toBe(`vec has ${dimensions} dimensions, expected 8`)
    }
  })

  it.each([
    ['null', null],
    ['a number', 5],
    ['a string', 'coordinate'],
    ['an array', [0, 0, 0]],
    ['a map without vec', { error: 0.4, adjustment: 0, height: 0.001 }],
    ['a typed array as vec', { ...valid(), vec: new Float64Array(8) }],
    ['a map with missing terms', { vec: new Array(8).fill(0) }]
  ])('refuses %s', (_what, input) => {
    expect(coordinateProblem(input, limits)).not.toBeNull()
  })

  it('reads own fields only, never inherited ones', () => {
    const inherited = Object.create(valid()) as object
    expect(coordinateProblem(inherited, limits)).toBe('vec is not an array')
  })
})
