import { describe, expect, test } from 'vitest'
import type { GraphNodeModel } from '../../../../src/shared/snapshots'
import { nodeAriaLabel, nodeDetails } from '../../../../src/renderer/src/graph/node-description'

describe('node description', () => {
  const node: GraphNodeModel = {
    id: 'n1',
    label: 'Node1',
    kind: 'peer',
    address: '127.0.0.1:9001',
    topics: ['A', 'B'],
    paired: true
  }

  test('the accessible name says kind, address, topics, paired and links', () => {
    expect(nodeAriaLabel(node, 2)).toBe('Node1, peer, 127.0.0.1:9001, topics A and B, paired, 2 links')
    expect(nodeAriaLabel({ ...node, kind: 'lan', topics: [], paired: false, address: null }, 1)).toBe(
      'Node1, heard on the LAN, not connected, address not known, no topics, 1 link'
    )
  })

  test('the tooltip lists links slowest first, names the other end and caps the list', () => {
    const links = [0.2, 30, null, 5].map((latencyMs, i) => ({
      source: 'n1',
      target: `p${i}`,
      latencyMs,
      state: i === 3 ? ('reconnecting' as const) : ('connected' as const)
    }))
    const d = nodeDetails(node, links, (id) => id.toUpperCase(), 3)
    expect(d.links).toEqual(['P1 · 30 ms', 'P3 · 5.0 ms, reconnecting', 'P0 · 0.20 ms'])
    expect(d.moreLinks).toBe(1)
    expect(d).toMatchObject({ title: 'Node1', kind: 'peer', address: '127.0.0.1:9001', paired: true })
  })
})
