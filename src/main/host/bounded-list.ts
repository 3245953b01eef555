// A list that keeps only its newest `capacity` items: event logs and message lists must not grow without bound.
export class BoundedList<T> {
  private items: T[] = []

  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.items.push(item)
    if (this.items.length > this.capacity * 2) this.items = this.items.slice(-this.capacity)
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.items.length > this.capacity ? this.items.slice(-this.capacity) : this.items.slice()
  }

  /** Drops the items that match (e.g. an event row another one replaces); how many were dropped. */
  remove(match: (item: T) => boolean): number {
    const before = this.items.length
    this.items = this.items.filter((item) => !match(item))
    return before - this.items.length
  }

  clear(): void {
    this.items = []
  }
}
