import { describe, expect, test } from 'vitest'
import { linkWidth } from '../../../../src/renderer/src/graph/graph-scales'
import {
  groupLinks,
  LINK_GROUPS,
  linkGroup,
  linkStyleSpec,
  screenStrokeWidth
} from '../../../../src/renderer/src/graph/link-paths'

describe('linkGroup', () => {
  test('a connected link is styled by its latency class', () => {
    expect(linkGroup({ latencyMs: 0.1, state: 'connected' }, false)).toBe('lat-0')
    expect(linkGroup({ latencyMs: 300, state: 'connected' }, false)).toBe('lat-5')
    expect(linkGroup({ latencyMs: null, state: 'connected' }, false)).toBe('lat-unknown')
  })

  test('state wins over latency, and a link to a LAN-only peer is dashed', () => {
    expect(linkGroup({ latencyMs: 0.1, state: 'reconnecting' }, false)).toBe('reconnecting')
    expect(linkGroup({ latencyMs: 0.1, state: 'gave-up' }, true)).toBe('gave-up')
    expect(linkGroup({ latencyMs: 0.1, state: 'connected' }, true)).toBe('lan')
  })
})

describe('link styles', () => {
  test('every group has a style; dashed ones are the not-connected kinds', () => {
    for (const g of LINK_GROUPS) {
      const spec = linkStyleSpec(g)
      expect(spec.colourVar).toMatch(/^--graph-/)
      expect(spec.width).toBeGreaterThan(0)
      expect(spec.dash.length > 0).toBe(['lan', 'reconnecting', 'gave-up'].includes(g))
    }
  })

  test('latency groups use the legend widths and colours', () => {
    expect(linkStyleSpec('lat-3')).toMatchObject({ colourVar: '--graph-lat-3', width: linkWidth(3) })
  })

  test('strokes scale with zoom but not below 60 %', () => {
    expect(screenStrokeWidth(2, 2)).toBe(4)
    expect(screenStrokeWidth(2, 0.1)).toBeCloseTo(1.2)
  })
})

describe('groupLinks', () => {
  test('sorts links into every group, in paint order', () => {
    const groups = groupLinks([
      { id: 1, group: 'lat-2' as const },
      { id: 2, group: 'lan' as const },
      { id: 3, group: 'lat-2' as const }
    ])
    expect([...groups.keys()]).toEqual([...LINK_GROUPS])
    expect(groups.get('lat-2')?.map((l) => l.id)).toEqual([1, 3])
    expect(groups.get('lan')?.map((l) => l.id)).toEqual([2])
    expect(groups.get('lat-0')).toEqual([])
  })
})
