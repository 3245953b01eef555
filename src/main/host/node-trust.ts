// What a hosted node trusts, kept across restarts (issue #13): the keys it pinned (tofu) or the person accepted
// (approve), and the peers the person revoked. While the node runs the library's list is the live one; this book
// takes a copy of it whenever it may have changed (a link, an accept, a stop), bounded for the settings file, and
// seeds the next start with it. Revocations are the person's decisions: they are only added here, never by a peer.
import { LIMITS } from '../../shared/limits'
import type { RevokedPeerSnapshot, TrustedPeerSnapshot } from '../../shared/snapshots'
import type { TrustedPeer } from '../chaski/index'
import type { SavedTrust } from '../settings/node-memory'

export class NodeTrustBook {
  /** Most recently seen first. */
  private trusted: TrustedPeerSnapshot[]
  /** Most recent first. */
  private revoked: RevokedPeerSnapshot[]

  constructor(saved: SavedTrust = { trusted: [], revoked: [] }) {
    this.trusted = byLastSeen(saved.trusted).slice(0, LIMITS.trustedPeersPerNode)
    this.revoked = saved.revoked.slice(0, LIMITS.revokedPeersPerNode).map((p) => ({ ...p }))
  }

  /**
   * The pins a start seeds the library with: the saved ones and `extra` (the known peers' last links), one per
   * address (the one seen last wins), none of them revoked.
   */
  seed(extra: readonly TrustedPeer[] = []): TrustedPeer[] {
    const byAddress = new Map<string, TrustedPeer>()
    for (const peer of [...this.trusted, ...extra]) {
      if (this.isRevoked(peer.id)) continue
      const had = byAddress.get(peer.address)
      if (!had || had.lastSeen < peer.lastSeen) byAddress.set(peer.address, { ...peer })
    }
    return [...byAddress.values()]
  }

  /** Takes the running node's trusted peers; true when what is saved changed. */
  update(live: readonly TrustedPeer[]): boolean {
    const next = byLastSeen(live.filter((p) => !this.isRevoked(p.id))).slice(0, LIMITS.trustedPeersPerNode)
    if (JSON.stringify(next) === JSON.stringify(this.trusted)) return false
    this.trusted = next
    return true
  }

  isRevoked(id: string): boolean {
    return this.revoked.some((p) => p.id === id)
  }

  /** The person revoked `id`: refused from now on, dropped from the trusted peers. */
  revoke(id: string, name: string, at = Date.now()): void {
    this.revoked = [{ id, name, at }, ...this.revoked.filter((p) => p.id !== id)].slice(
      0,
      LIMITS.revokedPeersPerNode
    )
    this.trusted = this.trusted.filter((p) => p.id !== id)
  }

  /** The person took the revocation of `id` back; false when it was not revoked. */
  unrevoke(id: string): boolean {
    const before = this.revoked.length
    this.revoked = this.revoked.filter((p) => p.id !== id)
    return this.revoked.length !== before
  }

  /** A trusted peer's name, if it is one. */
  nameOf(id: string): string | undefined {
    return this.trusted.find((p) => p.id === id)?.name
  }

  revokedIds(): string[] {
    return this.revoked.map((p) => p.id)
  }

  trustedPeers(): TrustedPeerSnapshot[] {
    return this.trusted.map((p) => ({ ...p }))
  }

  revokedPeers(): RevokedPeerSnapshot[] {
    return this.revoked.map((p) => ({ ...p }))
  }

  saved(): SavedTrust {
    return { trusted: this.trustedPeers(), revoked: this.revokedPeers() }
  }
}

function byLastSeen(list: readonly TrustedPeer[]): TrustedPeerSnapshot[] {
  return list
    .map((p) => ({
      id: p.id,
      name: p.name,
      address: p.address,
      firstSeen: p.firstSeen,
      lastSeen: p.lastSeen
    }))
    .sort((a, b) => b.lastSeen - a.lastSeen)
}
