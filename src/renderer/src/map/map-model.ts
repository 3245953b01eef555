// What the whole-network view draws, computed from the map a node holds (src/shared/network-map.ts; the filters are
// in map-filters.ts): where each node goes (by Vivaldi coordinates, or a force layout whose link lengths
// follow the RTT), the RTT of any pair (measured when a link joins them, else estimated from coordinates), and
// the latency matrix over every shown node.
import { forceCenter, forceLink, forceManyBody, forceSimulation, type SimulationNodeDatum } from 'd3-force'
import { estimateMapRttMs, linkRttMs, type MapLink, type MapNode } from '../../../shared/network-map'

export type MapLayout = 'map' | 'force'

export interface PlacedNode extends MapNode {
  x: number
  y: number
}

export interface PairRtt {
  kind: 'measured' | 'estimated'
  rttMs: number
  /** Estimated: the larger of both coordinates' error (0..1.5, Vivaldi's relative error). */
  error: number | null
}

/** Measured when a link joins the two, else estimated from both coordinates; null when neither is possible. */
export function pairRtt(a: MapNode, b: MapNode, links: readonly MapLink[]): PairRtt | null {
  const link = links.find((l) => (l.a === a.id && l.b === b.id) || (l.a === b.id && l.b === a.id))
  const measured = link ? linkRttMs(link) : null
  if (measured !== null) return { kind: 'measured', rttMs: measured, error: null }
  if (a.coordinate === null || b.coordinate === null) return null
  return {
    kind: 'estimated',
    rttMs: estimateMapRttMs(a.coordinate, b.coordinate),
    error: Math.max(a.coordinate.error, b.coordinate.error)
  }
}

export function rttText(rtt: PairRtt | null): string {
  if (rtt === null) return 'RTT unknown (no link, no coordinates)'
  const ms = rtt.rttMs < 10 ? rtt.rttMs.toFixed(2) : rtt.rttMs.toFixed(1)
  if (rtt.kind === 'measured') return `measured RTT ${ms} ms`
  return `estimated RTT ~${ms} ms (from coordinates, error ${Math.round(rtt.error! * 100)} %)`
}

export function knownText(node: MapNode): string {
  if (node.known === 'local') return 'this node'
  if (node.known === 'direct') return 'direct peer'
  if (node.known === 'lan') return 'heard on the LAN'
  return `learned, ${node.hops} hops away${node.advertised ? '' : ' (listed by others)'}`
}

export function ageText(ageMs: number | null): string {
  if (ageMs === null) return 'no advert'
  if (ageMs < 1000) return 'advert just now'
  return `advert ${Math.round(ageMs / 1000)} s ago`
}

/** The two main axes of the coordinates (power iteration on their covariance): a 2-D view of the 8-D space. */
function principalAxes(vectors: number[][]): [number[], number[]] {
  const dims = vectors[0]!.length
  const mean = new Array<number>(dims).fill(0)
  for (const v of vectors) for (let i = 0; i < dims; i++) mean[i]! += v[i]! / vectors.length
  const centred = vectors.map((v) => v.map((x, i) => x - mean[i]!))
  const axis = (exclude: number[] | null): number[] => {
    let w = new Array<number>(dims).fill(0).map((_, i) => 1 / Math.sqrt(dims) + i * 1e-3)
    for (let iteration = 0; iteration < 50; iteration++) {
      const next = new Array<number>(dims).fill(0)
      for (const v of centred) {
        const dot = v.reduce((s, x, i) => s + x * w[i]!, 0)
        for (let i = 0; i < dims; i++) next[i]! += dot * v[i]!
      }
      if (exclude) {
        const d = next.reduce((s, x, i) => s + x * exclude[i]!, 0)
        for (let i = 0; i < dims; i++) next[i]! -= d * exclude[i]!
      }
      const norm = Math.hypot(...next)
      if (norm === 0) break
      w = next.map((x) => x / norm)
    }
    return w
  }
  const first = axis(null)
  return [first, axis(first)]
}

/**
 * Nodes closer than this (centre to centre, in drawing units) are moved apart: two nodes at the same coordinates
 * (on loopback every RTT is ~0.1 ms, so many are) would otherwise be drawn on top of each other, and only the top
 * one could be hovered, clicked or read.
 */
export const MIN_NODE_SPACING = 24

/**
 * Positions in [0, width] × [0, height]. 'map': by coordinates (nodes without one go in a row at the bottom);
 * 'force': a force layout whose link lengths follow the RTT. Then nodes drawn on top of others are moved apart
 * (spreadOverlaps). Deterministic for the same map.
 */
export function placeNodes(
  nodes: readonly MapNode[],
  links: readonly MapLink[],
  layout: MapLayout,
  width: number,
  height: number
): PlacedNode[] {
  if (nodes.length === 0) return []
  const placed =
    layout === 'map' ? placeByCoordinates(nodes, width, height) : placeByForce(nodes, links, width, height)
  spreadOverlaps(placed, width, height)
  return placed
}

const MARGIN = 40

function placeByCoordinates(nodes: readonly MapNode[], width: number, height: number): PlacedNode[] {
  const withCoordinate = nodes.filter((node) => node.coordinate !== null)
  const without = nodes.filter((node) => node.coordinate === null)
  const placed: PlacedNode[] = []
  if (withCoordinate.length > 0) {
    const [u, w] = principalAxes(withCoordinate.map((node) => node.coordinate!.vec))
    const xy = withCoordinate.map((node) => {
      const vec = node.coordinate!.vec
      return [vec.reduce((s, x, i) => s + x * u[i]!, 0), vec.reduce((s, x, i) => s + x * w[i]!, 0)]
    })
    const xs = xy.map((p) => p[0]!)
    const ys = xy.map((p) => p[1]!)
    const [minX, minY] = [Math.min(...xs), Math.min(...ys)]
    const spanX = Math.max(...xs) - minX
    const spanY = Math.max(...ys) - minY
    const [roomX, roomY] = [width - 2 * MARGIN, height - 3 * MARGIN]
    // One scale for both axes: distances on screen stay proportional to estimated RTTs.
    const scale = Math.min(roomX / (spanX || 1), roomY / (spanY || 1))
    // Centred in the room left: a map with no span (every coordinate the same) sits in the middle, not a corner.
    const [offsetX, offsetY] = [MARGIN + (roomX - spanX * scale) / 2, MARGIN + (roomY - spanY * scale) / 2]
    withCoordinate.forEach((node, i) =>
      placed.push({ ...node, x: offsetX + (xs[i]! - minX) * scale, y: offsetY + (ys[i]! - minY) * scale })
    )
  }
  without.forEach((node, i) =>
    placed.push({
      ...node,
      x: MARGIN + ((i + 0.5) * (width - 2 * MARGIN)) / without.length,
      y: height - MARGIN / 2
    })
  )
  return placed
}

function placeByForce(
  nodes: readonly MapNode[],
  links: readonly MapLink[],
  width: number,
  height: number
): PlacedNode[] {
  type SimNode = SimulationNodeDatum & { id: string }
  const simNodes: SimNode[] = nodes.map((node, i) => ({
    id: node.id,
    x: width / 2 + Math.cos((2 * Math.PI * i) / nodes.length) * width * 0.3,
    y: height / 2 + Math.sin((2 * Math.PI * i) / nodes.length) * height * 0.3
  }))
  const rtts = links.map((link) => linkRttMs(link)).filter((x): x is number => x !== null)
  const maxRtt = Math.max(1e-3, ...rtts)
  const simLinks = links.map((link) => ({ source: link.a, target: link.b, rtt: linkRttMs(link) }))
  const simulation = forceSimulation(simNodes)
    .force(
      'link',
      forceLink<SimNode, (typeof simLinks)[number]>(simLinks)
        .id((node) => node.id)
        .distance((link) => 40 + (link.rtt === null ? 0.5 : link.rtt / maxRtt) * 120)
    )
    .force('charge', forceManyBody().strength(-120))
    .force('center', forceCenter(width / 2, height / 2))
    .stop()
  simulation.tick(200)
  const xs = simNodes.map((node) => node.x!)
  const ys = simNodes.map((node) => node.y!)
  const [minX, minY] = [Math.min(...xs), Math.min(...ys)]
  const spanX = Math.max(...xs) - minX || 1
  const spanY = Math.max(...ys) - minY || 1
  const scale = Math.min((width - 2 * MARGIN) / spanX, (height - 2 * MARGIN) / spanY, 1.5)
  return nodes.map((node, i) => ({
    ...node,
    x: MARGIN + (xs[i]! - minX) * scale,
    y: MARGIN + (ys[i]! - minY) * scale
  }))
}

/**
 * Moves each node closer than the spacing to an earlier one to the nearest free spot of a hexagonal lattice around
 * where it was (a crowd at one point becomes a honeycomb there), inside the drawing. Nodes with room do not move;
 * the same map gives the same drawing. The spacing shrinks when the nodes could not all fit at MIN_NODE_SPACING.
 */
function spreadOverlaps(placed: PlacedNode[], width: number, height: number): void {
  const spacing = Math.max(8, Math.min(MIN_NODE_SPACING, 0.75 * Math.sqrt((width * height) / placed.length)))
  const inset = spacing / 2
  const grid = new PointGrid(spacing, width, height)
  const offsets = latticeOffsets(placed.length)
  // Where the search from a point last ended: lattice spots before it are taken for good, so a crowd at one point
  // (the usual case: equal coordinates) is placed in one pass, not one search from the centre per node.
  const resumeAt = new Map<string, number>()
  for (const node of placed) {
    // Not expected (coordinates are checked where they are read), but a bad one must not stop the drawing.
    if (!Number.isFinite(node.x) || !Number.isFinite(node.y)) continue
    if (!grid.hasNear(node.x, node.y)) {
      grid.add(node.x, node.y)
      continue
    }
    const from = `${node.x},${node.y}`
    for (let k = resumeAt.get(from) ?? 0; k < offsets.length; k++) {
      const x = node.x + offsets[k]![0] * spacing
      const y = node.y + offsets[k]![1] * spacing
      if (x < inset || x > width - inset || y < inset || y > height - inset || grid.hasNear(x, y)) continue
      resumeAt.set(from, k + 1)
      node.x = x
      node.y = y
      break
    }
    grid.add(node.x, node.y)
  }
}

let lattice: [number, number][] = []

/** Points of a unit hexagonal lattice around the origin (not the origin), nearest first: enough for `count` nodes. */
function latticeOffsets(count: number): readonly [number, number][] {
  // A crowd in a corner has a quarter of the lattice inside the drawing: four times the count, and some more.
  const needed = 4 * count + 16
  if (lattice.length >= needed) return lattice
  const reach = Math.ceil(Math.sqrt(needed / 3)) + 1
  const points: [number, number][] = []
  for (let j = -reach; j <= reach; j++)
    for (let i = -2 * reach; i <= 2 * reach; i++)
      if (i !== 0 || j !== 0) points.push([i + j / 2, (j * Math.sqrt(3)) / 2])
  lattice = points.sort((p, q) => Math.hypot(...p) - Math.hypot(...q) || p[1] - q[1] || p[0] - q[0])
  return lattice
}

/** Points in square cells of the spacing's size: "is one closer than the spacing" looks at a 3×3 block of cells. */
class PointGrid {
  private readonly cells: number[][]
  private readonly columns: number
  private readonly rows: number

  constructor(
    private readonly spacing: number,
    width: number,
    height: number
  ) {
    this.columns = Math.ceil(width / spacing) + 1
    this.rows = Math.ceil(height / spacing) + 1
    this.cells = Array.from({ length: this.columns * this.rows }, () => [])
  }

  add(x: number, y: number): void {
    this.cells[this.row(y) * this.columns + this.column(x)]!.push(x, y)
  }

  hasNear(x: number, y: number): boolean {
    const [column, row] = [this.column(x), this.row(y)]
    const limit = (this.spacing - 0.01) ** 2
    for (let r = Math.max(0, row - 1); r <= Math.min(this.rows - 1, row + 1); r++)
      for (let c = Math.max(0, column - 1); c <= Math.min(this.columns - 1, column + 1); c++) {
        const cell = this.cells[r * this.columns + c]!
        for (let k = 0; k < cell.length; k += 2)
          if ((cell[k]! - x) ** 2 + (cell[k + 1]! - y) ** 2 < limit) return true
      }
    return false
  }

  // Clamped: a point a little outside the drawing (a node's own position) shares the edge cell.
  private column(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor(x / this.spacing)))
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor(y / this.spacing)))
  }
}

export interface MatrixCell {
  rtt: PairRtt | null
}

/** Every shown node against every other: measured cells where a link joins them, estimated elsewhere. */
export function latencyMatrix(nodes: readonly MapNode[], links: readonly MapLink[]): MatrixCell[][] {
  return nodes.map((a) => nodes.map((b) => ({ rtt: a.id === b.id ? null : pairRtt(a, b, links) })))
}

export function nodeLabel(node: MapNode): string {
  return node.name !== '' ? node.name : node.id.slice(0, 8)
}
