// Pool of recently seen message ids (spec §6 propagation): bounded, oldest evicted first.

export class MessagePool {
  private readonly seen = new Set<string>()
  private readonly order: (string | undefined)[]
  private next = 0

  constructor(private readonly maxSize: number) {
    this.order = new Array<string | undefined>(maxSize)
  }

  get size(): number {
    return this.seen.size
  }

  has(uuid: string): boolean {
    return this.seen.has(uuid)
  }

  /** Adds an id; returns false when it was already there. */
  add(uuid: string): boolean {
    if (this.seen.has(uuid)) return false
    const evicted = this.order[this.next]
    if (evicted !== undefined) this.seen.delete(evicted)
    this.order[this.next] = uuid
    this.next = (this.next + 1) % this.maxSize
    this.seen.add(uuid)
    return true
  }
}
