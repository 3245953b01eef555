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
 * Positions in [0, width] × [0, height]. 'map': by coordinates (nodes without one go in a row at the bottom);
 * 'force': a force layout whose link lengths follow the RTT. Deterministic for the same map.
 */
export function placeNodes(
  nodes: readonly MapNode[],
  links: readonly MapLink[],
  layout: MapLayout,
  width: number,
  height: number
): PlacedNode[] {
  const margin = 40
  if (nodes.length === 0) return []
  if (layout === 'map') {
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
      const spanX = Math.max(...xs) - Math.min(...xs) || 1
      const spanY = Math.max(...ys) - Math.min(...ys) || 1
      // One scale for both axes: distances on screen stay proportional to estimated RTTs.
      const scale = Math.min((width - 2 * margin) / spanX, (height - 3 * margin) / spanY)
      withCoordinate.forEach((node, i) =>
        placed.push({
          ...node,
          x: margin + (xs[i]! - Math.min(...xs)) * scale,
          y: margin + (ys[i]! - Math.min(...ys)) * scale
        })
      )
    }
    without.forEach((node, i) =>
      placed.push({
        ...node,
        x: margin + ((i + 0.5) * (width - 2 * margin)) / without.length,
        y: height - margin / 2
      })
    )
    return placed
  }
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
  const spanX = Math.max(...xs) - Math.min(...xs) || 1
  const spanY = Math.max(...ys) - Math.min(...ys) || 1
  const scale = Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY, 1.5)
  return nodes.map((node, i) => ({
    ...node,
    x: margin + (xs[i]! - Math.min(...xs)) * scale,
    y: margin + (ys[i]! - Math.min(...ys)) * scale
  }))
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
