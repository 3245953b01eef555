// A moving median of each peer's last few round trips (Serf's latencyFilter, after Ledlie et al. 2007): one slow
// pong (a GC pause, a retransmission) is ridden out instead of throwing the coordinate off, at the cost of a short
// lag. Memory is bounded: past maxPeers, the peer updated least recently is forgotten first.

export class LatencyFilter {
  // Insertion order is recency order: a peer's entry is re-inserted on every sample.
  private readonly samples = new Map<string, number[]>()

  constructor(
    private readonly size: number,
    private readonly maxPeers: number
  ) {}

  /** Adds a round trip of `peerId` and returns the median of its kept samples (the upper one of an even count). */
  add(peerId: string, rtt: number): number {
    const kept = this.samples.get(peerId) ?? []
    this.samples.delete(peerId)
    kept.push(rtt)
    if (kept.length > this.size) kept.shift()
    this.samples.set(peerId, kept)
    if (this.samples.size > this.maxPeers) this.samples.delete(this.samples.keys().next().value!)
    const sorted = kept.slice().sort((a, b) => a - b)
    return sorted[sorted.length >> 1]!
  }

  /** Drops what is kept of `peerId` (its edge is gone; a new edge starts afresh). */
  forget(peerId: string): void {
    this.samples.delete(peerId)
  }

  /** Peers with samples kept. */
  get peerCount(): number {
    return this.samples.size
  }
}
