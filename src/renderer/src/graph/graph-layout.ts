// The graph's layout as the page sees it: the model applied to plain objects (never reactive, reused by id so nodes
// keep their places across updates), placed by the force layout (layout-engine.ts), which runs in a Web Worker so
// the page's thread only paints (at 2000 nodes a tick costs ~10 ms; the page keeps its frame rate), or in the page
// where no worker can start. A change of latency, state, topics or name only updates the objects; nodes or links
// coming or going reheat the layout to alpha 0.3, with newcomers placed next to a neighbour and everyone else held
// near where they were.
import type { SimulationLinkDatum, SimulationNodeDatum } from 'd3-force'
import type { GraphLinkModel, GraphNodeModel } from '../../../shared/snapshots'
import type { GraphDiff, NormalisedGraph } from './graph-diff'
import {
  createLayoutEngine,
  REHEAT_ALPHA,
  type EngineLink,
  type EngineNode,
  type LayoutEngine
} from './layout-engine'
import type { LayoutRequest, LayoutResponse } from './layout-messages'
import { groupLinks, linkGroup, type LinkGroup } from './link-paths'
import { layoutExtent, placeNewNode } from './node-placement'
import { spriteLook } from './sprite-look'

export { REHEAT_ALPHA } from './layout-engine'

export interface SimNode extends SimulationNodeDatum {
  id: string
  model: GraphNodeModel
  /** Which node sprite draws it (node-sprites.ts), kept with the model. */
  look: string
  /** Its place in the layout's node list (what the engine knows it by). */
  index: number
}

export interface SimLink extends SimulationLinkDatum<SimNode> {
  key: string
  model: GraphLinkModel
  group: LinkGroup
  source: SimNode
  target: SimNode
}

export interface GraphLayout {
  readonly nodes: readonly SimNode[]
  readonly links: readonly SimLink[]
  readonly linkGroups: Map<LinkGroup, SimLink[]>
  readonly running: boolean
  /** Where the layout runs: 'worker', or 'page' when no worker could start. */
  readonly engine: 'worker' | 'page'
  node(id: string): SimNode | undefined
  linksOf(id: string): readonly SimLink[]
  /** Applies a normalised model and what changed since the last one; reheats when the shape changed. */
  apply(model: NormalisedGraph, diff: GraphDiff): void
  /** Holds a node at (x, y) while it is dragged, keeping the layout warm around it; null lets it go. */
  pin(node: SimNode, at: { x: number; y: number } | null): void
  stop(): void
}

export interface LayoutHooks {
  /** New positions (once per layout tick while it runs). */
  tick(): void
  /** The layout came to rest. */
  end(): void
}

export function createGraphLayout(hooks: LayoutHooks): GraphLayout {
  const simNodes = new Map<string, SimNode>()
  const simLinks = new Map<string, SimLink>()
  const linksByNode = new Map<string, SimLink[]>()
  let nodeList: SimNode[] = []
  let linkList: SimLink[] = []
  let linkGroups = groupLinks<SimLink>([])
  let running = false
  let generation = 0
  let lastGraph: Extract<LayoutRequest, { type: 'graph' }> | null = null

  function onTick(positions: Float32Array | Float64Array): void {
    const n = Math.min(nodeList.length, positions.length >> 1)
    for (let i = 0; i < n; i++) {
      const node = nodeList[i]
      node.x = positions[2 * i]
      node.y = positions[2 * i + 1]
    }
    running = true
    hooks.tick()
  }

  function onEnd(): void {
    running = false
    hooks.end()
  }

  // The worker, when one starts; the page's own engine otherwise (or once the worker failed).
  let worker: Worker | null = null
  let local: LayoutEngine | null = null
  if (typeof Worker === 'function') {
    try {
      worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' })
      worker.onmessage = ({ data }: MessageEvent<LayoutResponse>) => {
        if (data.generation !== generation) return
        if (data.type === 'tick') onTick(data.positions)
        else onEnd()
      }
      worker.onerror = (event) => {
        event.preventDefault()
        console.warn('chaski: the graph layout worker failed; laying out in the page instead')
        useLocalEngine()
      }
    } catch {
      worker = null
    }
  }
  if (!worker) useLocalEngine()

  function useLocalEngine(): void {
    worker?.terminate()
    worker = null
    local = createLayoutEngine({ tick: onTick, end: onEnd })
    if (lastGraph) local.setGraph(lastGraph.nodes, lastGraph.links, lastGraph.alpha)
  }

  function send(request: LayoutRequest): void {
    if (request.type === 'graph') lastGraph = request
    if (worker) worker.postMessage(request)
    else if (local) {
      if (request.type === 'graph') local.setGraph(request.nodes, request.links, request.alpha)
      else if (request.type === 'pin') local.pin(request.index, request.at)
      else local.stop()
    }
  }

  function apply(next: NormalisedGraph, diff: GraphDiff): void {
    const firstLayout = simNodes.size === 0
    for (const id of diff.removedNodeIds) simNodes.delete(id)
    for (const [id, m] of next.nodes) {
      const existing = simNodes.get(id)
      if (existing) {
        if (existing.model !== m) existing.look = spriteLook(m)
        existing.model = m
      } else simNodes.set(id, { id, model: m, look: spriteLook(m), index: -1 })
    }
    for (const key of diff.removedLinkKeys) simLinks.delete(key)
    for (const [key, m] of next.links) {
      const existing = simLinks.get(key)
      const source = simNodes.get(m.source)!
      const target = simNodes.get(m.target)!
      const group = linkGroup(m, source.model.kind === 'lan' || target.model.kind === 'lan')
      if (existing) {
        existing.model = m
        existing.group = group
      } else simLinks.set(key, { key, model: m, group, source, target })
    }
    linkGroups = groupLinks(simLinks.values())
    if (!diff.structural) return

    nodeList = [...simNodes.values()]
    nodeList.forEach((n, i) => (n.index = i))
    linkList = [...simLinks.values()]
    linksByNode.clear()
    for (const l of linkList) {
      for (const end of [l.source.id, l.target.id]) {
        const list = linksByNode.get(end)
        if (list) list.push(l)
        else linksByNode.set(end, [l])
      }
    }
    const added = new Set(diff.addedNodeIds)
    if (firstLayout) placeFirst()
    else placeNewcomers(added)
    const nodes: EngineNode[] = nodeList.map((n) => ({
      kind: n.model.kind,
      linked: linksByNode.has(n.id),
      x: n.x,
      y: n.y,
      vx: n.vx,
      vy: n.vy,
      anchored: !firstLayout && !added.has(n.id)
    }))
    const links: EngineLink[] = linkList.map((l) => ({ source: l.source.index, target: l.target.index }))
    running = true
    send({ type: 'graph', generation: ++generation, nodes, links, alpha: firstLayout ? 1 : REHEAT_ALPHA })
  }

  /**
   * The first layout starts from d3-force's own spiral (a phyllotaxis), set here so the page has every node's
   * place from the first frame rather than from the first tick back from the worker.
   */
  function placeFirst(): void {
    const angle = Math.PI * (3 - Math.sqrt(5))
    nodeList.forEach((n, i) => {
      const radius = 10 * Math.sqrt(0.5 + i)
      n.x = radius * Math.cos(i * angle)
      n.y = radius * Math.sin(i * angle)
      n.vx = 0
      n.vy = 0
    })
  }

  function placeNewcomers(added: Set<string>): void {
    const extent = layoutExtent(
      nodeList.filter((n) => !added.has(n.id) && n.x !== undefined).map((n) => ({ x: n.x!, y: n.y! }))
    )
    for (const id of added) {
      const node = simNodes.get(id)!
      const neighbours = (linksByNode.get(id) ?? [])
        .map((l) => (l.source.id === id ? l.target : l.source))
        .filter((n) => n.x !== undefined && !added.has(n.id))
        .map((n) => ({ x: n.x!, y: n.y! }))
      const p = placeNewNode(neighbours, extent)
      node.x = p.x
      node.y = p.y
      node.vx = 0
      node.vy = 0
    }
  }

  return {
    get nodes() {
      return nodeList
    },
    get links() {
      return linkList
    },
    get linkGroups() {
      return linkGroups
    },
    get running() {
      return running
    },
    get engine() {
      return worker ? 'worker' : 'page'
    },
    node: (id) => simNodes.get(id),
    linksOf: (id) => linksByNode.get(id) ?? [],
    apply,
    pin(node, at) {
      if (at) {
        // Shown where the pointer is at once, whatever the engine's next tick says.
        node.x = at.x
        node.y = at.y
        running = true
      }
      send({ type: 'pin', index: node.index, at })
    },
    stop() {
      send({ type: 'stop' })
      worker?.terminate()
      worker = null
    }
  }
}
