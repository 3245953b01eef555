// `approve_reveal` (docs/PROTOCOL.md §3a "Approve"): the committer's nonce, sent once it has the other side's; the
// receiver checks it against the commitment it received first, then both sides know the comparison code.
import { COMPARISON_NONCE_BYTES } from '../security/constants'
import type { PeerLink } from '../peer-link'
import { bytes, obj } from '../wire-fields'
import { defineCommand } from './command'

export interface ApproveRevealData {
  nonce: Uint8Array
}

export interface ApproveRevealReceiver {
  onReveal(link: PeerLink, data: ApproveRevealData): void
}

export function readApproveReveal(value: unknown): ApproveRevealData {
  const data = obj(value, 'approve_reveal')
  return { nonce: bytes(data, 'nonce', 'approve_reveal', COMPARISON_NONCE_BYTES) }
}

export const approveRevealCommand = defineCommand<ApproveRevealData>()({
  name: 'approve_reveal',
  topic: 'control',
  beforeHandshake: true,
  read: readApproveReveal,
  handle(context: { connections: { readonly approvals: ApproveRevealReceiver } }, link, data) {
    context.connections.approvals.onReveal(link, data)
  }
})
