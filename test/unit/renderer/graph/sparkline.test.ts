import { describe, expect, test } from 'vitest'
import { sparklineGeometry } from '../../../../src/renderer/src/graph/sparkline'

describe('sparklineGeometry', () => {
  test('no samples: no path, no last point', () => {
    expect(sparklineGeometry([], 100, 20)).toEqual({ path: '', last: null, min: 0, max: 0, count: 0 })
  })

  test('spans the width, the highest sample at the top, the newest last', () => {
    const g = sparklineGeometry([1, 4, 2], 100, 20)
    expect(g.count).toBe(3)
    expect(g.min).toBe(1)
    expect(g.max).toBe(4)
    expect(g.last).toMatchObject({ x: 97.5, value: 2 })
    const ys = [...g.path.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => Number(m[2]))
    expect(ys).toHaveLength(3)
    expect(Math.min(...ys)).toBe(ys[1])
    expect(g.path.startsWith('M2.5,')).toBe(true)
  })

  test('skips values that are not round trips and draws a single sample as a flat line', () => {
    expect(sparklineGeometry([Number.NaN, -1, 3], 50, 10).count).toBe(1)
    const one = sparklineGeometry([3], 50, 10)
    expect(one.path).toMatch(/^M2\.5,[\d.]+L25,[\d.]+$/)
  })
})
