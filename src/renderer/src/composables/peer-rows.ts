// Rows of the peers table: each edge with the topics it shares with the local node, plus the search and sort the
// table offers. Pure, unit-tested.
import type { EdgeSnapshot, NodeSnapshot } from '../../../shared/snapshots'

export interface PeerRow extends EdgeSnapshot {
  /** The peer's topics this node also subscribes to (highlighted in the table). */
  sharedTopics: string[]
}

export function peerRows(node: NodeSnapshot): PeerRow[] {
  const mine = new Set(node.config.subscriptions)
  return node.edges.map((edge) => ({ ...edge, sharedTopics: edge.subscriptions.filter((t) => mine.has(t)) }))
}

/** Case-insensitive match on name, address or any topic; every word of the query must match. */
export function matchesPeerQuery(
  row: Pick<EdgeSnapshot, 'name' | 'address' | 'subscriptions'>,
  query: string
): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return true
  const haystack = [row.name, row.address, ...row.subscriptions].join(' ').toLowerCase()
  return words.every((word) => haystack.includes(word))
}

const STATE_ORDER: Record<EdgeSnapshot['state'], number> = { connected: 0, reconnecting: 1, 'gave-up': 2 }

export function compareState(
  a: Pick<EdgeSnapshot, 'state' | 'attempt'>,
  b: Pick<EdgeSnapshot, 'state' | 'attempt'>
): number {
  return STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.attempt - b.attempt
}

/** Unknown latency sorts after every known one. */
export function compareLatency(
  a: Pick<EdgeSnapshot, 'latencyMs'>,
  b: Pick<EdgeSnapshot, 'latencyMs'>
): number {
  if (a.latencyMs === null || b.latencyMs === null)
    return (a.latencyMs === null ? 1 : 0) - (b.latencyMs === null ? 1 : 0)
  return a.latencyMs - b.latencyMs
}

/** Recent peers worth offering a reconnect to: not connected (or retrying) right now. */
export function reconnectablePeers(node: NodeSnapshot): NodeSnapshot['recentPeers'] {
  const live = new Set(node.edges.filter((e) => e.state !== 'gave-up').map((e) => e.peerId))
  const liveAddresses = new Set(node.edges.filter((e) => e.state !== 'gave-up').map((e) => e.address))
  return node.recentPeers.filter((p) => !live.has(p.peerId) && !liveAddresses.has(p.address))
}
