import type { LinkedEdge } from './linked-edge'

// Per-topic paired state of a node (spec §4), with the pairing depth ("rank") our discovery uses to pick
// one candidate deterministically (docs/PROTOCOL.md, "Choosing among candidates").

export interface PairingOwner {
  /** The node's subscriptions as they are now (a new set after each change: read anew every time). */
  readonly subscriptions: ReadonlySet<string>
  onPairingChange(topic: string, paired: boolean, edge: LinkedEdge | null): void
}

export class PairingState {
  /**
   * The pairing depth ("rank": 0 for the first node of the topic, n when paired through a node of rank n-1) of each
   * paired topic; made on the first pairing, so a node that never paired holds no table.
   */
  private ranks: Map<string, number> | null = null

  constructor(
    pairedAll: boolean,
    /**
     * Holds the subscriptions, read as they are now (not copied), and is told of every change (the node's context:
     * a method, not a closure per node). add() and remove() are called right after a topic joins or leaves them.
     */
    private readonly owner: PairingOwner
  ) {
    if (pairedAll) for (const topic of owner.subscriptions) this.pairedRanks().set(topic, 0)
  }

  private get topics(): ReadonlySet<string> {
    return this.owner.subscriptions
  }

  private pairedRanks(): Map<string, number> {
    return (this.ranks ??= new Map())
  }

  has(topic: string): boolean {
    return this.topics.has(topic)
  }

  isPaired(topic: string): boolean {
    return this.ranks !== null && this.ranks.has(topic)
  }

  /** The rank of a paired topic (0 for one that is not). */
  rank(topic: string): number {
    return this.ranks?.get(topic) ?? 0
  }

  get allPaired(): boolean {
    for (const topic of this.topics) if (!this.isPaired(topic)) return false
    return true
  }

  setPaired(topic: string, rank: number, edge: LinkedEdge | null = null): void {
    if (!this.topics.has(topic)) return
    const ranks = this.pairedRanks()
    const was = ranks.get(topic)
    ranks.set(topic, was === undefined ? rank : Math.min(was, rank))
    if (was === undefined) this.owner.onPairingChange(topic, true, edge)
  }

  setUnpaired(topic: string): void {
    if (this.ranks === null || !this.ranks.delete(topic)) return
    this.owner.onPairingChange(topic, false, null)
  }

  /** `topic` has just joined the subscriptions. */
  add(topic: string, paired: boolean): void {
    if (paired) this.setPaired(topic, 0)
  }

  /** `topic` has just left the subscriptions. */
  remove(topic: string): void {
    this.ranks?.delete(topic)
  }

  /** topic → paired, as a null-prototype record (topic names are user data). */
  toRecord(): Record<string, boolean> {
    const record = Object.create(null) as Record<string, boolean>
    for (const topic of this.topics) record[topic] = this.isPaired(topic)
    return record
  }
}
