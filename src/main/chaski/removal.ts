// Why an edge leaves a node's edges (docs/PROTOCOL.md §7): a leaf module, so links, edges and events can all name
// a removal without importing each other.

/** Why an edge left `node.edges` (docs/PROTOCOL.md, "Closing"). */
export type RemovalReason =
  /** closeConnection() on this node. */
  | 'closed-by-us'
  /** The peer called closeConnection() (or rejected a pairing). */
  | 'closed-by-peer'
  /** The peer stopped. */
  | 'peer-stopped'
  /** This node stopped. */
  | 'stopped'
  /** EOF, reset or socket error without a close command: reconnection applies. */
  | 'lost'
  /** The previous keep-alive ping was never answered: reconnection applies. */
  | 'keepalive-timeout'
  /** A malformed or invalid frame (from either side). */
  | 'protocol-error'
  /** Discovery with onPair 'disconnect' closed the edge to the search root (spec §4). */
  | 'pair-disconnect'
  /** Discovery closed a surplus pairing edge (another branch won, spec §4). */
  | 'pair-rejected'

/** Why a link closes: the removal reason of its edge, and a detail for the event and the log. */
export interface Removal {
  reason: RemovalReason
  detail?: string
}

/** Reasons after which the node retries the peer (unexpected loss). */
export const RECONNECTING_REASONS: ReadonlySet<RemovalReason> = new Set<RemovalReason>([
  'lost',
  'keepalive-timeout'
])
