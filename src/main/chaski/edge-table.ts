// A node's registered edges by peer id (ConnectionManager.edgesById). Most nodes of a large network are leaves
// with one edge: that one is kept in a field, and a Map (~230 B with its table) is made from the second edge on,
// and let go again when the node has none. Readers see a ReadonlyMap, in registration order, as before.
import type { LinkedEdge } from './linked-edge'

export class EdgeTable implements ReadonlyMap<string, LinkedEdge> {
  /** The only edge while there is no `many` table. */
  #one: LinkedEdge | null = null
  #many: Map<string, LinkedEdge> | null = null

  get size(): number {
    const many = this.#many
    if (many !== null) return many.size
    return this.#one === null ? 0 : 1
  }

  get(id: string): LinkedEdge | undefined {
    const many = this.#many
    if (many !== null) return many.get(id)
    const one = this.#one
    return one !== null && one.id === id ? one : undefined
  }

  has(id: string): boolean {
    return this.get(id) !== undefined
  }

  /** Registers `edge` under its id (an edge already there under that id is replaced, keeping its place). */
  set(edge: LinkedEdge): void {
    const many = this.#many
    if (many !== null) {
      many.set(edge.id, edge)
      return
    }
    const one = this.#one
    if (one === null || one.id === edge.id) {
      this.#one = edge
      return
    }
    this.#many = new Map([
      [one.id, one],
      [edge.id, edge]
    ])
    this.#one = null
  }

  delete(id: string): boolean {
    const many = this.#many
    if (many !== null) {
      const deleted = many.delete(id)
      // An iteration under way goes on over the table it started with.
      if (many.size === 0) this.#many = null
      return deleted
    }
    if (this.#one === null || this.#one.id !== id) return false
    this.#one = null
    return true
  }

  values(): MapIterator<LinkedEdge> {
    const many = this.#many
    if (many !== null) return many.values()
    return (this.#one === null ? [] : [this.#one]).values()
  }

  keys(): MapIterator<string> {
    const many = this.#many
    if (many !== null) return many.keys()
    return (this.#one === null ? [] : [this.#one.id]).values()
  }

  entries(): MapIterator<[string, LinkedEdge]> {
    const many = this.#many
    if (many !== null) return many.entries()
    return (this.#one === null ? [] : [[this.#one.id, this.#one] as [string, LinkedEdge]]).values()
  }

  [Symbol.iterator](): MapIterator<[string, LinkedEdge]> {
    return this.entries()
  }

  forEach(callback: (edge: LinkedEdge, id: string, table: ReadonlyMap<string, LinkedEdge>) => void): void {
    for (const [id, edge] of this.entries()) callback(edge, id, this)
  }
}
