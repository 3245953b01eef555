// The peers a node was connected to by hand (the connect box, Recent peers, a local node, a LAN device): saved in
// its settings and redialled at start and whenever they go away (src/main/redial/peer-redialer.ts), until the
// person disconnects them (remembered: `keep` false, not redialled, even after a restart) or removes them.
// Plain data in and out, bounded; the live status comes from the node's redialer when the snapshot is built.
import { LIMITS } from '../../shared/limits'
import type { KnownPeerSnapshot } from '../../shared/snapshots'
import type { SavedKnownPeer } from '../settings/node-memory'
import type { RedialStatus } from '../redial/peer-redialer'
import { LimitError } from './host-errors'
import type { TrustedPeer } from '../chaski/index'
import { isNodeId } from '../chaski/security/node-id'

export class KnownPeerBook {
  /** Most recently added or connected first. */
  private peers: SavedKnownPeer[]

  constructor(saved: readonly SavedKnownPeer[] = []) {
    this.peers = saved.slice(0, LIMITS.knownPeersPerNode).map((p) => ({ ...p }))
  }

  get(address: string): SavedKnownPeer | undefined {
    return this.peers.find((p) => p.address === address)
  }

  /** The entry for a peer id (the same peer typed another way, e.g. 'localhost:8511' and '127.0.0.1:8511'). */
  byPeerId(peerId: string): SavedKnownPeer | undefined {
    return this.peers.find((p) => p.peerId === peerId)
  }

  /**
   * A peer the person connected to: kept (redialled) from now on. An entry for the same peer id under another
   * spelling takes the new address. Throws LimitError when the list is full of peers still wanted.
   */
  remember(address: string, peer: { id: string; name: string } | null, now = Date.now()): SavedKnownPeer {
    const existing = this.get(address) ?? (peer ? this.byPeerId(peer.id) : undefined)
    const entry: SavedKnownPeer = existing
      ? { ...existing, address, keep: true }
      : { address, name: null, peerId: null, keep: true, addedAt: now, lastSeenAt: null }
    if (peer) Object.assign(entry, { name: peer.name, peerId: peer.id, lastSeenAt: now })
    const others = this.peers.filter((p) => p !== existing && p.address !== address)
    if (others.length >= LIMITS.knownPeersPerNode) {
      // Full: the oldest peer the person disconnected makes room; peers still wanted are never dropped silently.
      const drop = [...others].reverse().find((p) => !p.keep)
      if (!drop)
        throw new LimitError(
          `this node already keeps ${LIMITS.knownPeersPerNode} peers to reconnect to; remove one from Known peers first`
        )
      others.splice(others.indexOf(drop), 1)
    }
    this.peers = [entry, ...others]
    return entry
  }

  /** Keeps (true) or lets go (false: the person disconnected it) of a known peer; undefined when unknown. */
  setKeep(address: string, keep: boolean): SavedKnownPeer | undefined {
    const entry = this.get(address)
    if (entry) entry.keep = keep
    return entry
  }

  /** The peer was linked (now) or went away (its last time seen). */
  seen(address: string, peer: { id: string; name: string } | null, at = Date.now()): void {
    const entry = this.get(address)
    if (!entry) return
    if (peer) {
      entry.peerId = peer.id
      entry.name = peer.name
    }
    entry.lastSeenAt = at
  }

  forget(address: string): boolean {
    const before = this.peers.length
    this.peers = this.peers.filter((p) => p.address !== address)
    return this.peers.length !== before
  }

  /** The peers to keep linked. */
  wanted(): SavedKnownPeer[] {
    return this.peers.filter((p) => p.keep)
  }

  /**
   * The peers seen at a literal address with a key-derived id, as trust pins (policy tofu): after a restart a
   * known peer must prove the same key. Ids from before secure links (UUIDs) pin nothing.
   */
  pins(): TrustedPeer[] {
    return this.peers.flatMap((p) =>
      p.peerId !== null && isNodeId(p.peerId) && p.lastSeenAt !== null
        ? [
            {
              id: p.peerId,
              name: p.name ?? '',
              address: p.address,
              firstSeen: p.addedAt,
              lastSeen: p.lastSeenAt
            }
          ]
        : []
    )
  }

  entries(): SavedKnownPeer[] {
    return this.peers.map((p) => ({ ...p }))
  }

  /** What the dashboard shows: each peer with its live status (`status` null when the node does not run). */
  snapshot(statusOf: (address: string) => RedialStatus | null, now = Date.now()): KnownPeerSnapshot[] {
    return this.peers.map((p) => {
      const base = {
        address: p.address,
        name: p.name,
        peerId: p.peerId,
        addedAt: p.addedAt,
        lastSeenAt: p.lastSeenAt,
        attempt: 0,
        nextAttemptAt: null,
        lastError: null
      }
      if (!p.keep) return { ...base, status: 'disconnected' }
      const status = statusOf(p.address)
      if (status === null) return { ...base, status: 'idle' }
      switch (status.kind) {
        case 'connected':
          return { ...base, status: 'connected', lastSeenAt: now }
        case 'connecting':
          return { ...base, status: 'connecting', attempt: status.attempt, lastError: status.lastError }
        case 'retrying':
          return {
            ...base,
            status: 'retrying',
            attempt: status.attempt,
            nextAttemptAt: status.nextAttemptAt,
            lastError: status.lastError
          }
        case 'closed-by-peer':
          return { ...base, status: 'closed-by-peer' }
        case 'identity-changed':
          return { ...base, status: 'identity-changed' }
      }
    })
  }
}
