import { describe, expect, it } from 'vitest'
import { EdgeTable } from '../../../src/main/chaski/edge-table'
import type { LinkedEdge } from '../../../src/main/chaski/linked-edge'

// The table reads only an edge's id.
const edge = (id: string): LinkedEdge => ({ id }) as LinkedEdge

/** What the table says, next to what a Map given the same calls says. */
function sameAsMap(table: EdgeTable, map: Map<string, LinkedEdge>): void {
  expect(table.size).toBe(map.size)
  expect([...table.values()]).toEqual([...map.values()])
  expect([...table.keys()]).toEqual([...map.keys()])
  expect([...table.entries()]).toEqual([...map.entries()])
  expect([...table]).toEqual([...map])
  const seen: string[] = []
  table.forEach((value, key, owner) => {
    expect(owner).toBe(table)
    expect(value.id).toBe(key)
    seen.push(key)
  })
  expect(seen).toEqual([...map.keys()])
  for (const id of ['a', 'b', 'c', 'x']) {
    expect(table.get(id)).toBe(map.get(id))
    expect(table.has(id)).toBe(map.has(id))
  }
}

describe('EdgeTable (edges by peer id)', () => {
  it('answers as a Map would through one edge, many, and back to none', () => {
    const table = new EdgeTable()
    const map = new Map<string, LinkedEdge>()
    const steps: [op: 'set' | 'delete', id: string][] = [
      ['set', 'a'],
      ['set', 'a'], // replaced in place
      ['delete', 'x'],
      ['set', 'b'],
      ['set', 'c'],
      ['set', 'b'],
      ['delete', 'a'],
      ['delete', 'b'],
      ['delete', 'c'],
      ['delete', 'c'],
      ['set', 'c'],
      ['delete', 'c']
    ]
    sameAsMap(table, map)
    for (const [op, id] of steps) {
      if (op === 'set') {
        const value = edge(id)
        table.set(value)
        map.set(id, value)
      } else expect(table.delete(id)).toBe(map.delete(id))
      sameAsMap(table, map)
    }
  })

  it('lets an iteration under way go on while edges are deleted', () => {
    const table = new EdgeTable()
    for (const id of ['a', 'b', 'c']) table.set(edge(id))
    const seen: string[] = []
    for (const value of table.values()) {
      seen.push(value.id)
      table.delete(value.id)
    }
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(table.size).toBe(0)
  })
})
