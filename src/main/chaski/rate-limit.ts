// Token buckets keyed by a source or target address, with one global bucket on top: the one rate limiter of the
// library (LAN beacons received, UDP status responses sent, dials to addresses learned from the network, neighbour
// adverts read and sent per link).
// Memory is bounded: at most `maxKeys` buckets are kept (the least recently used goes first). The key's own bucket
// is asked first, so a flood from one key spends its own tokens, not the global ones other keys need; the global
// bucket caps the total, so ever-changing (spoofed) keys cost bounded work too.

export interface RateLimitInit {
  /** Events one key may have in a burst. */
  burst: number
  /** Sustained events per second per key. */
  ratePerS: number
  /** Most keys tracked at once. */
  maxKeys: number
  /** Events of all keys together in a burst. */
  globalBurst: number
  /** Sustained events per second, all keys together. */
  globalRatePerS: number
}

interface Bucket {
  tokens: number
  updatedMs: number
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly global: Bucket

  constructor(
    private readonly init: RateLimitInit,
    private readonly now: () => number = () => performance.now()
  ) {
    this.global = { tokens: init.globalBurst, updatedMs: this.now() }
  }

  /**
   * True when an event for `key` may happen now; it then takes a token from the key's bucket and (unless
   * `global` is false) from the global one. A token is taken from neither when either has none.
   */
  allow(key: string, global = true): boolean {
    const now = this.now()
    const init = this.init
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      if (this.buckets.size >= init.maxKeys) this.evictOldest()
      bucket = { tokens: init.burst, updatedMs: now }
    } else {
      this.buckets.delete(key) // re-inserted below: Map order doubles as least-recently-used order
    }
    this.buckets.set(key, bucket)
    if (!refill(bucket, now, init.burst, init.ratePerS)) return false
    if (global && !refill(this.global, now, init.globalBurst, init.globalRatePerS)) return false
    bucket.tokens -= 1
    if (global) this.global.tokens -= 1
    return true
  }

  /** Keys tracked now. */
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

/** Adds the tokens earned since the last update; true when the bucket holds one to take. */
function refill(bucket: Bucket, now: number, burst: number, ratePerS: number): boolean {
  const elapsedS = Math.max(0, now - bucket.updatedMs) / 1000
  bucket.tokens = Math.min(burst, bucket.tokens + elapsedS * ratePerS)
  bucket.updatedMs = now
  return bucket.tokens >= 1
}
