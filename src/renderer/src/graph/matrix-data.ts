// The latency matrix's data: every node that has a link (plus every local node), in a stable order, and the
// latency of each linked pair. Kept flat (row-major arrays) because a 500-node network is 250 000 cells.
import type { EdgeState, GraphModelSnapshot, GraphNodeKind } from '../../../shared/snapshots'
import { normaliseGraph } from './graph-diff'
import { formatLatency } from './graph-scales'

export interface MatrixCell {
  latencyMs: number | null
  state: EdgeState
}

export interface LatencyMatrixData {
  ids: string[]
  labels: string[]
  kinds: GraphNodeKind[]
  /** Row-major n×n; null where the two nodes have no link (and on the diagonal). */
  cells: (MatrixCell | null)[]
  /** Linked pairs, each once (i < j), for sparse drawing. */
  pairs: { i: number; j: number; cell: MatrixCell }[]
}

const KIND_ORDER: Record<GraphNodeKind, number> = { local: 0, peer: 1, lan: 2 }

export function buildLatencyMatrix(model: GraphModelSnapshot): LatencyMatrixData {
  const { nodes, links } = normaliseGraph(model)
  const linked = new Set<string>()
  for (const l of links.values()) {
    linked.add(l.source)
    linked.add(l.target)
  }
  const rows = [...nodes.values()]
    .filter((n) => n.kind === 'local' || linked.has(n.id))
    .sort(
      (a, b) =>
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
        a.label.localeCompare(b.label, undefined, { numeric: true }) ||
        cmp(a.id, b.id)
    )
  const n = rows.length
  const index = new Map(rows.map((r, i) => [r.id, i]))
  const cells: (MatrixCell | null)[] = new Array<MatrixCell | null>(n * n).fill(null)
  const pairs: LatencyMatrixData['pairs'] = []
  for (const l of links.values()) {
    const a = index.get(l.source)
    const b = index.get(l.target)
    // Pairs only heard on the LAN have no link, hence no latency to show.
    if (a === undefined || b === undefined || l.state === 'heard') continue
    const cell: MatrixCell = { latencyMs: l.latencyMs, state: l.state }
    cells[a * n + b] = cell
    cells[b * n + a] = cell
    pairs.push({ i: Math.min(a, b), j: Math.max(a, b), cell })
  }
  return {
    ids: rows.map((r) => r.id),
    labels: rows.map((r) => r.label),
    kinds: rows.map((r) => r.kind),
    cells,
    pairs
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function matrixCell(data: LatencyMatrixData, row: number, col: number): MatrixCell | null {
  const n = data.ids.length
  if (row < 0 || col < 0 || row >= n || col >= n) return null
  return data.cells[row * n + col]
}

const STATE_TEXT: Record<EdgeState, string> = {
  connected: 'connected',
  reconnecting: 'reconnecting',
  'gave-up': 'gave up reconnecting'
}

/** One line for the cell tooltip and the screen reader, e.g. 'Node0 ↔ Node1: 0.42 ms one-way, connected'. */
export function describeMatrixCell(data: LatencyMatrixData, row: number, col: number): string {
  const a = data.labels[row]
  const b = data.labels[col]
  if (a === undefined || b === undefined) return ''
  if (row === col) return `${a}`
  const cell = matrixCell(data, row, col)
  if (!cell) return `${a} ↔ ${b}: no link`
  const latency =
    cell.latencyMs === null ? 'latency not measured yet' : `${formatLatency(cell.latencyMs)} one-way`
  return `${a} ↔ ${b}: ${latency}, ${STATE_TEXT[cell.state]}`
}
