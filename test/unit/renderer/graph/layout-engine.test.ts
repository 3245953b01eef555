import { describe, expect, test } from 'vitest'
import {
  createLayoutEngine,
  everyOtherTick,
  type EngineNode
} from '../../../../src/renderer/src/graph/layout-engine'

/** Ticks the engine until it rests (as its timer would, without the wait); the last positions and the ticks. */
function settle(nodes: EngineNode[], links: { source: number; target: number }[], alpha = 1) {
  let last: number[] = []
  let ticks = 0
  let ended = false
  const engine = createLayoutEngine(
    {
      tick(p) {
        ticks++
        last = [...p]
      },
      end: () => (ended = true)
    },
    { manual: true }
  )
  engine.setGraph(nodes, links, alpha)
  while (engine.step() && ticks < 1000);
  expect(ended).toBe(true)
  return { positions: last, ticks }
}

describe('everyOtherTick', () => {
  test('runs a force every other tick at twice the alpha while sparse, every tick otherwise', () => {
    const seen: number[] = []
    let sparse = true
    const f = everyOtherTick(
      (alpha: number) => seen.push(alpha),
      () => sparse
    )
    f(0.5)
    f(0.4)
    f(0.3)
    sparse = false
    f(0.2)
    expect(seen).toEqual([1, 0.6, 0.2])
  })
})

describe('layout engine', () => {
  test('lays out a chain: every position finite, linked nodes near each other', () => {
    const nodes: EngineNode[] = Array.from({ length: 6 }, (_, i) => ({
      kind: i === 0 ? 'local' : 'peer',
      linked: true,
      anchored: false
    }))
    const links = [1, 2, 3, 4, 5].map((i) => ({ source: i - 1, target: i }))
    const { positions, ticks } = settle(nodes, links)
    expect(ticks).toBeGreaterThan(50)
    expect(positions).toHaveLength(12)
    expect(positions.every(Number.isFinite)).toBe(true)
    for (const { source, target } of links) {
      const d = Math.hypot(
        positions[2 * source] - positions[2 * target],
        positions[2 * source + 1] - positions[2 * target + 1]
      )
      expect(d).toBeGreaterThan(20)
      expect(d).toBeLessThan(200)
    }
  })

  test('an anchored node stays near where it was while a newcomer settles', () => {
    const nodes: EngineNode[] = [
      { kind: 'local', linked: true, x: 100, y: 50, vx: 0, vy: 0, anchored: true },
      { kind: 'peer', linked: true, x: 130, y: 60, vx: 0, vy: 0, anchored: false }
    ]
    const { positions } = settle(nodes, [{ source: 0, target: 1 }], 0.3)
    expect(Math.hypot(positions[0] - 100, positions[1] - 50)).toBeLessThan(15)
  })
})
