// What a node says about its pending peers (trust policy approve, approval.ts; docs/PROTOCOL.md §3a "Approve"):
// the list node.pendingPeers() returns and the payloads of the peer-pending events.

/** A peer held pending on one link, as node.pendingPeers() lists it (once its comparison code is known). */
export interface PendingPeer {
  id: string
  name: string
  /** Its listening address ('ip:port'), as its handshake says. */
  address: string
  /** 'outbound': this node dialled it. */
  direction: 'inbound' | 'outbound'
  /** Six digits, `123 456`: the same at both ends of this link only; people compare them before accepting. */
  code: string
  /** When the code was known (epoch ms). */
  since: number
  /** This node admits the peer (its user accepted it, or its policy admits it): the link waits for the peer. */
  accepted: boolean
  /** The peer admits this node (its user accepted it, or it did not hold it): the link opens once this one accepts. */
  peerAccepted: boolean
}

export type PendingOutcome = 'accepted' | 'rejected' | 'expired' | 'closed'

export interface PendingEndedEvent {
  id: string
  outcome: PendingOutcome
}
