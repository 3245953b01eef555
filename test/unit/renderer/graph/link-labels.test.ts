import { describe, expect, test } from 'vitest'
import {
  LABEL_HEIGHT,
  placeLinkLabels,
  touchesCircle,
  type LabelLink
} from '../../../../src/renderer/src/graph/link-labels'

const view = { width: 800, height: 600 }
const link = (key: string, x1: number, y1: number, x2: number, y2: number, width = 40): LabelLink => ({
  key,
  text: key,
  width,
  x1,
  y1,
  x2,
  y2,
  r1: 8,
  r2: 8
})

/** Distance from (x, y) to the segment of `l`. */
function offLink(l: LabelLink, x: number, y: number): number {
  const dx = l.x2 - l.x1
  const dy = l.y2 - l.y1
  const t = Math.max(0, Math.min(1, ((x - l.x1) * dx + (y - l.y1) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(x - (l.x1 + t * dx), y - (l.y1 + t * dy))
}

describe('placeLinkLabels', () => {
  test('a label with room goes at the middle of its link', () => {
    const l = link('a|b', 100, 100, 400, 100)
    expect(placeLinkLabels([l], [], view)).toEqual([
      { key: 'a|b', text: 'a|b', x: 250, y: 100, width: 46, height: LABEL_HEIGHT }
    ])
  })

  test('a node at the middle of the link (the old spot) pushes the label along its own link, off the node', () => {
    const l = link('a|b', 100, 100, 400, 220)
    const other = { x: 250, y: 160, r: 8 }
    const [placed] = placeLinkLabels([l], [other], view)
    expect(placed).toBeDefined()
    expect(offLink(l, placed.x, placed.y)).toBeLessThan(1e-9)
    expect(touchesCircle(placed, other)).toBe(false)
    // The midpoint, where the label used to go, is on the node.
    expect(touchesCircle({ ...placed, x: 250, y: 160 }, other)).toBe(true)
  })

  test('labels never cover their own ends, each other, or leave the view; with no room a label is left out', () => {
    const short = link('short', 100, 100, 130, 100)
    expect(placeLinkLabels([short], [], view)).toEqual([])
    // Two links crossing at their middles: the second label moves along its link.
    const a = link('a', 100, 300, 500, 300)
    const b = link('b', 300, 100, 300, 500)
    const [pa, pb] = placeLinkLabels([a, b], [], view)
    expect(
      Math.abs(pa.x - pb.x) * 2 >= pa.width + pb.width || Math.abs(pa.y - pb.y) * 2 >= pa.height + pb.height
    ).toBe(true)
    expect(offLink(b, pb.x, pb.y)).toBeLessThan(1e-9)
    const outside = link('out', -200, 10, -50, 10)
    expect(placeLinkLabels([outside], [], view)).toEqual([])
  })

  test('a link crowded by nodes along its whole length gets no label', () => {
    const l = link('a|b', 100, 100, 300, 100)
    const crowd = Array.from({ length: 11 }, (_, i) => ({ x: 100 + i * 20, y: 100, r: 8 }))
    expect(placeLinkLabels([l], crowd, view)).toEqual([])
  })
})
