// D3 force graph bound to an <svg>. Vue owns the element; this module owns the simulation and the joins.
// Simulation objects are reused across updates (keyed by id) so existing nodes keep their positions.
import * as d3 from 'd3'
import type { GraphLink, GraphModel, GraphNode } from './types'

interface SimNode extends d3.SimulationNodeDatum, GraphNode {}
interface SimLink extends d3.SimulationLinkDatum<SimNode> {
  key: string
  latencyMs?: number
}

export interface ForceGraph {
  update(model: GraphModel): void
  destroy(): void
}

const topicColour = d3.scaleOrdinal<string, string>(d3.schemeTableau10)

export function createForceGraph(svgEl: SVGSVGElement, size: { width: number; height: number }): ForceGraph {
  const svg = d3.select(svgEl).attr('viewBox', `0 0 ${size.width} ${size.height}`)
  const linkLayer = svg.append('g').attr('class', 'links')
  const nodeLayer = svg.append('g').attr('class', 'nodes')
  const byId = new Map<string, SimNode>()

  const simulation = d3
    .forceSimulation<SimNode, SimLink>()
    .force('charge', d3.forceManyBody().strength(-180))
    .force(
      'link',
      d3
        .forceLink<SimNode, SimLink>()
        .id((n) => n.id)
        .distance(70)
    )
    .force('center', d3.forceCenter(size.width / 2, size.height / 2))
    .on('tick', render)

  function render(): void {
    linkLayer
      .selectAll<SVGLineElement, SimLink>('line')
      .attr('x1', (l) => (l.source as SimNode).x ?? 0)
      .attr('y1', (l) => (l.source as SimNode).y ?? 0)
      .attr('x2', (l) => (l.target as SimNode).x ?? 0)
      .attr('y2', (l) => (l.target as SimNode).y ?? 0)
    nodeLayer
      .selectAll<SVGGElement, SimNode>('g.node')
      .attr('transform', (n) => `translate(${n.x ?? 0},${n.y ?? 0})`)
  }

  function update(model: GraphModel): void {
    const nodes = model.nodes.map((n) => Object.assign(byId.get(n.id) ?? { ...n }, n))
    byId.clear()
    for (const n of nodes) byId.set(n.id, n)
    const links: SimLink[] = model.links
      .filter((l: GraphLink) => byId.has(l.source) && byId.has(l.target))
      .map((l) => ({
        key: `${l.source}|${l.target}`,
        source: l.source,
        target: l.target,
        latencyMs: l.latencyMs
      }))

    linkLayer
      .selectAll<SVGLineElement, SimLink>('line')
      .data(links, (l) => l.key)
      .join('line')
      .attr('stroke', 'var(--link)')
      .attr('stroke-width', 1.5)

    const joined = nodeLayer
      .selectAll<SVGGElement, SimNode>('g.node')
      .data(nodes, (n) => n.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'node')
        g.append('circle').attr('r', 10)
        g.append('text').attr('dy', 24).attr('text-anchor', 'middle').attr('font-size', 11)
        return g
      })
    joined
      .select('circle')
      .attr('fill', (n) => topicColour(n.topics[0] ?? ''))
      .attr('data-id', (n) => n.id)
    joined
      .select('text')
      .attr('fill', 'currentColor')
      .text((n) => n.label)

    simulation.nodes(nodes)
    simulation.force<d3.ForceLink<SimNode, SimLink>>('link')?.links(links)
    simulation.alpha(0.3).restart()
  }

  return {
    update,
    destroy: () => {
      simulation.stop()
      svg.selectAll('*').remove()
    }
  }
}
