// The force layout itself (d3-force), on plain numbered nodes, with no DOM: it runs in a Web Worker
// (layout-worker.ts) so the page only paints, or in the page when workers are not available. Forces: links
// (longer between two local nodes), many-body charge, weak gravity (stronger for nodes without links, or charge
// alone would push them far out), collision for small graphs, and an anchor that holds existing nodes where they
// were while newcomers settle (anchor-force.ts).
import {
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type Simulation,
  type SimulationNodeDatum
} from 'd3-force'
import type { GraphNodeKind } from '../../../shared/snapshots'
import { anchorForce } from './anchor-force'

/** Reheat for a change of nodes or links: enough to settle the newcomers, not a whole new layout. */
export const REHEAT_ALPHA = 0.3
/** Collision (room for labels) costs a second quadtree per tick: only for graphs small enough to show labels. */
const COLLIDE_NODE_LIMIT = 200
/**
 * Up to this many nodes the charge force (most of a tick's cost: ~15 ms at 2000 nodes on a slow machine) runs
 * every tick with Barnes–Hut accuracy 0.9. Above, it runs every other tick at twice the strength (the same push
 * over two ticks) with accuracy 1.2: a quarter of the cost, for a layout that looks the same at the zoom such a
 * graph is seen at.
 */
const PRECISE_CHARGE_NODE_LIMIT = 800
const RADIUS: Record<GraphNodeKind, number> = { local: 11, peer: 8, lan: 7 }

export interface EngineNode {
  kind: GraphNodeKind
  /** Has at least one link (gravity is weaker for those). */
  linked: boolean
  /** Current place and speed; undefined for a node the layout should place (the first layout). */
  x?: number
  y?: number
  vx?: number
  vy?: number
  /** Hold near the current place while the layout settles (an existing node when the graph changes shape). */
  anchored: boolean
}

export interface EngineLink {
  source: number
  target: number
}

export interface LayoutEngineHooks {
  /** After every tick: positions as [x0, y0, x1, y1, ...] in node order. */
  tick(positions: Float64Array | Float32Array): void
  end(): void
}

export interface LayoutEngine {
  /** A new shape (nodes in order, links by node index); starts the layout at `alpha`. */
  setGraph(nodes: EngineNode[], links: EngineLink[], alpha: number): void
  /** Holds node `index` at (x, y) while dragged, keeping the layout warm; null lets it go. */
  pin(index: number, at: { x: number; y: number } | null): void
  /** With `manual`: one tick now (hooks called as on a timer); false once the layout has come to rest. */
  step(): boolean
  stop(): void
}

export interface LayoutEngineOptions {
  /** Tick only on step(), never on a timer (tests). */
  manual?: boolean
}

interface SimNode extends SimulationNodeDatum {
  kind: GraphNodeKind
  linked: boolean
  anchor?: { x: number; y: number } | null
}

interface SimLink {
  source: SimNode
  target: SimNode
}

interface Force<N> {
  (alpha: number): void
  initialize?(nodes: N[], random: () => number): void
}

/** `force` on every other tick at twice the alpha while `sparse()` holds, else on every tick. */
export function everyOtherTick<N>(force: Force<N>, sparse: () => boolean): Force<N> {
  let tick = 0
  const wrapped = (alpha: number): void => {
    if (!sparse()) force(alpha)
    else if (tick++ % 2 === 0) force(alpha * 2)
  }
  wrapped.initialize = (nodes: N[], random: () => number) => force.initialize?.(nodes, random)
  return wrapped
}

export function createLayoutEngine(
  hooks: LayoutEngineHooks,
  options: LayoutEngineOptions = {}
): LayoutEngine {
  let nodes: SimNode[] = []
  let resting = false
  let positions = new Float64Array(0)
  const linkForce = forceLink<SimNode, SimLink>().distance((l) =>
    l.source.kind === 'local' && l.target.kind === 'local' ? 120 : 70
  )
  const charge = forceManyBody<SimNode>().strength(-220).theta(0.9).distanceMax(600)
  const collide = forceCollide<SimNode>((n) => RADIUS[n.kind] + 10).iterations(1)
  const gravity = (n: SimNode) => (n.linked ? 0.04 : 0.12)
  const simulation: Simulation<SimNode, SimLink> = forceSimulation<SimNode, SimLink>()
    .force('link', linkForce)
    .force(
      'charge',
      everyOtherTick(charge, () => nodes.length > PRECISE_CHARGE_NODE_LIMIT)
    )
    .force('x', forceX<SimNode>(0).strength(gravity))
    .force('y', forceY<SimNode>(0).strength(gravity))
    .force('anchor', anchorForce<SimNode>())
    .stop()
    .on('tick', report)
    .on('end', rest)

  function report(): void {
    for (let i = 0; i < nodes.length; i++) {
      positions[2 * i] = nodes[i].x ?? 0
      positions[2 * i + 1] = nodes[i].y ?? 0
    }
    hooks.tick(positions)
  }

  function rest(): void {
    resting = true
    for (const n of nodes) n.anchor = null
    hooks.end()
  }

  function start(): void {
    resting = false
    if (!options.manual) simulation.restart()
  }

  return {
    setGraph(init, links, alpha) {
      nodes = init.map((n) => {
        const node: SimNode = { kind: n.kind, linked: n.linked }
        if (Number.isFinite(n.x) && Number.isFinite(n.y)) {
          node.x = n.x
          node.y = n.y
          node.vx = n.vx ?? 0
          node.vy = n.vy ?? 0
          if (n.anchored) node.anchor = { x: n.x!, y: n.y! }
        }
        return node
      })
      positions = new Float64Array(2 * nodes.length)
      simulation.force('collide', nodes.length <= COLLIDE_NODE_LIMIT ? collide : null)
      charge.theta(nodes.length <= PRECISE_CHARGE_NODE_LIMIT ? 0.9 : 1.2)
      simulation.nodes(nodes)
      linkForce.links(
        links
          .filter((l) => nodes[l.source] && nodes[l.target])
          .map((l) => ({ source: nodes[l.source], target: nodes[l.target] }))
      )
      simulation.alpha(alpha)
      start()
    },
    pin(index, at) {
      const node = nodes[index]
      if (!node) return
      if (at) {
        if (node.fx === undefined || node.fx === null) {
          simulation.alphaTarget(REHEAT_ALPHA)
          start()
        }
        node.fx = at.x
        node.fy = at.y
      } else {
        simulation.alphaTarget(0)
        node.fx = null
        node.fy = null
      }
    },
    step() {
      if (resting) return false
      simulation.tick()
      report()
      if (simulation.alpha() < simulation.alphaMin()) rest()
      return !resting
    },
    stop() {
      simulation.stop()
    }
  }
}
