// Logs failures that the host contained (a node's event handling, snapshot or update that threw). A peer that keeps
// triggering the same failure must not flood the log: one line per kind of failure per interval, with a count of
// the ones left out.
import { describeError } from './host-errors'

export interface HostLogger {
  warn(message: string): void
}

export const FAILURE_LOG_INTERVAL_MS = 10_000

export class FailureLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>()

  constructor(
    private readonly logger: HostLogger,
    private readonly intervalMs = FAILURE_LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now
  ) {}

  /** `who`: the node's name (or 'host'); `what`: what was being done when it failed. */
  report(who: string, what: string, err: unknown): void {
    const key = `${who}\u0000${what}`
    const now = this.now()
    const entry = this.last.get(key)
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++
      return
    }
    const more =
      entry && entry.suppressed > 0 ? ` (${entry.suppressed} more like it since the last report)` : ''
    this.last.set(key, { at: now, suppressed: 0 })
    // Bounded: the keys are node names × a fixed set of activities, but never let the map grow past a few hundred.
    if (this.last.size > 1024) this.last.delete(this.last.keys().next().value as string)
    let detail: string
    try {
      detail = describeError(err).message
    } catch {
      detail = 'an unprintable error'
    }
    try {
      this.logger.warn(`${who}: ${what} failed: ${detail.slice(0, 300)}${more}; contained, the rest goes on`)
    } catch {
      // a broken logger must not turn a contained failure into an uncontained one
    }
  }
}
