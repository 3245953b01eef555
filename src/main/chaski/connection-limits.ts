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
import type { Logger } from './logger'
import { RateLimiter } from './rate-limit'
import { ThrottledWarning } from './throttled-warning'

export class ConnectionLimits {
  private pendingTotal = 0
  /** Pending handshakes per source key (address.ts sourceKey); keys leave when they reach zero. */
  private readonly pendingBySource = new Map<string, number>()
  private preHandshakeBytes = 0
  private partialFrameBytes = 0
  private dials: RateLimiter | null = null
  private edgeWarning: ThrottledWarning | null = null
  readonly refusals: ThrottledWarning
  readonly drops: ThrottledWarning

  constructor(private readonly log: Logger) {
    this.refusals = new ThrottledWarning(log, 'inbound connection refused at once')
    this.drops = new ThrottledWarning(log, 'link dropped: the node holds too many bytes of unfinished frames')
  }

  /** Dials of addresses learned from the network, per target and overall (made on the first). */
  get learnedDials(): RateLimiter {
    return (this.dials ??= new RateLimiter({
      burst: LEARNED_DIAL_BURST_PER_TARGET,
      ratePerS: LEARNED_DIALS_PER_TARGET_PER_S,
      maxKeys: LEARNED_DIAL_TARGETS,
      globalBurst: LEARNED_DIAL_BURST,
      globalRatePerS: LEARNED_DIALS_PER_S
    }))
  }

  /** Peers refused because the node keeps maxEdges edges. */
  get edgeRefusals(): ThrottledWarning {
    return (this.edgeWarning ??= new ThrottledWarning(
      this.log,
      'peer refused: this node keeps maxEdges edges'
    ))
  }

  /**
   * An inbound connection from `source` wants to wait for its handshake. Returns why it may not (the total or its
   * source's share is taken), or null after counting it (release it with releasePending once it is done waiting).
   */
  admitPending(source: string): string | null {
    if (this.pendingTotal >= MAX_PENDING_HANDSHAKES)
      return `${MAX_PENDING_HANDSHAKES} connections are already waiting for their handshake`
    const fromSource = this.pendingBySource.get(source) ?? 0
    if (fromSource >= MAX_PENDING_HANDSHAKES_PER_SOURCE)
      return `${MAX_PENDING_HANDSHAKES_PER_SOURCE} connections from ${source} are already waiting for their handshake`
    this.pendingTotal++
    this.pendingBySource.set(source, fromSource + 1)
    return null
  }

  releasePending(source: string): void {
    const fromSource = this.pendingBySource.get(source)
    if (fromSource === undefined) return
    this.pendingTotal--
    if (fromSource > 1) this.pendingBySource.set(source, fromSource - 1)
    else this.pendingBySource.delete(source)
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
