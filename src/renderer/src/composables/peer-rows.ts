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

/** By the median of the measured round trips; a peer not measured yet sorts after every measured one. */
export function compareLatency(
  a: Pick<EdgeSnapshot, 'roundTrips'>,
  b: Pick<EdgeSnapshot, 'roundTrips'>
): number {
  const x = a.roundTrips?.medianMs ?? null
  const y = b.roundTrips?.medianMs ?? null
  if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0)
  return x - y
}

/**
 * Recent peers worth offering a reconnect to: not connected (or retrying) right now, and not a known peer (those
 * have their own row, with their state and buttons).
 */
export function reconnectablePeers(node: NodeSnapshot): NodeSnapshot['recentPeers'] {
  const live = new Set(node.edges.filter((e) => e.state !== 'gave-up').map((e) => e.peerId))
  const liveAddresses = new Set(node.edges.filter((e) => e.state !== 'gave-up').map((e) => e.address))
  const knownIds = new Set(node.knownPeers.flatMap((p) => (p.peerId === null ? [] : [p.peerId])))
  const knownAddresses = new Set(node.knownPeers.map((p) => p.address))
  return node.recentPeers.filter(
    (p) =>
      !live.has(p.peerId) &&
      !liveAddresses.has(p.address) &&
      !knownIds.has(p.peerId) &&
      !knownAddresses.has(p.address)
  )
}
