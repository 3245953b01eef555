// Edge: our view of one connected peer (spec §3): its identity from the handshake, latency, paired topics: what
// app code reads and snapshots. The link behind it, and what the node's parts keep per edge (keep-alive, the last
// pong's bytes), are the node's own: LinkedEdge (linked-edge.ts), the class every edge is made of.
import { formatAddress } from './address'
import type { LinkState } from './edge-link'
import type { FollowedIdentity, Identity } from './identity'
import { EdgeLatency } from './latency'

export type EdgeDirection = 'outbound' | 'inbound'

/** The sender of a received message, as passed in 'message' events. */
export interface PeerRef {
  readonly id: string
  readonly name: string
  readonly ip: string
  readonly port: number
}

/**
 * Edges whose peers subscribe to the same topics share one (never modified) set: a node with a thousand edges on
 * one topic holds one set, not a thousand. Bounded: past SHARED_SETS_MAX lists the cache starts again.
 */
const sharedSets = new Map<string, ReadonlySet<string>>()
const SHARED_SETS_MAX = 256

function sharedTopicSet(topics: readonly string[]): ReadonlySet<string> {
  const key = JSON.stringify(topics)
  let set = sharedSets.get(key)
  if (set === undefined) {
    if (sharedSets.size >= SHARED_SETS_MAX) sharedSets.clear()
    set = new Set(topics)
    sharedSets.set(key, set)
  }
  return set
}

/**
 * Strings edges repeat (a hub's id and name on every leaf's edge to it, the peers' ip) are decoded anew for each
 * handshake: edges keep one copy per process while it is among the last few hundred seen.
 */
const sharedStrings = new Map<string, string>()

function sharedString(text: string): string {
  const known = sharedStrings.get(text)
  if (known !== undefined) return known
  if (sharedStrings.size >= SHARED_SETS_MAX) sharedStrings.clear()
  sharedStrings.set(text, text)
  return text
}

// An edge's booleans, bits of one field (#flags).
const ROOT = 1
const PEER_PAIRED = 2
const INBOUND = 4
/** #connectedAt holds the epoch ms themselves, not an offset from EPOCH_BASE. */
const CONNECTED_AT_ITSELF = 8
/** The first bit of the flags an Edge's subclass may use (linked-edge.ts). */
export const EDGE_NEXT_FLAG = 16
/** The negotiated version is kept in the flags' bits from here up. */
const VERSION_SHIFT = 8
const BELOW_VERSION = (1 << VERSION_SHIFT) - 1

/**
 * Epoch ms are kept as an offset from this: an integer small enough (within 2^30 of it, 12 days) to be stored in the
 * field itself, not as a number object of its own per edge. Any other time is kept as it is.
 */
const EPOCH_BASE = Date.now()
const SMALL_OFFSET = 0x40000000

/** The identity fields a pong, an update (no `root`) or a repeated handshake brings (identity.ts FOLLOWED_KEYS). */
export type IdentityUpdate = Omit<FollowedIdentity, 'root'> & { root?: boolean }

export abstract class Edge {
  /** The peer's node id (protocol logic keys on this, never on the name). */
  readonly id: string
  name: string
  /** The peer's listening address (from the handshake), not the ephemeral source port. */
  readonly ip: string
  readonly port: number
  subscriptions: ReadonlySet<string>
  /** ROOT, PEER_PAIRED, INBOUND, CONNECTED_AT_ITSELF, a subclass's bits, the version from VERSION_SHIFT up. */
  #flags: number
  /** connectedAt - EPOCH_BASE, or connectedAt itself (CONNECTED_AT_ITSELF). */
  #connectedAt: number
  /** stats, made on the first pong: a new edge has nothing to estimate yet. */
  #stats: EdgeLatency | null = null
  /** pairedTopics, made on first use: most edges never pair us for a topic. */
  #paired: Set<string> | null = null

  protected constructor(
    identity: Identity,
    direction: EdgeDirection,
    ip: string,
    version: number,
    connectedAt: number
  ) {
    this.id = sharedString(identity.id)
    this.name = sharedString(identity.name)
    this.ip = sharedString(ip)
    this.port = identity.port
    this.subscriptions = sharedTopicSet(identity.subscriptions)
    let flags =
      (identity.root ? ROOT : 0) |
      (identity.paired ? PEER_PAIRED : 0) |
      (direction === 'inbound' ? INBOUND : 0)
    const offset = connectedAt - EPOCH_BASE
    if (Number.isInteger(connectedAt) && offset > -SMALL_OFFSET && offset < SMALL_OFFSET) {
      // `| 0`: the difference of two large numbers is a number object even when small; this makes it an integer.
      this.#connectedAt = offset | 0
    } else {
      this.#connectedAt = connectedAt
      flags |= CONNECTED_AT_ITSELF
    }
    this.#flags = flags
    this.version = version
  }

  /** The peer is a root node (receives every topic). */
  get root(): boolean {
    return (this.#flags & ROOT) !== 0
  }

  set root(root: boolean) {
    this.setFlag(ROOT, root)
  }

  /** The peer reported itself paired for all its subscriptions. */
  get peerPaired(): boolean {
    return (this.#flags & PEER_PAIRED) !== 0
  }

  set peerPaired(paired: boolean) {
    this.setFlag(PEER_PAIRED, paired)
  }

  get direction(): EdgeDirection {
    return (this.#flags & INBOUND) !== 0 ? 'inbound' : 'outbound'
  }

  /** Negotiated wire protocol version: 2 on a secure (TLS) link, 1 in plaintext. */
  get version(): number {
    return this.#flags >>> VERSION_SHIFT
  }

  set version(version: number) {
    this.#flags = (this.#flags & BELOW_VERSION) | (version << VERSION_SHIFT)
  }

  /** Epoch ms of registration. */
  get connectedAt(): number {
    return (this.#flags & CONNECTED_AT_ITSELF) !== 0 ? this.#connectedAt : this.#connectedAt + EPOCH_BASE
  }

  /** A bit of the flags (a subclass's from EDGE_NEXT_FLAG up). */
  protected hasFlag(bit: number): boolean {
    return (this.#flags & bit) !== 0
  }

  protected setFlag(bit: number, on: boolean): void {
    this.#flags = on ? this.#flags | bit : this.#flags & ~bit
  }

  /** The state of the link carrying this edge. */
  protected abstract get linkState(): LinkState

  /** One-way latency estimate, raw round trips. */
  get stats(): EdgeLatency {
    return (this.#stats ??= new EdgeLatency())
  }

  /** Topics for which this edge is our pairing link (spec §4). */
  get pairedTopics(): Set<string> {
    return (this.#paired ??= new Set())
  }

  /** The link is encrypted and the peer proved the key of its id (protocol version 2). */
  get secure(): boolean {
    return this.version >= 2
  }

  get open(): boolean {
    return this.linkState === 'open'
  }

  get state(): 'open' | 'closing' | 'closed' {
    const state = this.linkState
    return state === 'handshaking' ? 'open' : state
  }

  /** True when this edge pairs us with the peer for at least one topic. */
  get paired(): boolean {
    return this.#paired !== null && this.#paired.size > 0
  }

  isPairedFor(topic: string): boolean {
    return this.#paired !== null && this.#paired.has(topic)
  }

  /** One-way latency estimate in ms (spec §6: half the round trip, Gaussian-filtered); null before a pong. */
  get latency(): number | null {
    return this.#stats === null ? null : this.#stats.latency
  }

  /** Standard deviation of the latency estimate in ms; null before a pong. */
  get jitter(): number | null {
    return this.#stats === null ? null : this.#stats.jitter
  }

  /** Last raw round trip in ms. */
  get lastRtt(): number | null {
    return this.#stats === null ? null : this.#stats.lastRtt
  }

  /** The last (up to 60) raw round trips in ms, oldest first. */
  get rttSamples(): number[] {
    return this.#stats === null ? [] : this.#stats.rttSamples
  }

  get address(): string {
    return formatAddress(this.ip, this.port)
  }

  /** Shares a topic with us, or is root (root nodes receive every topic). */
  wants(topic: string): boolean {
    return this.root || this.subscriptions.has(topic)
  }

  /**
   * Applies the identity fields an edge follows (identity.ts FOLLOWED_KEYS) from a pong, an update (which has no
   * `root`) or a repeated handshake; returns true when something changed. The node's side (LinkedEdge.refresh) calls it.
   */
  protected applyIdentity(update: IdentityUpdate): boolean {
    let changed = false
    if (update.name !== this.name) {
      this.name = update.name
      changed = true
    }
    if (
      update.subscriptions.length !== this.subscriptions.size ||
      update.subscriptions.some((topic) => !this.subscriptions.has(topic))
    ) {
      this.subscriptions = sharedTopicSet(update.subscriptions)
      const paired = this.#paired
      if (paired !== null)
        for (const topic of paired) if (!this.subscriptions.has(topic)) paired.delete(topic)
      changed = true
    }
    if (update.paired !== this.peerPaired) {
      this.peerPaired = update.paired
      changed = true
    }
    if (update.root !== undefined && update.root !== this.root) {
      this.root = update.root
      changed = true
    }
    return changed
  }

  toString(): string {
    return `${this.paired ? '*' : ''}${this.name}@${this.address}`
  }

  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      name: this.name,
      ip: this.ip,
      port: this.port,
      subscriptions: [...this.subscriptions],
      root: this.root,
      paired: this.paired,
      pairedTopics: this.#paired === null ? [] : [...this.#paired],
      direction: this.direction,
      latency: this.latency,
      jitter: this.jitter,
      lastRtt: this.lastRtt,
      state: this.state
    }
  }
}
