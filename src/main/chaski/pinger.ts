// Ping bookkeeping (spec §6): every ping has its own id, so overlapping pings on one edge never interfere,
// and round trips are measured locally with a monotonic high-resolution clock.
import { systemClock, type Clock, type ClockTimer } from './clock'
import type { Deadline, DeadlineSweep } from './deadlines'
import type { LinkedEdge } from './linked-edge'
import { EdgeClosedError, PingTimeoutError } from './errors'
import { KEEP_ALIVE_JITTER_FACTOR } from './constants'

interface PendingPing {
  edge: LinkedEdge
  sentAt: number
  latencyUpdate: boolean
  resolve: ((rttMs: number) => void) | null
  reject: ((error: Error) => void) | null
  /** performance.now() deadline; Infinity for keep-alive pings (closed by the next keep-alive round). */
  deadline: number
  timeoutMs: number
}

export interface PongOutcome {
  edge: LinkedEdge
  rttMs: number
  latencyUpdate: boolean
  keepAlive: boolean
}

/** What a tracker with no ping yet reads: never written to. */
const NO_PINGS: ReadonlyMap<number, PendingPing> = new Map()

export class PingTracker {
  /** Made on the first ping: most nodes of a large network only ever send keep-alive pings, and late. */
  private pendingMap: Map<number, PendingPing> | null = null
  private nextId = 1
  // One timer per node for every ping timeout (not one per ping): armed for the earliest deadline.
  private timer: ClockTimer | null = null
  private timerAt = Infinity

  constructor(private readonly clock: Clock = systemClock) {}

  /** The pings in flight, to read or delete from (the empty map while none was ever sent). */
  private get pending(): Map<number, PendingPing> {
    return (this.pendingMap ?? NO_PINGS) as Map<number, PendingPing>
  }

  get size(): number {
    return this.pending.size
  }

  /**
   * Registers a ping about to be sent and returns its id. With `waiter`, the promise callbacks are settled by
   * the pong (RTT in ms) or the timeout; without, it is a keep-alive ping tracked on the edge.
   */
  start(
    edge: LinkedEdge,
    latencyUpdate: boolean,
    waiter: { resolve: (rttMs: number) => void; reject: (error: Error) => void; timeoutMs: number } | null
  ): number {
    const id = this.nextId++
    const sentAt = this.clock.now()
    const entry: PendingPing = {
      edge,
      sentAt,
      latencyUpdate,
      resolve: waiter?.resolve ?? null,
      reject: waiter?.reject ?? null,
      deadline: waiter ? sentAt + waiter.timeoutMs : Infinity,
      timeoutMs: waiter?.timeoutMs ?? 0
    }
    ;(this.pendingMap ??= new Map()).set(id, entry)
    if (entry.deadline < this.timerAt) this.arm(entry.deadline)
    return id
  }

  private arm(deadline: number): void {
    this.clock.clearTimeout(this.timer)
    this.timerAt = deadline
    // Whole milliseconds: Node keeps one timer list per distinct duration.
    this.timer = this.clock.setTimeout(
      () => this.expire(),
      Math.max(0, Math.ceil(deadline - this.clock.now())) + 1
    )
    this.timer.unref()
  }

  private expire(): void {
    this.timer = null
    this.timerAt = Infinity
    const now = this.clock.now()
    let next = Infinity
    for (const [id, entry] of this.pending) {
      if (entry.deadline <= now) {
        this.pending.delete(id)
        entry.reject?.(
          new PingTimeoutError(`no pong from ${entry.edge.toString()} within ${entry.timeoutMs} ms`)
        )
      } else if (entry.deadline < next) next = entry.deadline
    }
    if (next !== Infinity) this.arm(next)
  }

  /** Matches a pong; returns null for an unknown id or a pong arriving over another edge. */
  complete(edge: LinkedEdge, pingId: number): PongOutcome | null {
    const entry = this.pending.get(pingId)
    if (!entry || entry.edge !== edge) return null
    this.pending.delete(pingId)
    const rttMs = this.clock.now() - entry.sentAt
    const keepAlive = edge.keepAlivePending === pingId
    if (keepAlive) edge.keepAlivePending = null
    entry.resolve?.(rttMs)
    return { edge, rttMs, latencyUpdate: entry.latencyUpdate, keepAlive }
  }

  /** Forgets one ping (its link is gone and the pong can never come); nobody waits for a keep-alive ping. */
  forget(pingId: number): void {
    this.pending.delete(pingId)
  }

  /** Rejects every ping in flight on an edge that went away. */
  dropEdge(edge: LinkedEdge): void {
    for (const [id, entry] of this.pending) {
      if (entry.edge !== edge) continue
      this.pending.delete(id)
      entry.reject?.(new EdgeClosedError(`edge ${edge.toString()} closed before the pong`))
    }
  }

  clear(error: Error): void {
    this.clock.clearTimeout(this.timer)
    this.timer = null
    this.timerAt = Infinity
    for (const [id, entry] of this.pending) {
      this.pending.delete(id)
      entry.reject?.(error)
    }
  }
}

/**
 * Keep-alive rounds (spec §6) at a jittered interval, on the process-wide periodic sweep (deadlines.ts): one per
 * node, not one per edge. A base class (NodePings, node-pings.ts), so a node's keep-alive costs two fields, not an
 * object of its own.
 */
export abstract class KeepAlive implements Deadline {
  deadlineAt = Infinity
  private keepAliveRunning = false

  /** Runs each round (the node's pings). */
  abstract keepAliveRound(): void
  /** The interval between rounds, before jitter. */
  protected abstract get keepAliveIntervalMs(): number
  /** The sweep the rounds run on. */
  protected abstract get keepAliveSweep(): DeadlineSweep

  protected startKeepAlive(): void {
    if (this.keepAliveRunning) return
    this.keepAliveRunning = true
    this.scheduleKeepAlive()
  }

  protected stopKeepAlive(): void {
    // Not running: not in the sweep either (a round re-adds itself only while running).
    if (!this.keepAliveRunning) return
    this.keepAliveRunning = false
    this.keepAliveSweep.delete(this)
  }

  onDeadline(): void {
    if (!this.keepAliveRunning) return
    try {
      this.keepAliveRound()
    } finally {
      if (this.keepAliveRunning) this.scheduleKeepAlive()
    }
  }

  private scheduleKeepAlive(): void {
    this.keepAliveSweep.add(this, this.keepAliveIntervalMs * (1 + Math.random() * KEEP_ALIVE_JITTER_FACTOR))
  }
}
