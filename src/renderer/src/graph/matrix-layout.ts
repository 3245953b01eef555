// Where the latency matrix's cells go in its canvas, and which cell is under the pointer. Pure, unit-tested.

/** Up to this many nodes the rows and columns carry names; beyond, the tooltip names them. */
export const MATRIX_LABEL_LIMIT = 40
const MAX_CELL = 28

export interface MatrixLayout {
  n: number
  /** Cell size in CSS px (may be below 1 for very large networks in a small box). */
  cell: number
  /** Top-left corner of the grid. */
  left: number
  top: number
  labelled: boolean
}

export function matrixLayout(n: number, width: number, height: number, labelWidth = 110): MatrixLayout {
  const labelled = n > 0 && n <= MATRIX_LABEL_LIMIT
  const left = labelled ? labelWidth : 4
  const top = labelled ? labelWidth * 0.75 : 4
  const avail = Math.max(0, Math.min(width - left - 4, height - top - 4))
  const cell = n === 0 ? 0 : Math.min(MAX_CELL, avail / n >= 1 ? Math.floor(avail / n) : avail / n)
  return { n, cell, left, top, labelled }
}

/** The cell under a point in canvas CSS px, or null outside the grid. */
export function cellAt(layout: MatrixLayout, x: number, y: number): { row: number; col: number } | null {
  if (layout.cell <= 0) return null
  const col = Math.floor((x - layout.left) / layout.cell)
  const row = Math.floor((y - layout.top) / layout.cell)
  if (row < 0 || col < 0 || row >= layout.n || col >= layout.n) return null
  return { row, col }
}
