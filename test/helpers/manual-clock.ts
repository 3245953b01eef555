// A clock the test moves by hand (src/main/chaski/clock.ts): timers fire only in advance(), in deadline order,
// so timing decisions are tested without sleeping.
import type { Clock, ClockTimer } from '../../src/main/chaski/clock'

interface Pending extends ClockTimer {
  at: number
  seq: number
  callback: () => void
}

export class ManualClock implements Clock {
  private time = 0
  private seq = 0
  private readonly timers = new Set<Pending>()

  constructor(private readonly epochStart = 1_700_000_000_000) {}

  now(): number {
    return this.time
  }

  epochMs(): number {
    return this.epochStart + this.time
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const timer: Pending = { at: this.time + Math.max(0, ms), seq: this.seq++, callback, unref: () => timer }
    this.timers.add(timer)
    return timer
  }

  clearTimeout(timer: ClockTimer | null | undefined): void {
    if (timer) this.timers.delete(timer as Pending)
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.size
  }

  /** Moves time forward by `ms`, firing every timer due on the way (timers they set included). */
  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      let next: Pending | null = null
      for (const timer of this.timers)
        if (
          timer.at <= end &&
          (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        )
          next = timer
      if (!next) break
      this.timers.delete(next)
      this.time = next.at
      next.callback()
    }
    this.time = end
  }
}
