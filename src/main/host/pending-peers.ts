// The library's approve policy as the host uses it (issue #13; the agreed API: node.pendingPeers(), acceptPeer(id),
// rejectPeer(id), events 'peer-pending' and 'peer-pending-ended'). Read through this one module so the snapshot
// gets bounded, plain rows whatever a peer named itself.
import { LIMITS } from '../../shared/limits'
import type { PendingPeerSnapshot } from '../../shared/snapshots'
import type { ChaskiNode } from '../chaski/index'
import { clip } from '../settings/node-memory'

/** The pending peers shown (the library bounds its own list; this bounds the snapshot). */
export const PENDING_SHOWN = 64

/** What a pending peer looks like in the library. */
export interface PendingPeerLike {
  id: string
  name: string
  address: string
  direction: 'inbound' | 'outbound'
  code: string
  since: number
}

export interface PendingEndedLike {
  id: string
  outcome: 'accepted' | 'rejected' | 'expired' | 'closed'
}

interface ApprovingNode {
  pendingPeers?: () => PendingPeerLike[]
  acceptPeer?: (id: string) => boolean
  rejectPeer?: (id: string) => boolean
}

export function pendingPeersOf(node: ChaskiNode): PendingPeerSnapshot[] {
  const list = (node as unknown as ApprovingNode).pendingPeers?.() ?? []
  return list.slice(0, PENDING_SHOWN).map(pendingRow)
}

export function pendingRow(peer: PendingPeerLike): PendingPeerSnapshot {
  return {
    id: clip(peer.id, LIMITS.peerIdLength),
    name: clip(peer.name, LIMITS.peerNameLength),
    address: clip(peer.address, LIMITS.addressLength),
    direction: peer.direction,
    code: clip(peer.code, 64),
    since: peer.since
  }
}

/** Accepts a pending peer; false when there is none with that id (or the library has no approve policy). */
export function acceptPending(node: ChaskiNode, id: string): boolean {
  return (node as unknown as ApprovingNode).acceptPeer?.(id) ?? false
}

export function rejectPending(node: ChaskiNode, id: string): boolean {
  return (node as unknown as ApprovingNode).rejectPeer?.(id) ?? false
}
