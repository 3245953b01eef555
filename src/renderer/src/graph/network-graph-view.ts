// The network graph's D3 side, bound to elements Vue owns: a <canvas> that shows the graph (graph-canvas.ts) under
// an <svg> of transparent hit targets (graph-hit-targets.ts) and link labels (link-label-layer.ts). This module
// ties together the layout (graph-layout.ts, its forces in a worker) and what the person does
// (graph-interaction.ts): it keeps the selection, hover and focus, decides what is labelled, and paints. While the
// layout moves: one canvas paint per frame with the newest positions; the hit targets follow a few times a second
// (and exactly once it rests).
import { zoomIdentity, type ZoomTransform } from 'd3-zoom'
import type { GraphModelSnapshot } from '../../../shared/snapshots'
import { boundsOf, fitTransform, type Insets } from './fit-view'
import { createGraphCanvas } from './graph-canvas'
import {
  diffGraph,
  isLocalLanLink,
  normaliseGraph,
  type GraphFilter,
  type NormalisedGraph
} from './graph-diff'
import { createHitTargets } from './graph-hit-targets'
import { createGraphInteraction } from './graph-interaction'
import { createGraphLayout, type SimLink, type SimNode } from './graph-layout'
import { formatLatency } from './graph-scales'
import { createLinkLabelLayer } from './link-label-layer'
import { placeLinkLabels, type LabelLink } from './link-labels'
import { nodeDetails, type NodeDetails } from './node-description'
import { NODE_RADIUS } from './sprite-look'

export { REHEAT_ALPHA } from './graph-layout'

/** performance.measure name around every update: the bench and the tests read it. */
export const GRAPH_UPDATE_MEASURE = 'chaski:graph-update'
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
/**
 * Above this many nodes the hit targets stand still while the layout moves, and take no pointer (nothing to hover
 * or grab in the wrong place): moving thousands of SVG elements costs the browser more per frame than drawing
 * the graph. They catch up the moment the layout rests, a few seconds later.
 */
const LIVE_HIT_TARGET_LIMIT = 1000
const MEASURES_KEPT = 1000

export interface HoverInfo {
  id: string
  /** The node's centre in px from the svg's top-left corner. */
  x: number
  y: number
}

export interface NetworkGraphCallbacks {
  onSelect(id: string | null): void
  onHover(hover: HoverInfo | null): void
  /** Room taken by overlays that fit-to-view keeps free. */
  insets?(): Insets
}

export interface NetworkGraphView {
  update(model: GraphModelSnapshot): void
  /** What the graph leaves out (heard links between local nodes); applied at once. */
  setFilter(filter: GraphFilter): void
  setSelected(id: string | null): void
  resize(width: number, height: number): void
  /** Re-reads the theme's colours (call after the theme changed). */
  refreshTheme(): void
  fit(animate?: boolean): void
  details(id: string): NodeDetails | null
  destroy(): void
}

const SVG_NS = 'http://www.w3.org/2000/svg'

export function createNetworkGraphView(
  elements: { svg: SVGSVGElement; canvas: HTMLCanvasElement },
  callbacks: NetworkGraphCallbacks
): NetworkGraphView {
  const svgEl = elements.svg
  const graphCanvas = createGraphCanvas(elements.canvas)
  let width = svgEl.clientWidth || 640
  let height = svgEl.clientHeight || 420
  graphCanvas.resize(width, height)
  graphCanvas.refreshColours(svgEl)

  const backdrop = document.createElementNS(SVG_NS, 'rect')
  backdrop.setAttribute('class', 'backdrop')
  backdrop.setAttribute('width', '100%')
  backdrop.setAttribute('height', '100%')
  const viewport = document.createElementNS(SVG_NS, 'g')
  viewport.setAttribute('class', 'viewport')
  const nodeLayer = document.createElementNS(SVG_NS, 'g')
  nodeLayer.setAttribute('class', 'nodes')
  viewport.appendChild(nodeLayer)
  svgEl.append(backdrop, viewport)
  const labelLayer = createLinkLabelLayer(svgEl)
  labelLayer.setFont(getComputedStyle(svgEl).getPropertyValue('--graph-font').trim() || 'sans-serif')

  let model: GraphModelSnapshot = { nodes: [], links: [] }
  let filter: GraphFilter = {}
  let current: NormalisedGraph | null = null
  let labelled: SimNode[] = []
  let selectedId: string | null = null
  let hoveredId: string | null = null
  let focusedId: string | null = null
  let labelMode = ''
  let framePending = 0
  // Follow the first layout with the camera until the user takes over (zoom, pan or drag).
  let autoFit = true
  let ticks = 0
  let measures = 0
  let currentTransform: ZoomTransform = zoomIdentity

  const layout = createGraphLayout({ tick: onTick, end: onEnd })
  const hitTargets = createHitTargets(nodeLayer, layout)
  const interaction = createGraphInteraction(svgEl, nodeLayer, backdrop, {
    size: () => ({ width, height }),
    transformed(t, byUser) {
      currentTransform = t
      if (byUser) autoFit = false
      viewport.setAttribute('transform', t.toString())
      updateLabelMode()
      // The simulation draws on its own ticks; at rest a zoom must draw itself.
      if (!layout.running) scheduleDraw()
    },
    select: (id) => callbacks.onSelect(id),
    hover: (id) => setHovered(id),
    focus(id) {
      focusedId = id
      setHovered(id)
    },
    drag(id, at) {
      const node = layout.node(id)
      if (!node) return
      if (at) {
        autoFit = false
        if (!layout.running) setSimulating(true)
      }
      layout.pin(node, at)
    }
  })

  function transform(): ZoomTransform {
    return currentTransform
  }

  function setSimulating(on: boolean): void {
    svgEl.setAttribute('data-simulating', on ? 'true' : 'false')
    nodeLayer.classList.toggle('frozen', on && layout.nodes.length > LIVE_HIT_TARGET_LIMIT)
  }

  function setHovered(id: string | null): void {
    if (id === hoveredId) return
    hoveredId = id
    const node = id === null ? undefined : layout.node(id)
    const t = transform()
    callbacks.onHover(node ? { id: node.id, x: t.applyX(node.x ?? 0), y: t.applyY(node.y ?? 0) } : null)
    chooseLabels()
    if (!layout.running) scheduleDraw()
  }

  function onTick(): void {
    ticks++
    if (svgEl.getAttribute('data-simulating') !== 'true') setSimulating(true)
    // While the first layout spreads out, keep it in view (cheap: one bounds pass every 15 ticks).
    if (autoFit && ticks % 15 === 0) fit(false)
    // One paint per frame, with the newest positions, however many ticks arrived since the last one.
    scheduleDraw()
  }

  function onEnd(): void {
    setSimulating(false)
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
    const t = transform()
    const nodes = layout.nodes
    if (!layout.running) hitTargets.sync(0, nodes.length, t.k)
    else if (nodes.length <= LIVE_HIT_TARGET_LIMIT) {
      const slice = Math.ceil(nodes.length / HIT_SYNC_TICKS)
      const start = (ticks % HIT_SYNC_TICKS) * slice
      hitTargets.sync(start, start + slice, t.k)
    }
    const focusLinks = focusedLinks()
    graphCanvas.paint({
      nodes,
      linkGroups: layout.linkGroups,
      focusLinks,
      labelled,
      selected: selectedId === null ? null : (layout.node(selectedId) ?? null),
      focused: focusedId === null ? null : (layout.node(focusedId) ?? null),
      transform: t,
      fast: layout.running && layout.links.length > FAST_STROKE_LINK_LIMIT
    })
    drawLinkLabels(focusLinks, t)
  }

  /** Latency text on the focus links, where there is room: zoomed in, or a node with few links. */
  function drawLinkLabels(links: readonly SimLink[], t: ZoomTransform): void {
    if (links.length === 0 || (t.k < 0.6 && links.length > 8)) {
      labelLayer.render([])
      return
    }
    const candidates: LabelLink[] = []
    for (const l of links) {
      if (l.model.latencyMs === null) continue
      const text = formatLatency(l.model.latencyMs)
      candidates.push({
        key: l.key,
        text,
        width: labelLayer.measure(text),
        x1: t.applyX(l.source.x ?? 0),
        y1: t.applyY(l.source.y ?? 0),
        x2: t.applyX(l.target.x ?? 0),
        y2: t.applyY(l.target.y ?? 0),
        r1: NODE_RADIUS[l.source.model.kind] * t.k,
        r2: NODE_RADIUS[l.target.model.kind] * t.k
      })
    }
    const obstacles = layout.nodes.map((n) => ({
      x: t.applyX(n.x ?? 0),
      y: t.applyY(n.y ?? 0),
      r: NODE_RADIUS[n.model.kind] * t.k
    }))
    labelLayer.render(placeLinkLabels(candidates, obstacles, { width, height }))
  }

  function updateLabelMode(): void {
    const k = transform().k
    const mode = k < 0.45 ? 'none' : layout.nodes.length > LABEL_NODE_LIMIT && k < 1.5 ? 'local' : 'all'
    if (mode === labelMode) return
    labelMode = mode
    svgEl.setAttribute('data-labels', mode)
    chooseLabels()
  }

  /** Which nodes show their name: all, or on large graphs the local ones plus the selected and hovered one. */
  function chooseLabels(): void {
    labelled =
      labelMode === 'all'
        ? [...layout.nodes]
        : layout.nodes.filter(
            (d) =>
              d.id === selectedId || d.id === hoveredId || (labelMode === 'local' && d.model.kind === 'local')
          )
  }

  /** The selected node's links first (their labels are placed first), then the hovered one's. */
  function focusedLinks(): SimLink[] {
    const ids = [...new Set([selectedId, hoveredId])].filter((id): id is string => id !== null)
    return [...new Set(ids.flatMap((id) => layout.linksOf(id)))].slice(0, LINK_LABEL_LIMIT)
  }

  function apply(): void {
    const t0 = performance.now()
    const next = normaliseGraph(model, filter)
    const diff = diffGraph(current, next)
    current = next
    layout.apply(next, diff)
    svgEl.setAttribute('data-links', String(layout.links.length))
    svgEl.setAttribute('data-layout-engine', layout.engine)
    svgEl.setAttribute(
      'data-local-lan-links',
      String(layout.links.filter((l) => isLocalLanLink(l.model, next.nodes)).length)
    )
    if (diff.structural) {
      interaction.attachDrag(hitTargets.join())
      labelMode = ''
      updateLabelMode()
      if (layout.running) setSimulating(true)
    } else if (diff.changedNodeIds.length > 0) hitTargets.describe(diff.changedNodeIds)
    // At rest the repaint is part of the update (and of its measure); while moving the next tick paints it.
    if (!layout.running) draw()

    const t1 = performance.now()
    if (++measures > MEASURES_KEPT) {
      performance.clearMeasures(GRAPH_UPDATE_MEASURE)
      measures = 1
    }
    performance.measure(GRAPH_UPDATE_MEASURE, {
      start: t0,
      end: t1,
      detail: {
        nodes: layout.nodes.length,
        links: layout.links.length,
        changedLinks: diff.changedLinkKeys.length,
        changedNodes: diff.changedNodeIds.length,
        structural: diff.structural
      }
    })
  }

  function update(next: GraphModelSnapshot): void {
    model = next
    apply()
  }

  function setFilter(next: GraphFilter): void {
    if (!!next.localLanLinks === !!filter.localLanLinks) return
    filter = { ...next }
    apply()
  }

  function setSelected(id: string | null): void {
    if (id === selectedId) return
    selectedId = id
    svgEl.setAttribute('data-selected-id', id ?? '')
    chooseLabels()
    if (!layout.running) scheduleDraw()
  }

  function fit(animate = true): void {
    const t = fitTransform(boundsOf(layout.nodes), width, height, {
      padding: 32,
      insets: callbacks.insets?.()
    })
    interaction.setTransform(zoomIdentity.translate(t.x, t.y).scale(t.k), animate)
  }

  function resize(w: number, h: number): void {
    if (!(w > 0 && h > 0) || (w === width && h === height)) return
    // Keep what was in the middle in the middle.
    const dx = (w - width) / 2
    const dy = (h - height) / 2
    width = w
    height = h
    graphCanvas.resize(w, h)
    const t = transform()
    if (autoFit && layout.nodes.length > 0) fit(false)
    else interaction.setTransform(t.translate(dx / t.k, dy / t.k), false)
    scheduleDraw()
  }

  function refreshTheme(): void {
    graphCanvas.refreshColours(svgEl)
    labelLayer.setFont(getComputedStyle(svgEl).getPropertyValue('--graph-font').trim() || 'sans-serif')
    scheduleDraw()
  }

  function details(id: string): NodeDetails | null {
    const node = layout.node(id)
    if (!node) return null
    return nodeDetails(
      node.model,
      layout.linksOf(id).map((l) => l.model),
      (other) => layout.node(other)?.model.label ?? other
    )
  }

  function destroy(): void {
    layout.stop()
    if (framePending !== 0) cancelAnimationFrame(framePending)
    interaction.destroy()
    svgEl.replaceChildren()
  }

  return { update, setFilter, setSelected, resize, refreshTheme, fit, details, destroy }
}
