// The network graph's D3 side, bound to elements Vue owns: a <canvas> that shows the graph (graph-canvas.ts) under
// an <svg> of transparent hit targets, one <circle data-node-id> per node, for the pointer, drag, keyboard focus,
// screen readers and tests. Force layout, joins, zoom/pan, drag, keyboard live here. Simulation objects are plain
// (never reactive) and reused by id, so nodes keep their places across updates. A change of latency, state,
// topics or name only repaints; only nodes or links coming or going reheat the layout, to alpha 0.3, with
// newcomers placed next to a neighbour. Per frame: one simulation tick and one canvas paint; the hit targets
// follow a few times a second while the layout moves (and exactly once it rests).
import { drag } from 'd3-drag'
import {
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type Simulation,
  type SimulationLinkDatum,
  type SimulationNodeDatum
} from 'd3-force'
import { select, type Selection } from 'd3-selection'
import 'd3-transition'
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom'
import type { GraphLinkModel, GraphModelSnapshot, GraphNodeModel } from '../../../shared/snapshots'
import { anchorForce } from './anchor-force'
import { boundsOf, fitTransform, type Insets } from './fit-view'
import { diffGraph, normaliseGraph, type NormalisedGraph } from './graph-diff'
import { createGraphCanvas, NODE_RADIUS as RADIUS } from './graph-canvas'
import { groupLinks, linkGroup, type LinkGroup } from './link-paths'
import { nodeAriaLabel, nodeDetails, type NodeDetails } from './node-description'
import { layoutExtent, placeNewNode } from './node-placement'

/** performance.measure name around every update: the bench and the tests read it. */
export const GRAPH_UPDATE_MEASURE = 'chaski:graph-update'
/** Reheat for a change of nodes or links: enough to settle the newcomers, not a whole new layout. */
export const REHEAT_ALPHA = 0.3
/** Above this many nodes only local (and selected or hovered) nodes keep their labels until the user zooms in. */
const LABEL_NODE_LIMIT = 150
/** Latency text only on the links of the selected or hovered node (all of them would be noise), at most this many. */
const LINK_LABEL_LIMIT = 40
/** With more links than this, strokes are hairlines while the layout moves (see graph-canvas.ts). */
const FAST_STROKE_LINK_LIMIT = 300
/**
 * While the layout moves, each hit target follows its node every this many ticks (~5 times a second), a slice of
 * them per tick so no frame pays for all of them at once.
 */
const HIT_SYNC_TICKS = 12
/** Collision (room for labels) costs a second quadtree per tick: only for graphs small enough to show labels. */
const COLLIDE_NODE_LIMIT = 200
const MEASURES_KEPT = 1000

interface SimNode extends SimulationNodeDatum {
  id: string
  model: GraphNodeModel
  /** Where the node was when the graph last changed shape: it is held there while newcomers settle. */
  anchor?: { x: number; y: number } | null
  /** The translate last written to the element, to skip unchanged ones. */
  drawn?: string
}

interface SimLink extends SimulationLinkDatum<SimNode> {
  key: string
  model: GraphLinkModel
  group: LinkGroup
  source: SimNode
  target: SimNode
}

export interface HoverInfo {
  id: string
  /** The node's centre in px from the svg's top-left corner. */
  x: number
  y: number
}

export interface NetworkGraphCallbacks {
  onSelect(id: string | null): void
  onHover(hover: HoverInfo | null): void
  /** Room taken by overlays (toolbar, legend) that fit-to-view keeps free. */
  insets?(): Insets
}

export interface NetworkGraphView {
  update(model: GraphModelSnapshot): void
  setSelected(id: string | null): void
  resize(width: number, height: number): void
  /** Re-reads the theme's colours (call after the theme changed). */
  refreshTheme(): void
  fit(animate?: boolean): void
  details(id: string): NodeDetails | null
  destroy(): void
}

const r1 = (v: number | undefined): number => Math.round((v ?? 0) * 10) / 10

export function createNetworkGraphView(
  elements: { svg: SVGSVGElement; canvas: HTMLCanvasElement },
  callbacks: NetworkGraphCallbacks
): NetworkGraphView {
  const svgEl = elements.svg
  const svg = select(svgEl)
  const graphCanvas = createGraphCanvas(elements.canvas)
  let width = svgEl.clientWidth || 640
  let height = svgEl.clientHeight || 420
  graphCanvas.resize(width, height)
  graphCanvas.refreshColours(svgEl)
  const backdrop = svg.append('rect').attr('class', 'backdrop').attr('width', '100%').attr('height', '100%')
  const viewport = svg.append('g').attr('class', 'viewport')
  const nodeLayer = viewport.append('g').attr('class', 'nodes')

  const simNodes = new Map<string, SimNode>()
  const nodeEls = new Map<string, SVGGElement>()
  const simLinks = new Map<string, SimLink>()
  const linksByNode = new Map<string, SimLink[]>()
  let nodeList: SimNode[] = []
  let linkList: SimLink[] = []
  let linkGroups = groupLinks<SimLink>([])
  let current: NormalisedGraph | null = null
  let nodeSel: Selection<SVGGElement, SimNode, SVGGElement, unknown> = nodeLayer.selectAll<
    SVGGElement,
    SimNode
  >('g.node')
  let labelled: SimNode[] = []
  let selectedId: string | null = null
  let hoveredId: string | null = null
  let focusedId: string | null = null
  let labelMode = ''
  let running = false
  let framePending = 0
  let transform = zoomIdentity.translate(width / 2, height / 2)
  // Follow the first layout with the camera until the user takes over (zoom, pan or drag).
  let autoFit = true
  let ticks = 0
  let measures = 0

  // Links carry their node objects already (no id lookup needed).
  const linkForce = forceLink<SimNode, SimLink>().distance((l) =>
    l.source.model.kind === 'local' && l.target.model.kind === 'local' ? 120 : 70
  )
  const collide = forceCollide<SimNode>((n) => RADIUS[n.model.kind] + 10).iterations(1)
  const simulation: Simulation<SimNode, SimLink> = forceSimulation<SimNode, SimLink>()
    .force('link', linkForce)
    .force('charge', forceManyBody<SimNode>().strength(-220).theta(0.9).distanceMax(600))
    // Weak gravity instead of forceCenter: forceCenter shifts every node when one is added; gravity acts locally
    // and keeps unlinked LAN peers from drifting off.
    // Unlinked nodes (LAN peers not connected) get a stronger pull, or charge alone would push them far out.
    .force(
      'x',
      forceX<SimNode>(0).strength((n) => (linksByNode.has(n.id) ? 0.04 : 0.12))
    )
    .force(
      'y',
      forceY<SimNode>(0).strength((n) => (linksByNode.has(n.id) ? 0.04 : 0.12))
    )
    .force('anchor', anchorForce<SimNode>())
    .stop()
    .on('tick', onTick)
    .on('end', onEnd)

  const zoomBehaviour: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.05, 6])
    .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
      transform = event.transform
      if (event.sourceEvent) autoFit = false
      viewport.attr('transform', transform.toString())
      updateLabelMode()
      // The simulation draws on its own ticks; at rest a zoom must draw the links itself.
      if (!running) scheduleDraw()
    })
  svg.call(zoomBehaviour).on('dblclick.zoom', null)
  svg.call(zoomBehaviour.transform, transform)

  // A press without movement is a click (select), not a drag: the layout reheats only once the node really moves.
  let dragging = false
  const dragBehaviour = drag<SVGGElement, SimNode>()
    .clickDistance(4)
    .on('start', () => {
      dragging = false
    })
    .on('drag', (event, d) => {
      if (!dragging) {
        dragging = true
        autoFit = false
        simulation.alphaTarget(REHEAT_ALPHA)
        restart()
      }
      d.fx = event.x
      d.fy = event.y
    })
    .on('end', (_event, d) => {
      if (!dragging) return
      dragging = false
      simulation.alphaTarget(0)
      d.fx = null
      d.fy = null
    })

  backdrop.on('click', () => callbacks.onSelect(null))
  nodeLayer
    .on('click', (event: MouseEvent) => {
      const id = nodeIdOf(event.target)
      if (id !== null) callbacks.onSelect(id)
    })
    .on('keydown', (event: KeyboardEvent) => {
      const id = nodeIdOf(event.target)
      if (id === null) return
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault()
        callbacks.onSelect(id)
      } else if (event.key === 'Escape') callbacks.onSelect(null)
    })
    .on('pointerover', (event: PointerEvent) => setHovered(nodeIdOf(event.target)))
    .on('pointerout', (event: PointerEvent) => {
      const to = nodeIdOf(event.relatedTarget)
      if (to !== hoveredId) setHovered(to)
    })
    .on('focusin', (event: FocusEvent) => {
      focusedId = nodeIdOf(event.target)
      setHovered(focusedId)
    })
    .on('focusout', (event: FocusEvent) => {
      focusedId = nodeIdOf(event.relatedTarget)
      setHovered(focusedId)
    })

  function nodeIdOf(target: EventTarget | null): string | null {
    const el = target instanceof Element ? target.closest('g.node') : null
    return el?.getAttribute('data-id') ?? null
  }

  function setHovered(id: string | null): void {
    if (id === hoveredId) return
    hoveredId = id
    const node = id === null ? undefined : simNodes.get(id)
    callbacks.onHover(
      node ? { id: node.id, x: transform.applyX(node.x ?? 0), y: transform.applyY(node.y ?? 0) } : null
    )
    chooseLabels()
    if (!running) scheduleDraw()
  }

  function restart(alpha?: number): void {
    if (alpha !== undefined) simulation.alpha(alpha)
    if (!running) {
      running = true
      svgEl.setAttribute('data-simulating', 'true')
    }
    simulation.restart()
  }

  function onTick(): void {
    ticks++
    // While the first layout spreads out, keep it in view (cheap: one bounds pass every 15 ticks).
    if (autoFit && ticks % 15 === 0) fit(false)
    draw()
  }

  function onEnd(): void {
    running = false
    for (const n of nodeList) n.anchor = null
    svgEl.setAttribute('data-simulating', 'false')
    // Full-quality strokes and exact hit targets now that nothing moves.
    scheduleDraw()
    if (autoFit) {
      fit(true)
      autoFit = false
    }
  }

  /** At rest, coalesce repaints (hover, selection, zoom, latency updates) into one per frame. */
  function scheduleDraw(): void {
    if (framePending === 0) framePending = requestAnimationFrame(draw)
  }

  function draw(): void {
    if (framePending !== 0) cancelAnimationFrame(framePending)
    framePending = 0
    if (!running) syncHitTargets(0, nodeList.length)
    else {
      const slice = Math.ceil(nodeList.length / HIT_SYNC_TICKS)
      const start = (ticks % HIT_SYNC_TICKS) * slice
      syncHitTargets(start, start + slice)
    }
    graphCanvas.paint({
      nodes: nodeList,
      linkGroups,
      focusLinks: focusLinks(),
      labelled,
      selected: selectedId === null ? null : (simNodes.get(selectedId) ?? null),
      focused: focusedId === null ? null : (simNodes.get(focusedId) ?? null),
      transform,
      fast: running && linkList.length > FAST_STROKE_LINK_LIMIT
    })
  }

  /** Moves hit targets [from, to) to their nodes; only those that moved by half a screen pixel or more are touched. */
  function syncHitTargets(from: number, to: number): void {
    const quantum = 0.5 / transform.k
    for (let i = from; i < Math.min(to, nodeList.length); i++) {
      const d = nodeList[i]
      const t = `translate(${r1(Math.round((d.x ?? 0) / quantum) * quantum)},${r1(Math.round((d.y ?? 0) / quantum) * quantum)})`
      if (t !== d.drawn) {
        d.drawn = t
        nodeEls.get(d.id)?.setAttribute('transform', t)
      }
    }
  }

  function updateLabelMode(): void {
    const k = transform.k
    const mode = k < 0.45 ? 'none' : nodeList.length > LABEL_NODE_LIMIT && k < 1.5 ? 'local' : 'all'
    svgEl.setAttribute('data-link-labels', k < 0.6 ? 'off' : 'on')
    if (mode === labelMode) return
    labelMode = mode
    svgEl.setAttribute('data-labels', mode)
    chooseLabels()
  }

  /** Which nodes show their name: all, or on large graphs the local ones plus the selected and hovered one. */
  function chooseLabels(): void {
    labelled =
      labelMode === 'all'
        ? nodeList
        : nodeList.filter(
            (d) =>
              d.id === selectedId || d.id === hoveredId || (labelMode === 'local' && d.model.kind === 'local')
          )
  }

  function paintHitTarget(el: SVGGElement, d: SimNode): void {
    const m = d.model
    el.setAttribute('class', `node ${m.kind}${m.paired ? ' paired' : ''}`)
    el.setAttribute('aria-label', nodeAriaLabel(m, linksByNode.get(d.id)?.length ?? 0))
    // A little larger than the drawn node: easier to hit.
    el.firstElementChild?.setAttribute('r', String(RADIUS[m.kind] + 2))
  }

  function joinNodes(): void {
    nodeSel = nodeLayer
      .selectAll<SVGGElement, SimNode>('g.node')
      .data(nodeList, (d) => d.id)
      .join(
        (enter) => {
          const g = enter
            .append('g')
            .attr('tabindex', 0)
            .attr('role', 'button')
            .attr('data-id', (d) => d.id)
          g.append('circle')
            .attr('class', 'body')
            .attr('data-node-id', (d) => d.id)
          g.call(dragBehaviour)
          return g
        },
        (update) => update,
        (exit) =>
          exit
            .each((d) => {
              nodeEls.delete(d.id)
            })
            .remove()
      )
    nodeSel.each(function (d) {
      nodeEls.set(d.id, this)
      paintHitTarget(this, d)
    })
    // Local nodes last in the DOM so they win the hit test, as they are drawn on top.
    nodeSel.filter((d) => d.model.kind === 'local').raise()
  }

  function focusLinks(): SimLink[] {
    const ids = [...new Set([selectedId, hoveredId])].filter((id): id is string => id !== null)
    return [...new Set(ids.flatMap((id) => linksByNode.get(id) ?? []))].slice(0, LINK_LABEL_LIMIT)
  }

  function update(model: GraphModelSnapshot): void {
    const t0 = performance.now()
    const next = normaliseGraph(model)
    const diff = diffGraph(current, next)
    const firstLayout = simNodes.size === 0
    current = next

    for (const id of diff.removedNodeIds) simNodes.delete(id)
    for (const [id, m] of next.nodes) {
      const existing = simNodes.get(id)
      if (existing) existing.model = m
      else simNodes.set(id, { id, model: m })
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

    if (diff.structural) {
      nodeList = [...simNodes.values()]
      linkList = [...simLinks.values()]
      linksByNode.clear()
      for (const l of linkList) {
        for (const end of [l.source.id, l.target.id]) {
          const list = linksByNode.get(end)
          if (list) list.push(l)
          else linksByNode.set(end, [l])
        }
      }
      if (!firstLayout) {
        for (const n of nodeList) if (n.x !== undefined && n.y !== undefined) n.anchor = { x: n.x, y: n.y }
        placeNewcomers(diff.addedNodeIds)
      }
      joinNodes()
      simulation.force('collide', nodeList.length <= COLLIDE_NODE_LIMIT ? collide : null)
      simulation.nodes(nodeList)
      linkForce.links(linkList)
      labelMode = ''
      updateLabelMode()
      restart(firstLayout ? 1 : Math.max(simulation.alpha(), REHEAT_ALPHA))
    } else if (diff.changedNodeIds.length > 0) {
      const changed = new Set(diff.changedNodeIds)
      nodeSel
        .filter((d) => changed.has(d.id))
        .each(function (d) {
          paintHitTarget(this, d)
        })
    }
    // At rest the repaint is part of the update (and of its measure); while moving the next tick paints it.
    if (!running) draw()

    const t1 = performance.now()
    if (++measures > MEASURES_KEPT) {
      performance.clearMeasures(GRAPH_UPDATE_MEASURE)
      measures = 1
    }
    performance.measure(GRAPH_UPDATE_MEASURE, {
      start: t0,
      end: t1,
      detail: {
        nodes: nodeList.length,
        links: linkList.length,
        changedLinks: diff.changedLinkKeys.length,
        changedNodes: diff.changedNodeIds.length,
        structural: diff.structural
      }
    })
  }

  function placeNewcomers(ids: string[]): void {
    const added = new Set(ids)
    const extent = layoutExtent(
      nodeList.filter((n) => !added.has(n.id) && n.x !== undefined).map((n) => ({ x: n.x!, y: n.y! }))
    )
    for (const id of ids) {
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

  function setSelected(id: string | null): void {
    if (id === selectedId) return
    selectedId = id
    svgEl.setAttribute('data-selected-id', id ?? '')
    chooseLabels()
    if (!running) scheduleDraw()
  }

  function fit(animate = true): void {
    const t = fitTransform(boundsOf(nodeList), width, height, { padding: 32, insets: callbacks.insets?.() })
    const target = zoomIdentity.translate(t.x, t.y).scale(t.k)
    if (animate) svg.transition().duration(450).call(zoomBehaviour.transform, target)
    else svg.call(zoomBehaviour.transform, target)
  }

  function resize(w: number, h: number): void {
    if (w <= 0 || h <= 0 || (w === width && h === height)) return
    // Keep what was in the middle in the middle.
    const dx = (w - width) / 2
    const dy = (h - height) / 2
    width = w
    height = h
    graphCanvas.resize(w, h)
    if (autoFit && nodeList.length > 0) fit(false)
    else svg.call(zoomBehaviour.transform, transform.translate(dx / transform.k, dy / transform.k))
    scheduleDraw()
  }

  function refreshTheme(): void {
    graphCanvas.refreshColours(svgEl)
    scheduleDraw()
  }

  function details(id: string): NodeDetails | null {
    const node = simNodes.get(id)
    if (!node) return null
    return nodeDetails(
      node.model,
      (linksByNode.get(id) ?? []).map((l) => l.model),
      (other) => simNodes.get(other)?.model.label ?? other
    )
  }

  function destroy(): void {
    simulation.stop()
    simulation.on('tick', null).on('end', null)
    if (framePending !== 0) cancelAnimationFrame(framePending)
    svg.interrupt()
    svg.on('.zoom', null)
    svg.selectAll('*').remove()
  }

  return { update, setSelected, resize, refreshTheme, fit, details, destroy }
}
