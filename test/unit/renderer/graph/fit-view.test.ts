import { describe, expect, test } from 'vitest'
import { boundsOf, fitTransform } from '../../../../src/renderer/src/graph/fit-view'

describe('fitTransform', () => {
  const bounds = boundsOf([
    { x: -100, y: -50 },
    { x: 100, y: 50 }
  ])

  test('centres the nodes and scales them to the viewport minus padding', () => {
    const t = fitTransform(bounds, 840, 440, { padding: 20, maxScale: 10 })
    expect(t.k).toBeCloseTo(4)
    expect(t.x).toBeCloseTo(420)
    expect(t.y).toBeCloseTo(220)
  })

  test('never zooms a lone node in past maxScale', () => {
    const t = fitTransform(boundsOf([{ x: 5, y: 5 }]), 800, 600, { maxScale: 2 })
    expect(t.k).toBe(2)
    expect(t.x + 5 * t.k).toBeCloseTo(400)
  })

  test('keeps overlays free: the centre moves into the uncovered part', () => {
    const t = fitTransform(bounds, 800, 400, {
      padding: 0,
      maxScale: 100,
      insets: { top: 0, right: 200, bottom: 0, left: 0 }
    })
    expect(t.x).toBeCloseTo(300)
    expect(t.k).toBeCloseTo(3)
  })

  test('ignores insets that would cover most of the view', () => {
    const wide = fitTransform(bounds, 400, 400, {
      padding: 0,
      maxScale: 100,
      insets: { top: 0, right: 300, bottom: 0, left: 0 }
    })
    expect(wide.x).toBeCloseTo(200)
  })

  test('no nodes: identity scale, origin in the middle', () => {
    expect(boundsOf([])).toBeNull()
    expect(fitTransform(null, 600, 400)).toEqual({ k: 1, x: 300, y: 200 })
  })
})
