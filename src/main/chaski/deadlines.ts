// One timer for many deadlines (dial and handshake timeouts of connections, spec §3 Ours).
// A timer per connection cost a setTimeout + clearTimeout on every connect (timer-list inserts showed in the
// connect profile); here adding or removing a deadline is a Set operation, and the single timer is armed for
// the earliest deadline only. Deadlines are added in nearly increasing order, so it is rarely re-armed.
import { systemClock, type Clock, type ClockTimer } from './clock'

/** Something that must happen by a time (performance.now() ms), or be given up by onDeadline(). */
export interface Deadline {
  deadlineAt: number
  onDeadline(): void
}

export class DeadlineSweep {
  private readonly entries = new Set<Deadline>()
  private timer: ClockTimer | null = null
  private timerAt = Infinity

  /**
   * @param granularityMs the timer fires on multiples of this from when it is armed: deadlines that can be a little
   *   late (keep-alive rounds, periodic adverts) share one firing instead of one each.
   */
  constructor(
    readonly clock: Clock = systemClock,
    private readonly granularityMs = 1
  ) {}

  get size(): number {
    return this.entries.size
  }

  /** `entry.onDeadline()` runs once `inMs` have passed, unless delete(entry) came first. */
  add(entry: Deadline, inMs: number): void {
    entry.deadlineAt = this.clock.now() + inMs
    this.entries.add(entry)
    if (entry.deadlineAt < this.timerAt) this.arm(entry.deadlineAt)
  }

  delete(entry: Deadline): void {
    // The timer stays armed: when it fires with nothing due it only re-arms for the next deadline (or stops).
    this.entries.delete(entry)
  }

  /** Forgets every deadline and the timer (node stop). */
  clear(): void {
    this.clock.clearTimeout(this.timer)
    this.timer = null
    this.timerAt = Infinity
    this.entries.clear()
  }

  private arm(at: number): void {
    this.clock.clearTimeout(this.timer)
    // Whole milliseconds (Node keeps one timer list per distinct duration, 1000 nodes would make 1000 lists),
    // rounded up and +1: timers fire on the event loop's cached clock, which may lag performance.now().
    const now = this.clock.now()
    const step = this.granularityMs
    const delay = Math.ceil(Math.max(0, at - now) / step) * step + 1
    // A deadline added before the firing time but after `at` rides on this firing (it is at most a step late).
    this.timerAt = step === 1 ? at : now + delay - 1
    this.timer = this.clock.setTimeout(() => this.sweep(), delay)
    // Unreferenced: whatever has a deadline holds a socket, which keeps the process alive on its own.
    this.timer.unref()
  }

  private sweep(): void {
    this.timer = null
    this.timerAt = Infinity
    const now = this.clock.now()
    let next = Infinity
    const due: Deadline[] = []
    for (const entry of this.entries) {
      if (entry.deadlineAt <= now) due.push(entry)
      else if (entry.deadlineAt < next) next = entry.deadlineAt
    }
    for (const entry of due) this.entries.delete(entry)
    if (next !== Infinity) this.arm(next)
    for (const entry of due) entry.onDeadline()
  }
}

/**
 * The sweep every node's connections share: one timer per process, not per node (a node's first connect would
 * otherwise arm one, and 1000 nodes would hold 1000). It only ever holds dials and handshakes in progress.
 */
export const connectionDeadlines = new DeadlineSweep()

/** How late a periodic deadline may fire (periodicSweep). */
export const PERIODIC_GRANULARITY_MS = 50

const periodicSweeps = new WeakMap<Clock, DeadlineSweep>()

/**
 * The sweep for periodic rounds (keep-alive, neighbour adverts) of every node on `clock`: one timer per process
 * instead of a timer, its callback closure and (with jittered durations) a timer list per node and round; firings
 * are coalesced to PERIODIC_GRANULARITY_MS, so 1000 nodes wake it at most 20 times a second.
 */
export function periodicSweep(clock: Clock): DeadlineSweep {
  let sweep = periodicSweeps.get(clock)
  if (sweep === undefined) {
    sweep = new DeadlineSweep(clock, PERIODIC_GRANULARITY_MS)
    periodicSweeps.set(clock, sweep)
  }
  return sweep
}
