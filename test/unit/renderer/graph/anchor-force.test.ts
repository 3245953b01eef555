import { describe, expect, test } from 'vitest'
import { anchorForce, type AnchoredNode } from '../../../../src/renderer/src/graph/anchor-force'

describe('anchorForce', () => {
  test('pulls an anchored node back towards its anchor, in proportion to alpha', () => {
    const node: AnchoredNode = { x: 10, y: -4, vx: 0, vy: 0, anchor: { x: 0, y: 0 } }
    const force = anchorForce<AnchoredNode>(1)
    force.initialize([node])
    force(0.3)
    expect(node.vx).toBeCloseTo(-3)
    expect(node.vy).toBeCloseTo(1.2)
  })

  test('leaves nodes without an anchor (newcomers) alone', () => {
    const free: AnchoredNode = { x: 10, y: 10, vx: 1, vy: 2, anchor: null }
    const unplaced: AnchoredNode = { anchor: { x: 0, y: 0 } }
    const force = anchorForce<AnchoredNode>()
    force.initialize([free, unplaced])
    force(1)
    expect(free).toMatchObject({ vx: 1, vy: 2 })
    expect(unplaced.vx).toBeUndefined()
  })

  test('a node at its anchor feels nothing', () => {
    const node: AnchoredNode = { x: 5, y: 5, vx: 0.5, vy: 0, anchor: { x: 5, y: 5 } }
    const force = anchorForce<AnchoredNode>()
    force.initialize([node])
    force(0.3)
    expect(node).toMatchObject({ vx: 0.5, vy: 0 })
  })
})
