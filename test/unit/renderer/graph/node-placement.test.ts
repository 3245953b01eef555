import { describe, expect, test } from 'vitest'
import { layoutExtent, placeNewNode } from '../../../../src/renderer/src/graph/node-placement'

describe('placeNewNode', () => {
  test('a newcomer starts within 40 px of the mean of its placed neighbours', () => {
    for (const r of [0, 0.25, 0.5, 0.99]) {
      const p = placeNewNode(
        [
          { x: 100, y: 0 },
          { x: 200, y: 0 }
        ],
        { centre: { x: 0, y: 0 }, radius: 500 },
        () => r
      )
      expect(Math.hypot(p.x - 150, p.y)).toBeGreaterThanOrEqual(20)
      expect(Math.hypot(p.x - 150, p.y)).toBeLessThanOrEqual(40)
    }
  })

  test('without placed neighbours it starts just outside the current layout', () => {
    const p = placeNewNode([], { centre: { x: 10, y: 10 }, radius: 100 }, () => 0.25)
    expect(Math.hypot(p.x - 10, p.y - 10)).toBeCloseTo(130)
  })

  test('layoutExtent covers every position', () => {
    const e = layoutExtent([
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 5, y: 30 }
    ])
    expect(e.centre).toEqual({ x: 5, y: 10 })
    expect(e.radius).toBeCloseTo(20)
    expect(layoutExtent([])).toEqual({ centre: { x: 0, y: 0 }, radius: 0 })
  })
})
