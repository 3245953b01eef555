// `close` (docs/PROTOCOL.md §7): a deliberate close, with its reason; the receiver closes the link at once. Allowed
// before the handshake completes (a refusal: version, self, too-many-edges, reconnect-refused, duplicate, rejected...).
import { MAX_ID_LENGTH } from '../constants'
import type { PeerLink } from '../peer-link'
import { get, obj, str } from '../wire-fields'
import { defineCommand } from './command'

export type CloseReason =
  | 'closed'
  | 'stop'
  | 'duplicate'
  | 'self'
  | 'version'
  | 'protocol-error'
  | 'reconnect-refused'
  | 'pair-rejected'
  | 'pair-disconnect'
  | 'keepalive-timeout'
  /** The node already keeps `maxEdges` edges (docs/PROTOCOL.md §10). */
  | 'too-many-edges'
  /** The node holds too many bytes of unfinished frames; this link would have taken it over (§10). */
  | 'overloaded'
  /** Sent in plaintext to a plaintext peer of a node that accepts secure links only (docs/PROTOCOL.md §3a). */
  | 'secure-required'
  /** The handshake's `id` is not the id of the key the peer proved on this link (§3a). */
  | 'identity-mismatch'
  /** Trust policy tofu: another key is pinned for the sender's address (§3a "Trust"). */
  | 'identity-changed'
  /** The user revoked the sender (§3a "Trust"): its links close and stay refused. */
  | 'revoked'
  /** Policy approve: the sender's user rejected the receiver (§3a "Approve"). */
  | 'rejected'
  /** Policy approve: nobody accepted or rejected the pending receiver within the sender's pendingTimeoutMs. */
  | 'pending-expired'
  /** Policy approve: the sender already holds as many pending peers as it allows (in total or from that source). */
  | 'too-many-pending'

const CLOSE_REASONS: ReadonlySet<string> = new Set<CloseReason>([
  'closed',
  'stop',
  'duplicate',
  'self',
  'version',
  'protocol-error',
  'reconnect-refused',
  'pair-rejected',
  'pair-disconnect',
  'keepalive-timeout',
  'too-many-edges',
  'overloaded',
  'secure-required',
  'identity-mismatch',
  'identity-changed',
  'revoked',
  'rejected',
  'pending-expired',
  'too-many-pending'
])

export interface CloseData {
  reason: CloseReason
  /** The sender's node id (lets a duplicate-link loser find the surviving edge). */
  id?: string
}

export interface CloseReceiver {
  onCloseCommand(link: PeerLink, data: CloseData): void
}

export function readClose(value: unknown): CloseData {
  const data = obj(value, 'close')
  const reasonText = str(data, 'reason', 'close', 64)
  // An unknown reason from a newer peer still means a deliberate close.
  const reason = (CLOSE_REASONS.has(reasonText) ? reasonText : 'closed') as CloseReason
  const id = get(data, 'id') === undefined ? undefined : str(data, 'id', 'close', MAX_ID_LENGTH)
  return id === undefined ? { reason } : { reason, id }
}

export const closeCommand = defineCommand<CloseData>()({
  name: 'close',
  topic: 'control',
  beforeHandshake: true,
  read: readClose,
  handle(context: { connections: CloseReceiver }, link, data) {
    context.connections.onCloseCommand(link, data)
  }
})
