// Bounded before trust (docs/PROTOCOL.md §10): what a node lets its peers hold or make it do. Inbound connections
// still handshaking are capped in total and per source address (a refused one is closed at once), the bytes all
// links hold in unfinished frames are counted against node-wide budgets (the link that would go over is the one
// dropped), and addresses learned from the network are dialled within limits. Made on a node's first need: most
// nodes of a large network never need it.
import {
  LEARNED_DIAL_BURST,
  LEARNED_DIAL_BURST_PER_TARGET,
  LEARNED_DIAL_TARGETS,
  LEARNED_DIALS_PER_S,
  LEARNED_DIALS_PER_TARGET_PER_S,
  MAX_PARTIAL_FRAME_BYTES,
  MAX_PENDING_HANDSHAKES,
  MAX_PENDING_HANDSHAKES_PER_SOURCE,
  MAX_PRE_HANDSHAKE_BYTES
} from './constants'
import { sourceKey } from './address'
import { systemClock, type Clock } from './clock'
import type { Logger } from './logger'
import { RateLimiter } from './rate-limit'
import { ThrottledWarning } from './throttled-warning'

/** A connection waiting for its handshake, as the caps see it (a Link). */
export interface PendingConnection {
  readonly remoteAddress: string
}

/** Below this many waiting connections, per-source counts are dropped (they are rebuilt when needed again). */
const STOP_COUNTING_SOURCES_BELOW = MAX_PENDING_HANDSHAKES_PER_SOURCE / 2

export class ConnectionLimits {
  private pendingTotal = 0
  /**
   * Waiting connections per source key (address.ts sourceKey), kept only while at least
   * MAX_PENDING_HANDSHAKES_PER_SOURCE connections wait: below that no source can reach its share, and reading a
   * peer's address is a system call most connections never need.
   */
  private bySource: Map<string, number> | null = null
  private preHandshakeBytes = 0
  private partialFrameBytes = 0
  private dials: RateLimiter | null = null
  private edgeWarning: ThrottledWarning | null = null
  private refusalWarning: ThrottledWarning | null = null
  private dropWarning: ThrottledWarning | null = null
  private plaintextWarning: ThrottledWarning | null = null

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock = systemClock
  ) {}

  /** Inbound connections refused at once (made on the first, as every warning here). */
  get refusals(): ThrottledWarning {
    return (this.refusalWarning ??= new ThrottledWarning(
      this.log,
      'inbound connection refused at once',
      undefined,
      this.clock
    ))
  }

  /** Links dropped for holding too many bytes of unfinished frames. */
  get drops(): ThrottledWarning {
    return (this.dropWarning ??= new ThrottledWarning(
      this.log,
      'link dropped: the node holds too many bytes of unfinished frames',
      undefined,
      this.clock
    ))
  }

  /** Dials of addresses learned from the network, per target and overall (made on the first). */
  get learnedDials(): RateLimiter {
    return (this.dials ??= new RateLimiter(
      {
        burst: LEARNED_DIAL_BURST_PER_TARGET,
        ratePerS: LEARNED_DIALS_PER_TARGET_PER_S,
        maxKeys: LEARNED_DIAL_TARGETS,
        globalBurst: LEARNED_DIAL_BURST,
        globalRatePerS: LEARNED_DIALS_PER_S
      },
      () => this.clock.now()
    ))
  }

  /** Plaintext (version 1) peers refused by a node that accepts secure links only. */
  get plaintextRefusals(): ThrottledWarning {
    return (this.plaintextWarning ??= new ThrottledWarning(
      this.log,
      'plaintext peer refused (secure-required): this node accepts secure links only',
      undefined,
      this.clock
    ))
  }

  /** Peers refused because the node keeps maxEdges edges. */
  get edgeRefusals(): ThrottledWarning {
    return (this.edgeWarning ??= new ThrottledWarning(
      this.log,
      'peer refused: this node keeps maxEdges edges',
      undefined,
      this.clock
    ))
  }

  /**
   * A new inbound connection from `address()` wants to wait for its handshake. Returns why it may not (the total or
   * its source's share is taken), or null after counting it (releasePending once it is done waiting). `waiting`
   * lists the connections already waiting: it is read when per-source counting starts.
   */
  admitPending(address: () => string, waiting: () => Iterable<PendingConnection>): string | null {
    if (this.pendingTotal >= MAX_PENDING_HANDSHAKES)
      return `${MAX_PENDING_HANDSHAKES} connections are already waiting for their handshake`
    if (this.pendingTotal >= MAX_PENDING_HANDSHAKES_PER_SOURCE) {
      const counts = (this.bySource ??= countSources(waiting()))
      const source = sourceKey(address())
      const fromSource = counts.get(source) ?? 0
      if (fromSource >= MAX_PENDING_HANDSHAKES_PER_SOURCE)
        return `${MAX_PENDING_HANDSHAKES_PER_SOURCE} connections from ${source} are already waiting for their handshake`
      counts.set(source, fromSource + 1)
    }
    this.pendingTotal++
    return null
  }

  /** An admitted connection is done waiting (its handshake completed, or it closed). */
  releasePending(connection: PendingConnection): void {
    this.pendingTotal--
    const counts = this.bySource
    if (counts === null) return
    if (this.pendingTotal < STOP_COUNTING_SOURCES_BELOW) {
      this.bySource = null
      return
    }
    const source = sourceKey(connection.remoteAddress)
    const fromSource = counts.get(source) ?? 0
    if (fromSource > 1) counts.set(source, fromSource - 1)
    else counts.delete(source)
  }

  /**
   * A link now holds `delta` more (or fewer) bytes of unfinished frames. Returns false when that takes the node over
   * its budget: the one before the handshake (MAX_PRE_HANDSHAKE_BYTES) or the one after (MAX_PARTIAL_FRAME_BYTES).
   */
  hold(beforeHandshake: boolean, delta: number): boolean {
    if (beforeHandshake) {
      this.preHandshakeBytes += delta
      return delta <= 0 || this.preHandshakeBytes <= MAX_PRE_HANDSHAKE_BYTES
    }
    this.partialFrameBytes += delta
    return delta <= 0 || this.partialFrameBytes <= MAX_PARTIAL_FRAME_BYTES
  }
}

function countSources(connections: Iterable<PendingConnection>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const connection of connections) {
    const source = sourceKey(connection.remoteAddress)
    counts.set(source, (counts.get(source) ?? 0) + 1)
  }
  return counts
}
