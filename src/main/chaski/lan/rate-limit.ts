// Token buckets that drop flooding beacons before they are decoded. Memory is bounded: at most `maxSources`
// buckets are kept (the least recently used goes first), and one global bucket caps the whole receiver so that a
// flood from ever-changing spoofed sources costs bounded CPU too.

export interface RateLimitInit {
  /** Beacons a source may send in a burst. */
  burst: number
  /** Sustained beacons per second per source. */
  ratePerS: number
  /** Most sources tracked at once. */
  maxSources: number
  globalBurst: number
  globalRatePerS: number
}

interface Bucket {
  tokens: number
  updatedMs: number
}

export class BeaconRateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly global: Bucket

  constructor(
    private readonly init: RateLimitInit,
    private readonly now: () => number = () => performance.now()
  ) {
    this.global = { tokens: init.globalBurst, updatedMs: this.now() }
  }

  /** True when a beacon from `source` may be processed now; consumes a token from its bucket and the global one. */
  allow(source: string): boolean {
    const now = this.now()
    if (!take(this.global, now, this.init.globalBurst, this.init.globalRatePerS)) return false
    let bucket = this.buckets.get(source)
    if (bucket === undefined) {
      if (this.buckets.size >= this.init.maxSources) this.evictOldest()
      bucket = { tokens: this.init.burst, updatedMs: now }
    } else {
      this.buckets.delete(source) // re-inserted below: Map order doubles as least-recently-used order
    }
    this.buckets.set(source, bucket)
    return take(bucket, now, this.init.burst, this.init.ratePerS)
  }

  get size(): number {
    return this.buckets.size
  }

  clear(): void {
    this.buckets.clear()
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next()
    if (oldest.done !== true) this.buckets.delete(oldest.value)
  }
}

function take(bucket: Bucket, now: number, burst: number, ratePerS: number): boolean {
  const elapsedS = Math.max(0, now - bucket.updatedMs) / 1000
  bucket.tokens = Math.min(burst, bucket.tokens + elapsedS * ratePerS)
  bucket.updatedMs = now
  if (bucket.tokens < 1) return false
  bucket.tokens -= 1
  return true
}
