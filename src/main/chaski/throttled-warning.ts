// A warning a flood can repeat thousands of times a second (connections refused, links dropped): the first is
// logged at once, later ones are summarised at most every FLOOD_WARNING_INTERVAL_MS with how many they stand for.
import { systemClock, type Clock } from './clock'
import { FLOOD_WARNING_INTERVAL_MS } from './constants'
import type { Logger } from './logger'

export class ThrottledWarning {
  private count = 0
  private loggedAt = -Infinity

  constructor(
    private readonly log: Logger,
    private readonly message: string,
    private readonly intervalMs = FLOOD_WARNING_INTERVAL_MS,
    private readonly clock: Clock = systemClock
  ) {}

  /** One more occurrence; `fields` describe the latest one. */
  report(fields: Record<string, unknown>): void {
    this.count++
    const now = this.clock.now()
    if (now - this.loggedAt < this.intervalMs) return
    this.log.warn(this.message, this.count > 1 ? { ...fields, count: this.count } : fields)
    this.count = 0
    this.loggedAt = now
  }
}
