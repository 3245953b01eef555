// What changed between two graph models. The network graph uses it to decide between a repaint (latency, state,
// topics or name changed) and a re-layout (nodes or links added or removed): only the latter reheats the simulation.
// Pure (no DOM), so it is unit-tested in Node.
import type { GraphLinkModel, GraphModelSnapshot, GraphNodeModel } from '../../../shared/snapshots'

/** Links are undirected: one key per pair of nodes, whichever side reported it (like the host's graphModel). */
export function linkKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`
}

export interface NormalisedGraph {
  nodes: Map<string, GraphNodeModel>
  links: Map<string, GraphLinkModel>
}

export interface GraphFilter {
  /**
   * Show 'heard' links between two local nodes. Off by default: every local node with LAN discovery hears every
   * other one, so n local nodes draw n(n-1)/2 dashed lines that say nothing the sidebar does not (a hairball).
   * Heard links to LAN peers stay: they are what places a peer not connected yet next to the node that hears it.
   */
  localLanLinks?: boolean
}

/**
 * Indexes a model by id and key, dropping what cannot be drawn: duplicate nodes (first wins), self-links, links to
 * unknown nodes and duplicate links (a connected one wins over one that is not, a known latency over none), and
 * what `filter` leaves out.
 */
export function normaliseGraph(model: GraphModelSnapshot, filter: GraphFilter = {}): NormalisedGraph {
  const nodes = new Map<string, GraphNodeModel>()
  for (const n of model.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n)
  const links = new Map<string, GraphLinkModel>()
  for (const l of model.links) {
    if (l.source === l.target || !nodes.has(l.source) || !nodes.has(l.target)) continue
    if (!filter.localLanLinks && isLocalLanLink(l, nodes)) continue
    const key = linkKey(l.source, l.target)
    const existing = links.get(key)
    if (!existing || betterLink(l, existing)) links.set(key, l)
  }
  return { nodes, links }
}

/** A 'heard' link whose two ends are local nodes. */
export function isLocalLanLink(link: GraphLinkModel, nodes: Map<string, GraphNodeModel>): boolean {
  return (
    link.state === 'heard' &&
    nodes.get(link.source)?.kind === 'local' &&
    nodes.get(link.target)?.kind === 'local'
  )
}

function betterLink(candidate: GraphLinkModel, existing: GraphLinkModel): boolean {
  if (existing.state !== 'connected') return candidate.state === 'connected' || existing.latencyMs === null
  return candidate.state === 'connected' && existing.latencyMs === null && candidate.latencyMs !== null
}

export interface GraphDiff {
  addedNodeIds: string[]
  removedNodeIds: string[]
  /** Same id, something drawn changed (label, kind, address, topics, paired). */
  changedNodeIds: string[]
  addedLinkKeys: string[]
  removedLinkKeys: string[]
  /** Same pair, latency or state changed. */
  changedLinkKeys: string[]
  /** Nodes or links came or went: the layout must run again. */
  structural: boolean
}

export function diffGraph(previous: NormalisedGraph | null, next: NormalisedGraph): GraphDiff {
  const diff: GraphDiff = {
    addedNodeIds: [],
    removedNodeIds: [],
    changedNodeIds: [],
    addedLinkKeys: [],
    removedLinkKeys: [],
    changedLinkKeys: [],
    structural: false
  }
  const prevNodes = previous?.nodes ?? new Map<string, GraphNodeModel>()
  const prevLinks = previous?.links ?? new Map<string, GraphLinkModel>()
  for (const [id, node] of next.nodes) {
    const old = prevNodes.get(id)
    if (!old) diff.addedNodeIds.push(id)
    else if (old !== node && !sameNode(old, node)) diff.changedNodeIds.push(id)
  }
  for (const id of prevNodes.keys()) if (!next.nodes.has(id)) diff.removedNodeIds.push(id)
  for (const [key, link] of next.links) {
    const old = prevLinks.get(key)
    if (!old) diff.addedLinkKeys.push(key)
    else if (old.latencyMs !== link.latencyMs || old.state !== link.state) diff.changedLinkKeys.push(key)
  }
  for (const key of prevLinks.keys()) if (!next.links.has(key)) diff.removedLinkKeys.push(key)
  diff.structural =
    diff.addedNodeIds.length +
      diff.removedNodeIds.length +
      diff.addedLinkKeys.length +
      diff.removedLinkKeys.length >
    0
  return diff
}

export function sameNode(a: GraphNodeModel, b: GraphNodeModel): boolean {
  return (
    a.label === b.label &&
    a.kind === b.kind &&
    a.address === b.address &&
    a.paired === b.paired &&
    a.topics.length === b.topics.length &&
    a.topics.every((t, i) => t === b.topics[i])
  )
}
