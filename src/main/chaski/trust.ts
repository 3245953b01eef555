// Which keys a node links with (issue #13, docs/PROTOCOL.md §3a "Trust"): policy `open` links with any key;
// `tofu` pins the first key seen at a peer's address and refuses another key there later (a changed identity);
// `approve` links only with ids the user accepted (approval.ts holds the others as pending peers until then);
// a revoked id is refused under every policy. Ids are key-derived, so a pin is "address → id". In memory: the host or
// CLI saves `list()` and seeds it back through the `trustedPeers` option.
export type TrustPolicy = 'open' | 'tofu' | 'approve'

export const TRUST_POLICIES: readonly TrustPolicy[] = ['open', 'tofu', 'approve']

export interface TrustedPeer {
  id: string
  name: string
  /** The address the id was first seen at ('ip:port', its listening address). */
  address: string
  firstSeen: number
  lastSeen: number
}

// Shared empty tables for a store that pinned and revoked nothing yet (most nodes under policy 'open'): only read
// until the first write replaces them with the store's own (pinned(), revoke()); deleting from them is a no-op.
const NO_PINS: ReadonlyMap<string, TrustedPeer> = new Map()
const NO_REVOKED: ReadonlySet<string> = new Set()

/** Pins and revocations of one node; bounded (the oldest pin goes first). */
export class TrustStore {
  private byAddress = NO_PINS as Map<string, TrustedPeer>
  private revoked = NO_REVOKED as Set<string>

  constructor(
    readonly policy: TrustPolicy,
    seed: readonly TrustedPeer[] = [],
    private readonly maxPins = 4096
  ) {
    for (const peer of seed) this.pinned().set(peer.address, { ...peer })
  }

  /** The pins, for writing: the store's own table from now on. */
  private pinned(): Map<string, TrustedPeer> {
    if (this.byAddress === NO_PINS) this.byAddress = new Map()
    return this.byAddress
  }

  /** The id pinned at this address that is not `id` (tofu), or null when the peer may link. */
  conflict(address: string, id: string): TrustedPeer | null {
    if (this.policy !== 'tofu') return null
    const pinned = this.byAddress.get(address)
    return pinned !== undefined && pinned.id !== id ? pinned : null
  }

  isRevoked(id: string): boolean {
    return this.revoked.has(id)
  }

  /** Policy approve: is `id` pinned (accepted by the user, or seeded), at whatever address? */
  isTrusted(id: string): boolean {
    for (const peer of this.byAddress.values()) if (peer.id === id) return true
    return false
  }

  /** Policy approve: the user accepted `id` (met at `address`); it links without asking from now on. */
  pin(address: string, id: string, name: string, now: number): void {
    this.pinned().delete(address) // re-inserted last: the newest pin is the last dropped
    this.add({ id, name, address, firstSeen: now, lastSeen: now })
  }

  /** Forgets the pins of `id` (an acceptance taken back by a reject before the link opened). */
  unpin(id: string): void {
    for (const [address, peer] of this.byAddress) if (peer.id === id) this.byAddress.delete(address)
  }

  /** A peer linked: pin it (tofu: the first id at an address stays) and update when it was last seen. */
  seen(address: string, id: string, name: string, now: number): void {
    if (this.policy === 'approve') {
      // Only the user pins under approve (pin()); a link of a pinned id refreshes it, wherever it came from.
      for (const peer of this.byAddress.values()) {
        if (peer.id !== id) continue
        peer.lastSeen = now
        peer.name = name
      }
      return
    }
    if (this.policy !== 'tofu') return
    const pinned = this.byAddress.get(address)
    if (pinned && pinned.id === id) {
      pinned.lastSeen = now
      pinned.name = name
      return
    }
    if (pinned) return
    this.add({ id, name, address, firstSeen: now, lastSeen: now })
  }

  private add(peer: TrustedPeer): void {
    this.pinned().set(peer.address, peer)
    if (this.byAddress.size > this.maxPins) {
      const oldest = this.byAddress.keys().next().value
      if (oldest !== undefined) this.byAddress.delete(oldest)
    }
  }

  /** Refuses `id` from now on and forgets its pins. */
  revoke(id: string): void {
    if (this.revoked === NO_REVOKED) this.revoked = new Set()
    this.revoked.add(id)
    for (const [address, peer] of this.byAddress) if (peer.id === id) this.byAddress.delete(address)
  }

  /**
   * Takes a revocation back: `id` is an unknown peer again (the policy decides at its next link: tofu pins it, approve
   * holds it pending). False when it was not revoked.
   */
  unrevoke(id: string): boolean {
    return this.revoked.delete(id)
  }

  /** Revoked ids, in the order they were revoked. */
  revokedIds(): string[] {
    return [...this.revoked]
  }

  /** Trusted peers (pins), oldest first. */
  list(): TrustedPeer[] {
    return [...this.byAddress.values()].map((peer) => ({ ...peer }))
  }
}
