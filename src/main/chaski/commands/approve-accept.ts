// `approve_accept` (docs/PROTOCOL.md §3a "Approve"): the sender's user accepted the receiver (which it held pending).
// The link opens on each side once that side admits the peer and the peer admits it.
import type { PeerLink } from '../peer-link'
import { obj } from '../wire-fields'
import { defineCommand } from './command'

export type ApproveAcceptData = Record<string, never>

export interface ApproveAcceptReceiver {
  onAccept(link: PeerLink): void
}

export function readApproveAccept(value: unknown): ApproveAcceptData {
  obj(value, 'approve_accept')
  return {}
}

export const approveAcceptCommand = defineCommand<ApproveAcceptData>()({
  name: 'approve_accept',
  topic: 'control',
  beforeHandshake: true,
  read: readApproveAccept,
  handle(context: { connections: { readonly approvals: ApproveAcceptReceiver } }, link) {
    context.connections.approvals.onAccept(link)
  }
})
