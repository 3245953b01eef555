// Reporting of dropped beacons: every drop is counted; the first of each reason is logged and emitted at once,
// later ones are summarised at most every DROP_LOG_INTERVAL_MS, so a flood cannot flood the log or the UI too.
import { systemClock, type Clock } from '../clock'
import type { Logger } from '../logger'
import { DROP_LOG_INTERVAL_MS } from './constants'
import { BeaconRejectedError } from './errors'
import type { BeaconRejectReason } from './errors'

interface Pending {
  count: number
  loggedAt: number
  source: string
  detail: string
}

export class BeaconDropReport {
  /** Every drop since start, by reason. */
  readonly counts: Partial<Record<BeaconRejectReason, number>> = {}
  private readonly pending = new Map<BeaconRejectReason, Pending>()

  constructor(
    private readonly log: Logger,
    private readonly report: (error: BeaconRejectedError) => void,
    private readonly clock: Clock = systemClock
  ) {}

  drop(reason: BeaconRejectReason, source: string, detail: string): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1
    const entry = this.pending.get(reason) ?? { count: 0, loggedAt: -Infinity, source, detail }
    entry.count++
    entry.source = source
    entry.detail = detail
    this.pending.set(reason, entry)
    this.flush(reason, entry)
  }

  /** Reports what accumulated since the last report of each reason, once its quiet period is over. */
  flushAll(): void {
    for (const [reason, entry] of this.pending) this.flush(reason, entry)
  }

  private flush(reason: BeaconRejectReason, entry: Pending): void {
    const now = this.clock.now()
    if (entry.count === 0 || now - entry.loggedAt < DROP_LOG_INTERVAL_MS) return
    // The message shows the latest drop of this reason; `count` says how many it stands for.
    const error = new BeaconRejectedError(reason, entry.source, entry.detail, entry.count)
    this.log.warn(error.message, entry.count > 1 ? { count: entry.count } : undefined)
    entry.count = 0
    entry.loggedAt = now
    this.report(error)
  }
}
