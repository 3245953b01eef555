// Pending peers (policy approve, src/main/chaski/approval.ts) as the snapshot shows them: bounded, plain rows
// whatever a peer named itself.
import { LIMITS } from '../../shared/limits'
import type { PendingPeerSnapshot } from '../../shared/snapshots'
import type { ChaskiNode, PendingPeer } from '../chaski/index'
import { clip } from '../settings/node-memory'

/** The pending peers shown (the library bounds its own list; this bounds the snapshot). */
export const PENDING_SHOWN = 64

export function pendingPeersOf(node: ChaskiNode): PendingPeerSnapshot[] {
  return node.pendingPeers().slice(0, PENDING_SHOWN).map(pendingRow)
}

export function pendingRow(peer: PendingPeer): PendingPeerSnapshot {
  return {
    id: clip(peer.id, LIMITS.peerIdLength),
    name: clip(peer.name, LIMITS.peerNameLength),
    address: clip(peer.address, LIMITS.addressLength),
    direction: peer.direction,
    code: clip(peer.code, 64),
    since: peer.since,
    accepted: peer.accepted,
    peerAccepted: peer.peerAccepted
  }
}
