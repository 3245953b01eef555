import { describe, expect, test } from 'vitest'
import type { GraphModelSnapshot } from '../../../../src/shared/snapshots'
import {
  buildLatencyMatrix,
  describeMatrixCell,
  matrixCell
} from '../../../../src/renderer/src/graph/matrix-data'

const model: GraphModelSnapshot = {
  nodes: [
    { id: 'p10', label: 'Peer10', kind: 'peer', address: null, topics: [], paired: false },
    { id: 'p2', label: 'Peer2', kind: 'peer', address: null, topics: [], paired: false },
    { id: 'lan', label: 'Heard', kind: 'lan', address: null, topics: [], paired: false },
    { id: 'b', label: 'Bravo', kind: 'local', address: null, topics: [], paired: false },
    { id: 'a', label: 'Alpha', kind: 'local', address: null, topics: [], paired: false }
  ],
  links: [
    { source: 'a', target: 'p2', latencyMs: 0.4, state: 'connected' },
    { source: 'b', target: 'p10', latencyMs: null, state: 'reconnecting' },
    { source: 'a', target: 'b', latencyMs: 12, state: 'connected' }
  ]
}

describe('buildLatencyMatrix', () => {
  const data = buildLatencyMatrix(model)

  test('rows: local nodes first, then linked peers in natural order; unlinked LAN peers left out', () => {
    expect(data.labels).toEqual(['Alpha', 'Bravo', 'Peer2', 'Peer10'])
    expect(data.kinds).toEqual(['local', 'local', 'peer', 'peer'])
  })

  test('cells are symmetric, empty where there is no link and on the diagonal', () => {
    const [a, b, p2, p10] = [0, 1, 2, 3]
    expect(matrixCell(data, a, p2)).toEqual({ latencyMs: 0.4, state: 'connected' })
    expect(matrixCell(data, p2, a)).toBe(matrixCell(data, a, p2))
    expect(matrixCell(data, b, p10)?.state).toBe('reconnecting')
    expect(matrixCell(data, p2, p10)).toBeNull()
    expect(matrixCell(data, a, a)).toBeNull()
    expect(matrixCell(data, 9, 0)).toBeNull()
    expect(data.pairs).toHaveLength(3)
    for (const p of data.pairs) expect(p.i).toBeLessThan(p.j)
  })

  test('describes a cell in words, saying which latency figure it is', () => {
    expect(describeMatrixCell(data, 0, 2)).toBe('Alpha ↔ Peer2: 0.40 ms one-way, connected')
    expect(describeMatrixCell(data, 1, 3)).toBe('Bravo ↔ Peer10: latency not measured yet, reconnecting')
    expect(describeMatrixCell(data, 2, 3)).toBe('Peer2 ↔ Peer10: no link')
  })

  test('an empty network makes an empty matrix', () => {
    expect(buildLatencyMatrix({ nodes: [], links: [] })).toMatchObject({ ids: [], pairs: [] })
  })
})
