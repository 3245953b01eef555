// LAN auto-connect: a fresh node pairs with no manual step (docs/PROTOCOL.md, "LAN beacons").
// The rule mirrors discovery (spec §4): each subscription wants one link to a node that shares it. So a node dials
// a LAN peer only while some subscription of its own is not shared by any edge (or dial in flight), picks the peer
// sharing the most of those topics, never exceeds maxConnections, and never dials a peer twice (one dial per id,
// and the library keeps one edge per peer id when two nodes dial each other at once). Once the edge is up, a
// discovery through it marks the shared topics paired, exactly as a manual connect + discovery would.
// A beacon is only a claim: dials go through the node's limits on addresses learned from the network (a few per
// second overall, rarely the same target), and an address that failed is not dialled again for a while, whatever
// peer id announces it next. A node there that proved another key than the one its beacon claims (a forged beacon, or
// a reinstalled peer) is not dialled again for IDENTITY_MISMATCH_BACKOFF_MS: each dial would be refused the same way
// and reported as a changed identity again.
import { systemClock, type Clock, type ClockTimer } from '../clock'
import { MIN_PROTOCOL_VERSION } from '../constants'
import type { Edge } from '../edge'
import type { Logger } from '../logger'
import type { ReconnectState } from '../reconnect'
import type { RemovalReason } from '../removal'
import type { LanPeer } from './peer-table'

/** What auto-connect reads of an edge. */
export interface AutoConnectEdge {
  readonly id: string
  readonly subscriptions: ReadonlySet<string>
}

/** What auto-connect needs from its node (a node's context, or a test's fake with plain edges). */
export interface AutoConnectHost<E extends AutoConnectEdge = Edge> {
  readonly id: string
  readonly subscriptions: ReadonlySet<string>
  readonly maxConnections: number
  /** The registered edges. */
  readonly edges: readonly E[]
  /** Peers being retried after an unexpected loss. */
  readonly reconnects: readonly Pick<ReconnectState, 'peerId'>[]
  readonly running: boolean
  pairedFor(topic: string): boolean
  /**
   * Dials an address learned from the network within the node's dial limits (rejects DialLimitedError); the peer
   * must prove `expectedPeerId`'s key when it is a key id (IdentityMismatchError otherwise).
   */
  connectLearned(address: string, expectedPeerId?: string): Promise<E>
  /** Whether a link with a node announcing protocol version `v` can work (absent: any supported version). */
  linksWithVersion?(v: number): boolean
  /** Runs discovery through one edge. */
  discover(options: { node: E; timeoutMs: number }): Promise<unknown>
}

/** Edge removals after which we do not dial that peer again while it stays on the LAN: someone meant it. */
const DELIBERATE: ReadonlySet<RemovalReason> = new Set<RemovalReason>([
  'closed-by-us',
  'closed-by-peer',
  'pair-disconnect',
  'pair-rejected',
  'protocol-error'
])
const RETRY_BASE_MS = 1000
const RETRY_CAP_MS = 30_000
/** After a changed identity at an address (IdentityMismatchError), that address is left alone this long. */
export const IDENTITY_MISMATCH_BACKOFF_MS = 10 * 60_000
/** Addresses whose failed dials are remembered at once. */
const MAX_BACKOFF_ENTRIES = 1024
/** Auto-connect's discovery: the echo wave usually ends it far sooner; this only bounds a silent network. */
const PAIRING_DISCOVERY_TIMEOUT_MS = 5000

export class LanAutoConnect<E extends AutoConnectEdge = Edge> {
  private readonly dialing = new Map<string, LanPeer>()
  /**
   * Address -> when we may dial it again after a failed dial, and how many failures so far. By address, not peer id:
   * beacons announcing one address under ever new ids must not earn a dial each. Bounded (oldest entry first).
   */
  private readonly backoff = new Map<string, { until: number; failures: number }>()
  private readonly declined = new Set<string>()
  private retryTimer: ClockTimer | undefined
  private scheduled = false
  private stopped = false

  constructor(
    private readonly host: AutoConnectHost<E>,
    private readonly peers: () => ReadonlyMap<string, LanPeer>,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock
  ) {}

  /** Re-evaluates soon (coalesces bursts of LAN and edge events into one pass). */
  schedule(): void {
    if (this.scheduled || this.stopped) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.evaluate()
    })
  }

  onPeerLost(peer: LanPeer): void {
    // A peer that left and comes back is a new start: forget a deliberate close (its address keeps its backoff).
    this.declined.delete(peer.id)
  }

  /**
   * Any new edge (dialled by us, by the peer, or by hand) that shares a topic we are not paired for yet leads to a
   * discovery through it. The edge may arrive before the peer's beacon does (it dialled us first), so LAN
   * membership is not required here.
   */
  onEdgeAdded(edge: E): void {
    if (this.stopped) return
    const needsPairing = [...edge.subscriptions].some(
      (topic) => this.host.subscriptions.has(topic) && !this.host.pairedFor(topic)
    )
    if (!needsPairing) return
    // Both ends do this (the dialer and the accepter), so both become paired for what they share.
    this.host
      .discover({ node: edge, timeoutMs: PAIRING_DISCOVERY_TIMEOUT_MS })
      .catch((err: unknown) =>
        this.log.debug('LAN pairing discovery ended', { peer: edge.id, err: err as Error })
      )
  }

  onEdgeRemoved(edge: AutoConnectEdge, reason: RemovalReason): void {
    if (DELIBERATE.has(reason)) this.declined.add(edge.id)
    this.schedule()
  }

  stop(): void {
    this.stopped = true
    this.clock.clearTimeout(this.retryTimer)
  }

  /** One pass: dial the best LAN peers for the subscriptions no edge (or dial in flight) shares yet. */
  evaluate(): void {
    if (this.stopped || !this.host.running) return
    const edges = this.host.edges
    const uncovered = new Set([...this.host.subscriptions].filter((topic) => topic !== '@'))
    for (const edge of edges) for (const topic of edge.subscriptions) uncovered.delete(topic)
    for (const peer of this.dialing.values()) for (const topic of peer.subscriptions) uncovered.delete(topic)
    let slots = this.host.maxConnections - edges.length - this.dialing.size
    if (uncovered.size === 0 || slots <= 0) return

    const connected = new Set(edges.map((edge) => edge.id))
    const retrying = new Set(this.host.reconnects.map((state) => state.peerId))
    const now = this.clock.now()
    const candidates = [...this.peers().values()].filter(
      (peer) =>
        !connected.has(peer.id) &&
        !this.dialing.has(peer.id) &&
        !retrying.has(peer.id) &&
        !this.declined.has(peer.id) &&
        (this.backoff.get(peer.address)?.until ?? 0) <= now &&
        peer.v >= MIN_PROTOCOL_VERSION && // the handshake would refuse an older peer
        (this.host.linksWithVersion?.(peer.v) ?? true) // a plaintext node and a secure-only one cannot link
    )
    while (slots > 0 && uncovered.size > 0) {
      // Most uncovered topics shared first, then the lowest id: every node ranks peers the same way.
      let best: { peer: LanPeer; shared: number } | undefined
      for (const peer of candidates) {
        const shared = peer.subscriptions.filter((topic) => uncovered.has(topic)).length
        if (shared === 0) continue
        if (
          best === undefined ||
          shared > best.shared ||
          (shared === best.shared && peer.id < best.peer.id)
        ) {
          best = { peer, shared }
        }
      }
      if (best === undefined) break
      candidates.splice(candidates.indexOf(best.peer), 1)
      for (const topic of best.peer.subscriptions) uncovered.delete(topic)
      slots--
      this.dial(best.peer)
    }
    this.scheduleRetry()
  }

  private dial(peer: LanPeer): void {
    this.dialing.set(peer.id, peer)
    this.log.debug('auto-connecting to LAN peer', { peer: peer.id, address: peer.address })
    this.host.connectLearned(peer.address, peer.id).then(
      (edge) => {
        this.dialing.delete(peer.id)
        this.backoff.delete(peer.address)
        if (edge.id !== peer.id)
          this.log.debug('LAN peer answered with another id', { expected: peer.id, got: edge.id })
        this.schedule()
      },
      (err: unknown) => {
        this.dialing.delete(peer.id)
        const failures = (this.backoff.get(peer.address)?.failures ?? 0) + 1
        const delay =
          (err as Error | null)?.name === 'IdentityMismatchError' // by name, as errors are compared here
            ? IDENTITY_MISMATCH_BACKOFF_MS
            : Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (failures - 1))
        this.backoff.delete(peer.address) // re-inserted last: the map stays in least-recently-failed order
        this.backoff.set(peer.address, { until: this.clock.now() + delay, failures })
        if (this.backoff.size > MAX_BACKOFF_ENTRIES) this.backoff.delete(this.backoff.keys().next().value!)
        this.log.info('LAN auto-connect failed', { peer: peer.address, err: err as Error, retryInMs: delay })
        this.schedule()
      }
    )
  }

  /** Wakes up when the earliest backoff of a listed peer ends, so it is retried without a LAN event. */
  private scheduleRetry(): void {
    this.clock.clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    const now = this.clock.now()
    const listed = new Set<string>()
    for (const peer of this.peers().values()) listed.add(peer.address)
    let next = Infinity
    for (const [address, entry] of this.backoff) {
      // Entries outlive their peers (an address keeps its history across ids) until well past their backoff.
      if (!listed.has(address)) {
        if (entry.until + RETRY_CAP_MS < now) this.backoff.delete(address)
      } else if (entry.until > now && entry.until < next) next = entry.until
    }
    if (next === Infinity || this.stopped) return
    this.retryTimer = this.clock.setTimeout(() => this.schedule(), Math.max(0, next - this.clock.now()))
    this.retryTimer.unref()
  }
}
