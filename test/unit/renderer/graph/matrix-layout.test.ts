import { describe, expect, test } from 'vitest'
import { cellAt, MATRIX_LABEL_LIMIT, matrixLayout } from '../../../../src/renderer/src/graph/matrix-layout'

describe('matrixLayout', () => {
  test('small matrices get names and whole-pixel cells no bigger than 28 px', () => {
    const l = matrixLayout(4, 800, 600)
    expect(l.labelled).toBe(true)
    expect(l.cell).toBe(28)
    expect(Number.isInteger(l.cell)).toBe(true)
  })

  test('large ones fill the box without names, even below a pixel per cell', () => {
    const l = matrixLayout(500, 420, 420)
    expect(l.labelled).toBe(false)
    expect(l.cell * 500).toBeLessThanOrEqual(420)
    expect(l.cell).toBeGreaterThan(0.5)
    expect(matrixLayout(MATRIX_LABEL_LIMIT + 1, 800, 800).labelled).toBe(false)
  })

  test('finds the cell under the pointer, and nothing outside the grid', () => {
    const l = matrixLayout(4, 800, 600)
    expect(cellAt(l, l.left + 1, l.top + 1)).toEqual({ row: 0, col: 0 })
    expect(cellAt(l, l.left + 2 * l.cell + 5, l.top + 3 * l.cell + 5)).toEqual({ row: 3, col: 2 })
    expect(cellAt(l, l.left - 1, l.top + 1)).toBeNull()
    expect(cellAt(l, l.left + 4 * l.cell + 1, l.top)).toBeNull()
    expect(cellAt(matrixLayout(0, 800, 600), 10, 10)).toBeNull()
  })
})
