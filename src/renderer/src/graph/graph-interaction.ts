// What the person does with the graph: zoom and pan (d3-zoom on the <svg>), drag a node (d3-drag on its hit
// target), click or Enter to select, Escape to clear, hover and keyboard focus. Turned into a few callbacks for
// the view; no drawing here.
import { drag } from 'd3-drag'
import { select } from 'd3-selection'
import 'd3-transition'
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from 'd3-zoom'

export interface InteractionHooks {
  /** The view moved; `byUser` when a person zoomed or panned (not fit-to-view). */
  transformed(transform: ZoomTransform, byUser: boolean): void
  select(id: string | null): void
  hover(id: string | null): void
  focus(id: string | null): void
  /** A node is being dragged to (x, y) in graph units; null when it is let go. */
  drag(id: string, at: { x: number; y: number } | null): void
  /** The graph's size in px (the zoom extent: the element's own may read 0 while it is hidden). */
  size(): { width: number; height: number }
}

export interface GraphInteraction {
  readonly transform: ZoomTransform
  /** Moves the view; animated only when the graph can be seen (a hidden one jumps). */
  setTransform(target: ZoomTransform, animate: boolean): void
  /** d3-drag for new node hit targets. */
  attachDrag(elements: Iterable<SVGGElement>): void
  destroy(): void
}

export function createGraphInteraction(
  svgEl: SVGSVGElement,
  nodeLayer: SVGGElement,
  backdrop: SVGRectElement,
  hooks: InteractionHooks
): GraphInteraction {
  const svg = select(svgEl)
  const { width, height } = hooks.size()
  let transform = zoomIdentity.translate(width / 2, height / 2)

  const zoomBehaviour: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.05, 6])
    // d3-zoom reads the svg's own size by default, which is 0 while the graph's tab is hidden: an animated zoom
    // then interpolates over a zero-wide view and writes translate(NaN,NaN). Our last known size never is 0.
    .extent(() => {
      const s = hooks.size()
      return [
        [0, 0],
        [s.width, s.height]
      ]
    })
    .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
      const t = event.transform
      if (!Number.isFinite(t.k) || !Number.isFinite(t.x) || !Number.isFinite(t.y) || t.k <= 0) return
      transform = t
      hooks.transformed(t, event.sourceEvent != null)
    })
  svg.call(zoomBehaviour).on('dblclick.zoom', null)
  svg.call(zoomBehaviour.transform, transform)

  // A press without movement is a click (select), not a drag: the layout reheats only once the node really moves.
  // The subject is the target's datum (its simulation node) and the container the zoomed layer, so event.x/y are
  // in graph units.
  let dragging = false
  const dragBehaviour = drag<SVGGElement, unknown>()
    .clickDistance(4)
    .on('start', () => {
      dragging = false
    })
    .on('drag', function (event: { x: number; y: number }) {
      const id = this.getAttribute('data-id')
      if (id === null) return
      dragging = true
      hooks.drag(id, { x: event.x, y: event.y })
    })
    .on('end', function () {
      const id = this.getAttribute('data-id')
      if (!dragging || id === null) return
      dragging = false
      hooks.drag(id, null)
    })

  backdrop.addEventListener('click', () => hooks.select(null))
  nodeLayer.addEventListener('click', (event) => {
    const id = nodeIdOf(event.target)
    if (id !== null) hooks.select(id)
  })
  nodeLayer.addEventListener('keydown', (event) => {
    const id = nodeIdOf(event.target)
    if (id === null) return
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      hooks.select(id)
    } else if (event.key === 'Escape') hooks.select(null)
  })
  let hovered: string | null = null
  nodeLayer.addEventListener('pointerover', (event) => {
    hovered = nodeIdOf(event.target)
    hooks.hover(hovered)
  })
  nodeLayer.addEventListener('pointerout', (event) => {
    const to = nodeIdOf(event.relatedTarget)
    if (to !== hovered) {
      hovered = to
      hooks.hover(to)
    }
  })
  nodeLayer.addEventListener('focusin', (event) => hooks.focus(nodeIdOf(event.target)))
  nodeLayer.addEventListener('focusout', (event) => hooks.focus(nodeIdOf(event.relatedTarget)))

  return {
    get transform() {
      return transform
    },
    setTransform(target, animate) {
      if (animate && svgEl.clientWidth > 0) {
        // Marked while it runs, so whoever reads the view (tests, the bench) can wait for it to stand still.
        svgEl.setAttribute('data-zooming', 'true')
        svg
          .transition()
          .duration(450)
          .call(zoomBehaviour.transform, target)
          .on('end interrupt', () => svgEl.removeAttribute('data-zooming'))
      } else {
        svg.interrupt()
        svg.call(zoomBehaviour.transform, target)
      }
    },
    attachDrag(elements) {
      for (const el of elements) select(el).call(dragBehaviour)
    },
    destroy() {
      svg.interrupt()
      svg.on('.zoom', null)
    }
  }
}

function nodeIdOf(target: EventTarget | null): string | null {
  const el = target instanceof Element ? target.closest('g.node') : null
  return el?.getAttribute('data-id') ?? null
}
