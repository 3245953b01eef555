// `approve_nonce` (docs/PROTOCOL.md §3a "Approve"): the answer to `approve_commit`, the other side's nonce in the
// clear, and whether that side holds the committer pending too.
import { COMPARISON_NONCE_BYTES } from '../security/constants'
import type { PeerLink } from '../peer-link'
import { bool, bytes, obj } from '../wire-fields'
import { defineCommand } from './command'

export interface ApproveNonceData {
  nonce: Uint8Array
  /** The sender holds the receiver pending too (its user must accept it). */
  hold: boolean
}

export interface ApproveNonceReceiver {
  onNonce(link: PeerLink, data: ApproveNonceData): void
}

export function readApproveNonce(value: unknown): ApproveNonceData {
  const data = obj(value, 'approve_nonce')
  return {
    nonce: bytes(data, 'nonce', 'approve_nonce', COMPARISON_NONCE_BYTES),
    hold: bool(data, 'hold', 'approve_nonce')
  }
}

export const approveNonceCommand = defineCommand<ApproveNonceData>()({
  name: 'approve_nonce',
  topic: 'control',
  beforeHandshake: true,
  read: readApproveNonce,
  handle(context: { connections: { readonly approvals: ApproveNonceReceiver } }, link, data) {
    context.connections.approvals.onNonce(link, data)
  }
})
