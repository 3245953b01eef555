// `approve_commit` (docs/PROTOCOL.md §3a "Approve"): the first message of the comparison-code exchange. The side that
// holds its peer pending first (the dialler, before its `handshake`; otherwise the acceptor, before its
// `handshake_back`) commits to its secret nonce, so it cannot pick the nonce after seeing the other's.
import { COMPARISON_COMMITMENT_BYTES } from '../security/constants'
import type { PeerLink } from '../peer-link'
import { bytes, obj } from '../wire-fields'
import { defineCommand } from './command'

export interface ApproveCommitData {
  /** SHA-256 over the commit label, the link's channel binding and the sender's nonce (comparison-code.ts). */
  commit: Uint8Array
}

/** The part of a node that runs the comparison exchange (approval.ts). */
export interface ApproveCommitReceiver {
  onCommit(link: PeerLink, data: ApproveCommitData): void
}

export function readApproveCommit(value: unknown): ApproveCommitData {
  const data = obj(value, 'approve_commit')
  return { commit: bytes(data, 'commit', 'approve_commit', COMPARISON_COMMITMENT_BYTES) }
}

export const approveCommitCommand = defineCommand<ApproveCommitData>()({
  name: 'approve_commit',
  topic: 'control',
  beforeHandshake: true,
  read: readApproveCommit,
  handle(context: { connections: { readonly approvals: ApproveCommitReceiver } }, link, data) {
    context.connections.approvals.onCommit(link, data)
  }
})
