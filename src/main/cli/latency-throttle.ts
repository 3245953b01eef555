// Latency samples arrive on every pong (keep-alive, explicit pings): a foreground node prints at most one line per
// edge per interval so the terminal stays readable. The first sample of an edge is always shown.

export class LatencyThrottle {
  private readonly lastShown = new Map<string, number>()

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now()
  ) {}

  /** True when a sample for `key` (an edge id) should be printed now; records it as printed. */
  take(key: string): boolean {
    const now = this.now()
    const last = this.lastShown.get(key)
    if (last !== undefined && now - last < this.intervalMs) return false
    this.lastShown.set(key, now)
    return true
  }

  /** The edge is gone: its next life starts with a fresh first line (and the map stays bounded). */
  forget(key: string): void {
    this.lastShown.delete(key)
  }
}
