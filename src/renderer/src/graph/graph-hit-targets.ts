// The SVG side of the graph's nodes: one transparent, focusable <g class="node" data-id><circle data-node-id> per
// node, for the pointer, drag, keyboard focus, screen readers and tests (the canvas shows them). Circles move by
// cx/cy inside the one zoomed layer, never by a transform of their own: a transform per element costs the browser
// a compositing node each, and re-layering 2000 of them every frame cost more than drawing the whole graph.
import { select, type Selection } from 'd3-selection'
import type { GraphLayout, SimNode } from './graph-layout'
import { NODE_RADIUS } from './sprite-look'
import { nodeAriaLabel } from './node-description'

export interface HitTargets {
  /** Adds and removes targets for the layout's nodes; returns the new ones (for d3-drag). */
  join(): SVGGElement[]
  /** Refreshes the names and classes of the given nodes (their model changed). */
  describe(ids: Iterable<string>): void
  /** Moves targets [from, to) of the layout's node list to their nodes, those that moved by a screen half pixel. */
  sync(from: number, to: number, k: number): void
}

interface Target {
  g: SVGGElement
  circle: SVGCircleElement
  /** The cx/cy last written, to skip unchanged ones. */
  x: number
  y: number
}

export function createHitTargets(layer: SVGGElement, layout: GraphLayout): HitTargets {
  const targets = new Map<string, Target>()

  function describe(el: Target, d: SimNode): void {
    const m = d.model
    el.g.setAttribute('class', `node ${m.kind}${m.paired ? ' paired' : ''}`)
    el.g.setAttribute('aria-label', nodeAriaLabel(m, layout.linksOf(d.id).length))
    // A little larger than the drawn node: easier to hit.
    el.circle.setAttribute('r', String(NODE_RADIUS[m.kind] + 2))
  }

  return {
    join() {
      const added: SVGGElement[] = []
      const joined = select(layer)
        .selectAll<SVGGElement, SimNode>('g.node')
        .data(layout.nodes, (d) => d.id)
      joined
        .exit<SimNode>()
        .each((d) => targets.delete(d.id))
        .remove()
      let sel: Selection<SVGGElement, SimNode, SVGGElement, unknown> = joined
      const entered = sel
        .enter()
        .append('g')
        .attr('tabindex', 0)
        .attr('role', 'button')
        .attr('data-id', (d) => d.id)
      entered
        .append('circle')
        .attr('class', 'body')
        .attr('data-node-id', (d) => d.id)
      entered.each(function (d) {
        targets.set(d.id, { g: this, circle: this.firstElementChild as SVGCircleElement, x: NaN, y: NaN })
        added.push(this)
      })
      sel = entered.merge(sel)
      sel.each((d) => {
        const t = targets.get(d.id)
        if (t) describe(t, d)
      })
      // Local nodes last in the DOM so they win the hit test, as they are drawn on top.
      sel.filter((d) => d.model.kind === 'local').raise()
      return added
    },
    describe(ids) {
      for (const id of ids) {
        const t = targets.get(id)
        const d = layout.node(id)
        if (t && d) describe(t, d)
      }
    },
    sync(from, to, k) {
      const quantum = 0.5 / k
      const nodes = layout.nodes
      for (let i = Math.max(0, from); i < Math.min(to, nodes.length); i++) {
        const d = nodes[i]
        const t = targets.get(d.id)
        if (!t || !Number.isFinite(d.x) || !Number.isFinite(d.y)) continue
        const x = Math.round(d.x! / quantum) * quantum
        const y = Math.round(d.y! / quantum) * quantum
        if (x === t.x && y === t.y) continue
        t.x = x
        t.y = y
        t.circle.setAttribute('cx', String(Math.round(x * 10) / 10))
        t.circle.setAttribute('cy', String(Math.round(y * 10) / 10))
      }
    }
  }
}
