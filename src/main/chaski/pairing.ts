import type { LinkedEdge } from './linked-edge'

// Per-topic paired state of a node (spec §4), with the pairing depth ("rank") our discovery uses to pick
// one candidate deterministically (docs/PROTOCOL.md, "Choosing among candidates").

interface TopicState {
  paired: boolean
  /** 0: first node of the topic; n: paired through a node of rank n-1. */
  rank: number
}

export interface PairingOwner {
  onPairingChange(topic: string, paired: boolean, edge: LinkedEdge | null): void
}

export class PairingState {
  private readonly topics = new Map<string, TopicState>()

  constructor(
    topics: Iterable<string>,
    pairedAll: boolean,
    /** Told of every change (the node's context: a method, not a closure per node). */
    private readonly owner: PairingOwner
  ) {
    for (const topic of topics) this.topics.set(topic, { paired: pairedAll, rank: 0 })
  }

  has(topic: string): boolean {
    return this.topics.has(topic)
  }

  isPaired(topic: string): boolean {
    return this.topics.get(topic)?.paired === true
  }

  rank(topic: string): number {
    return this.topics.get(topic)?.rank ?? 0
  }

  get allPaired(): boolean {
    for (const state of this.topics.values()) if (!state.paired) return false
    return true
  }

  setPaired(topic: string, rank: number, edge: LinkedEdge | null = null): void {
    const state = this.topics.get(topic)
    if (!state) return
    const was = state.paired
    state.paired = true
    state.rank = was ? Math.min(state.rank, rank) : rank
    if (!was) this.owner.onPairingChange(topic, true, edge)
  }

  setUnpaired(topic: string): void {
    const state = this.topics.get(topic)
    if (!state || !state.paired) return
    state.paired = false
    this.owner.onPairingChange(topic, false, null)
  }

  add(topic: string, paired: boolean): void {
    if (this.topics.has(topic)) return
    this.topics.set(topic, { paired: false, rank: 0 })
    if (paired) this.setPaired(topic, 0)
  }

  remove(topic: string): void {
    this.topics.delete(topic)
  }

  /** topic → paired, as a null-prototype record (topic names are user data). */
  toRecord(): Record<string, boolean> {
    const record = Object.create(null) as Record<string, boolean>
    for (const [topic, state] of this.topics) record[topic] = state.paired
    return record
  }
}
