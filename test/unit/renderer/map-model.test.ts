// The whole-network view's model (src/renderer/src/map/map-model.ts): the RTT of a pair (measured, else
// estimated from coordinates), the matrix, and a layout by coordinates that keeps near nodes near.
import { describe, expect, it } from 'vitest'
import type { MapCoordinate, MapLink, MapNode, NetworkMap } from '../../../src/shared/network-map'
import {
  MIN_NODE_SPACING,
  latencyMatrix,
  pairRtt,
  placeNodes,
  rttText
} from '../../../src/renderer/src/map/map-model'
import { mapLink, mapNode } from './fixtures'

function coordinate(x: number, y: number): MapCoordinate {
  return { vec: [x, y, 0, 0, 0, 0, 0, 0], error: 0.2, adjustment: 0, height: 0 }
}

function node(
  id: string,
  hops: number | null,
  coord: MapCoordinate | null,
  known: MapNode['known'] = 'learned'
): MapNode {
  return mapNode(id, hops, { known, advertised: coord !== null, coordinate: coord })
}

function link(a: string, b: string, rtt: number | null, confirmed = true): MapLink {
  return mapLink(a, b, { confirmed, rttByA: rtt, rttByB: rtt })
}

const MAP: NetworkMap = {
  origin: 'o',
  takenAt: 0,
  depth: 3,
  truncated: 0,
  nodes: [
    node('o', 0, coordinate(0, 0), 'local'),
    node('a', 1, coordinate(0.01, 0), 'direct'),
    node('b', 2, coordinate(0.02, 0)),
    node('far', 3, null),
    node('lan', null, null, 'lan')
  ],
  links: [link('o', 'a', 10), link('a', 'b', 10), link('b', 'far', null, false)]
}

describe('network map model', () => {
  it('a pair joined by a link is measured; any other pair with coordinates is estimated', () => {
    const [o, a, b, far] = MAP.nodes
    expect(pairRtt(o!, a!, MAP.links)).toEqual({ kind: 'measured', rttMs: 10, error: null })
    const estimate = pairRtt(o!, b!, MAP.links)!
    expect(estimate.kind).toBe('estimated')
    expect(estimate.rttMs).toBeCloseTo(20, 6)
    expect(rttText(estimate)).toBe('estimated RTT ~20.0 ms (from coordinates, error 20 %)')
    expect(pairRtt(o!, far!, MAP.links)).toBeNull()
    const matrix = latencyMatrix(MAP.nodes, MAP.links)
    expect(matrix[0]![1]!.rtt!.kind).toBe('measured')
    expect(matrix[0]![2]!.rtt!.kind).toBe('estimated')
    expect(matrix[0]![0]!.rtt).toBeNull()
  })

  it('the layout by coordinates keeps screen distances proportional to estimated RTTs', () => {
    const nodes = [
      node('p', 1, coordinate(0, 0)),
      node('q', 1, coordinate(0.01, 0)),
      node('r', 1, coordinate(0.03, 0.04))
    ]
    const placed = placeNodes(nodes, [], 'map', 600, 400)
    const d = (i: number, j: number) => Math.hypot(placed[i]!.x - placed[j]!.x, placed[i]!.y - placed[j]!.y)
    // Real distances 10 ms (p–q) and 50 ms (p–r): the same ratio on screen.
    expect(d(0, 2) / d(0, 1)).toBeCloseTo(5, 3)
    const force = placeNodes(MAP.nodes, MAP.links, 'force', 600, 400)
    for (const each of force) {
      expect(each.x).toBeGreaterThanOrEqual(0)
      expect(each.x).toBeLessThanOrEqual(600)
      expect(each.y).toBeGreaterThanOrEqual(0)
      expect(each.y).toBeLessThanOrEqual(400)
    }
  })

  // Seen in CI: two leaves of one node, on loopback, had the same coordinates; drawn at one spot, the one below
  // could not be hovered or clicked.
  it('nodes at the same coordinates are drawn apart, inside the drawing, the same way every time', () => {
    const crowd = Array.from({ length: 8 }, (_, i) => node(`c${i}`, 2, coordinate(0, 0)))
    const nodes = [
      ...crowd,
      node('far', 1, coordinate(0.05, 0.03)),
      node('none1', 3, null),
      node('none2', 3, null)
    ]
    for (const layout of ['map', 'force'] as const) {
      const placed = placeNodes(nodes, [], layout, 600, 400)
      for (const [i, a] of placed.entries()) {
        expect(a.x).toBeGreaterThanOrEqual(0)
        expect(a.x).toBeLessThanOrEqual(600)
        expect(a.y).toBeGreaterThanOrEqual(0)
        expect(a.y).toBeLessThanOrEqual(400)
        for (const b of placed.slice(i + 1))
          expect(Math.hypot(a.x - b.x, a.y - b.y), `${layout}: ${a.id}–${b.id}`).toBeGreaterThan(
            MIN_NODE_SPACING - 1
          )
      }
      expect(placeNodes(nodes, [], layout, 600, 400)).toEqual(placed)
    }
  })

  it('a map whose coordinates are all the same is drawn in the middle, not in a corner', () => {
    const placed = placeNodes(
      [node('a', 1, coordinate(0, 0)), node('b', 1, coordinate(0, 0))],
      [],
      'map',
      600,
      400
    )
    // The first stays in the middle of the room for coordinates (the bottom row is for nodes without); the second
    // is moved next to it.
    expect(placed[0]).toMatchObject({ x: 300, y: 180 })
    expect(Math.hypot(placed[1]!.x - 300, placed[1]!.y - 180)).toBeCloseTo(MIN_NODE_SPACING, 6)
  })
})
