// Time, injected where timing is decided (keep-alive rounds, ping and discovery timeouts, reconnection backoff,
// refused reconnections, LAN announcements and expiry, rate limits), so those decisions can be tested with a
// clock the test moves by hand instead of sleeping. Production code uses systemClock, shared by every node.
import { performance } from 'node:perf_hooks'

/** A pending timer; unref() lets the process exit while it waits (as with Node's timers). */
export interface ClockTimer {
  unref(): unknown
}

export interface Clock {
  /** Monotonic milliseconds (performance.now()): deadlines and durations. */
  now(): number
  /** Wall-clock epoch milliseconds (Date.now()): what is shown or sent to peers. */
  epochMs(): number
  setTimeout(callback: () => void, ms: number): ClockTimer
  clearTimeout(timer: ClockTimer | null | undefined): void
}

/** The real clock: performance.now(), Date.now() and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  epochMs: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined)
}
