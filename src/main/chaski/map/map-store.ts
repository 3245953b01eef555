// The map a node holds (docs/PROTOCOL.md §12): the latest accepted advert of each origin, with the hops it came
// over and when, bounded in origins and aged. The highest sequence number of each origin is remembered apart
// (bounded too), so an advert replayed after its origin's entry expired or was evicted is still refused.
import type { Coordinate } from '../coordinates/coordinate'
import type { NeighboursData } from '../commands/neighbours'
import { ADVERT_EXPIRY_INTERVALS, MAP_MAX_ORIGINS, MAP_MAX_SEQ_MEMORY } from './limits'

export interface MapEntry {
  readonly advert: NeighboursData
  /** The advert's coordinate, checked (null when it carried none). */
  readonly coordinate: Coordinate | null
  /** Hops the advert came over (1: from the origin itself). */
  hops: number
  /** Monotonic ms (clock.now()) of acceptance, and when the entry expires. */
  readonly receivedAt: number
  readonly expiresAt: number
  /** Epoch ms of acceptance (shown as age). */
  readonly receivedEpochMs: number
}

export class MapStore {
  private readonly entries = new Map<string, MapEntry>()
  /** origin → highest seq accepted; Map order doubles as least-recently-updated order. */
  private readonly seqs = new Map<string, number>()

  constructor(
    private readonly maxOrigins = MAP_MAX_ORIGINS,
    private readonly maxSeqMemory = MAP_MAX_SEQ_MEMORY
  ) {}

  get size(): number {
    return this.entries.size
  }

  get(origin: string): MapEntry | undefined {
    return this.entries.get(origin)
  }

  values(): IterableIterator<MapEntry> {
    return this.entries.values()
  }

  /** The highest sequence number accepted from `origin`, even if its entry is gone. */
  lastSeq(origin: string): number | undefined {
    return this.seqs.get(origin)
  }

  /** Stores an accepted advert (its seq is higher than lastSeq), evicting one origin when full. */
  put(
    advert: NeighboursData,
    coordinate: Coordinate | null,
    hops: number,
    now: number,
    epochMs: number
  ): void {
    const origin = advert.origin
    if (!this.entries.has(origin) && this.entries.size >= this.maxOrigins) this.evictOne()
    this.entries.set(origin, {
      advert,
      coordinate,
      hops,
      receivedAt: now,
      expiresAt: now + advert.interval * 1000 * ADVERT_EXPIRY_INTERVALS,
      receivedEpochMs: epochMs
    })
    this.seqs.delete(origin)
    this.seqs.set(origin, advert.seq)
    if (this.seqs.size > this.maxSeqMemory) {
      // Forget the least recently updated origin that has no entry (those with entries are at most maxOrigins).
      for (const key of this.seqs.keys()) {
        if (!this.entries.has(key)) {
          this.seqs.delete(key)
          break
        }
      }
    }
  }

  /** Removes the entries expired at `now`; returns their origins. */
  expire(now: number): string[] {
    const gone: string[] = []
    for (const [origin, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(origin)
        gone.push(origin)
      }
    }
    return gone
  }

  delete(origin: string): boolean {
    return this.entries.delete(origin)
  }

  clear(): void {
    this.entries.clear()
    this.seqs.clear()
  }

  /** The entry heard over the most hops goes first; among those, the least recently heard. */
  private evictOne(): void {
    let victim: string | null = null
    let worst: MapEntry | null = null
    for (const [origin, entry] of this.entries) {
      if (
        worst === null ||
        entry.hops > worst.hops ||
        (entry.hops === worst.hops && entry.receivedAt < worst.receivedAt)
      ) {
        worst = entry
        victim = origin
      }
    }
    if (victim !== null) this.entries.delete(victim)
  }
}
