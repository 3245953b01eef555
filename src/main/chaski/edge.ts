// Edge: our view of one connected peer (spec §3): its identity from the handshake, latency, paired topics.
// The link behind it is private (#link) so app code can read and snapshot an Edge safely.
import { formatAddress } from './address'
import type { EdgeLink } from './edge-link'
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

export class Edge {
  /** The peer's node id (protocol logic keys on this, never on the name). */
  readonly id: string
  name: string
  /** The peer's listening address (from the handshake), not the ephemeral source port. */
  readonly ip: string
  readonly port: number
  subscriptions: ReadonlySet<string>
  /** The peer is a root node (receives every topic). */
  root: boolean
  /** The peer reported itself paired for all its subscriptions. */
  peerPaired: boolean
  readonly direction: EdgeDirection
  /** Negotiated wire protocol version: 2 on a secure (TLS) link, 1 in plaintext. */
  version: number
  /** Epoch ms of registration. */
  readonly connectedAt: number
  /** Keep-alive ping still waiting for its pong (spec §6). */
  keepAlivePending: number | null = null
  /** @internal Identity bytes of the last validated pong in our layout (node.ts onPong compares, not decodes). */
  pongIdentity: Buffer | null = null
  #link: EdgeLink
  #from: PeerRef | null = null
  /** stats, made on the first pong: a new edge has nothing to estimate yet. */
  #stats: EdgeLatency | null = null
  /** pairedTopics, made on first use: most edges never pair us for a topic. */
  #paired: Set<string> | null = null

  constructor(identity: Identity, link: EdgeLink, ip: string, version: number, connectedAt = Date.now()) {
    this.id = sharedString(identity.id)
    this.name = sharedString(identity.name)
    this.ip = sharedString(ip)
    this.port = identity.port
    this.subscriptions = sharedTopicSet(identity.subscriptions)
    this.root = identity.root
    this.peerPaired = identity.paired
    this.direction = link.outbound ? 'outbound' : 'inbound'
    this.version = version
    this.connectedAt = connectedAt
    this.#link = link
  }

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

  /** @internal The link currently carrying this edge. */
  get link(): EdgeLink {
    return this.#link
  }

  /**
   * @internal A new link replaced the old one (docs/PROTOCOL.md, "Duplicate links": a reconnection over a half-open
   * link, or a duplicate race). A keep-alive ping sent on the old link can never be answered on the new one: it is
   * forgotten, or the next keep-alive round would cut the healthy new link.
   */
  replaceLink(link: EdgeLink): void {
    this.#link = link
    this.keepAlivePending = null
  }

  get open(): boolean {
    return this.#link.state === 'open'
  }

  get state(): 'open' | 'closing' | 'closed' {
    const state = this.#link.state
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

  /** @internal Cached sender reference for 'message' events. */
  get from(): PeerRef {
    this.#from ??= Object.freeze({ id: this.id, name: this.name, ip: this.ip, port: this.port })
    return this.#from
  }

  /**
   * @internal Applies the identity fields an edge follows (identity.ts FOLLOWED_KEYS) from a pong, an update (which
   * has no `root`) or a repeated handshake; returns true when something changed.
   */
  refresh(update: Omit<FollowedIdentity, 'root'> & { root?: boolean }): boolean {
    let changed = false
    if (update.name !== this.name) {
      this.name = update.name
      this.#from = null
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
    // The bytes of an earlier pong no longer describe this edge: the next pong is decoded in full.
    if (changed) this.pongIdentity = null
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
