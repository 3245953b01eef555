// The trust decisions of a foreground `chaski node`, kept across restarts when it has a --key (trust-file.ts): the
// pins it made (tofu) or the person accepted (approve), and the person's revocations. The lists themselves are the
// host's NodeTrustBook (same bounds, same seeding); this adds when to copy the node's live list and where to save.
// Without --key the node has a new id each run, so nothing is saved (the decisions last as long as the process).
import type { ChaskiNode, TrustedPeer } from '../chaski/index'
import type { ForegroundTrustKeeper } from '../control/foreground-handlers'
import { NodeTrustBook } from '../host/node-trust'
import type { RevokedPeerSnapshot } from '../../shared/snapshots'
import type { SavedTrust } from '../settings/node-memory'
import type { TrustFileWriter } from './trust-file'

export class ForegroundTrust implements ForegroundTrustKeeper {
  private readonly book: NodeTrustBook
  private node: ChaskiNode | null = null

  /**
   * @param writer where to save (null: nothing is saved)
   * @param onSaveError a save that nobody waits for failed (a pin after a link): say so, the node keeps running
   */
  constructor(
    saved: SavedTrust,
    private readonly writer: TrustFileWriter | null,
    private readonly onSaveError: (err: Error) => void
  ) {
    this.book = new NodeTrustBook(saved)
  }

  /** The pins to start the node with (none revoked). */
  seed(): TrustedPeer[] {
    return this.book.seed()
  }

  /** Before the node listens: its revocations are refused from the first link, and its new pins kept. */
  attach(node: ChaskiNode): void {
    this.node = node
    for (const id of this.book.revokedIds()) void node.revoke(id)
    node.on('edge-added', () => this.keep())
    node.on('peer-pending-ended', () => this.keep())
  }

  /** Copies the node's trusted peers and saves them when they changed (after a link, an accept, before exit). */
  keep(): Promise<void> {
    if (this.node === null || !this.book.update(this.node.trustedPeers)) return Promise.resolve()
    return this.save().catch((err: unknown) => this.onSaveError(err as Error))
  }

  /** Refused at once; resolves once saved, and rejects (the refusal still holds while this node runs) if not. */
  async revoke(peerId: string, name: string): Promise<void> {
    if (this.node !== null) this.book.update(this.node.trustedPeers)
    this.book.revoke(peerId, name)
    await this.node?.revoke(peerId)
    await this.save().catch((err: unknown) => {
      throw new Error(
        `revoked while this node runs, but not saved to ${this.writer!.file}: ${(err as Error).message}`
      )
    })
  }

  /** The peer is unknown again; false when it was not revoked. */
  async unrevoke(peerId: string): Promise<boolean> {
    if (!this.book.unrevoke(peerId)) return false
    this.node?.unrevoke(peerId)
    await this.save().catch((err: unknown) => {
      throw new Error(
        `unrevoked while this node runs, but not saved to ${this.writer!.file}: ${(err as Error).message}`
      )
    })
    return true
  }

  revokedPeers(): RevokedPeerSnapshot[] {
    return this.book.revokedPeers()
  }

  /** Waits for every save asked for so far. */
  flush(): Promise<void> {
    return this.writer?.flush() ?? Promise.resolve()
  }

  private save(): Promise<void> {
    return this.writer?.save(this.book.saved()) ?? Promise.resolve()
  }
}
