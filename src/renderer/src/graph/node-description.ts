// Words for a graph node: the hover tooltip's lines and the accessible name of the focusable node.
import type { GraphLinkModel, GraphNodeModel, GraphNodeKind } from '../../../shared/snapshots'
import { formatLatency } from './graph-scales'

const KIND_TEXT: Record<GraphNodeKind, string> = {
  local: 'local node',
  peer: 'peer',
  lan: 'heard on the LAN, not connected'
}

const STATE_TEXT: Record<GraphLinkModel['state'], string> = {
  connected: 'connected',
  reconnecting: 'reconnecting',
  'gave-up': 'gave up',
  heard: 'heard on the LAN, not connected'
}

export interface NodeDetails {
  title: string
  kind: string
  address: string
  topics: string[]
  paired: boolean
  /** The node's links, slowest first: 'Node1 · 0.42 ms' (or with the state when not connected). */
  links: string[]
  /** How many links were left out of `links`. */
  moreLinks: number
}

export function nodeDetails(
  node: GraphNodeModel,
  links: readonly GraphLinkModel[],
  labelOf: (id: string) => string,
  maxLinks = 6
): NodeDetails {
  const sorted = [...links].sort((a, b) => (b.latencyMs ?? -1) - (a.latencyMs ?? -1))
  return {
    title: node.label,
    kind: KIND_TEXT[node.kind],
    address: node.address ?? 'address not known',
    topics: node.topics,
    paired: node.paired,
    links: sorted.slice(0, maxLinks).map((l) => {
      const other = labelOf(l.source === node.id ? l.target : l.source)
      const state = l.state === 'connected' ? '' : `, ${STATE_TEXT[l.state]}`
      return `${other} · ${formatLatency(l.latencyMs)}${state}`
    }),
    moreLinks: Math.max(0, sorted.length - maxLinks)
  }
}

/** The accessible name of a node, e.g. 'Node1, peer, 127.0.0.1:9001, topics A and B, paired, 2 links'. */
export function nodeAriaLabel(node: GraphNodeModel, linkCount: number): string {
  const topics =
    node.topics.length === 0
      ? 'no topics'
      : node.topics.length === 1
        ? `topic ${node.topics[0]}`
        : `topics ${node.topics.slice(0, -1).join(', ')} and ${node.topics[node.topics.length - 1]}`
  const parts = [node.label, KIND_TEXT[node.kind], node.address ?? 'address not known', topics]
  if (node.paired) parts.push('paired')
  parts.push(linkCount === 1 ? '1 link' : `${linkCount} links`)
  return parts.join(', ')
}
