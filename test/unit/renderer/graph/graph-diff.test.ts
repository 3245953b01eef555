import { describe, expect, test } from 'vitest'
import type { GraphModelSnapshot, GraphNodeModel } from '../../../../src/shared/snapshots'
import { diffGraph, linkKey, normaliseGraph } from '../../../../src/renderer/src/graph/graph-diff'

const node = (id: string, extra: Partial<GraphNodeModel> = {}): GraphNodeModel => ({
  id,
  label: id.toUpperCase(),
  kind: 'peer',
  address: `127.0.0.1:${id.length}`,
  topics: ['A'],
  paired: false,
  ...extra
})

const model = (nodes: GraphNodeModel[], links: GraphModelSnapshot['links'] = []): GraphModelSnapshot => ({
  nodes,
  links
})

describe('linkKey', () => {
  test('is the same whichever side reports the link', () => {
    expect(linkKey('a', 'b')).toBe(linkKey('b', 'a'))
    expect(linkKey('a', 'b')).not.toBe(linkKey('a', 'c'))
  })
})

describe('normaliseGraph', () => {
  test("leaves out 'heard' links between two local nodes unless asked; keeps heard links to LAN peers", () => {
    const local = (id: string) => node(id, { kind: 'local' })
    const m = model(
      [local('a'), local('b'), node('lan', { kind: 'lan' })],
      [
        { source: 'a', target: 'b', latencyMs: null, state: 'heard' },
        { source: 'a', target: 'lan', latencyMs: null, state: 'heard' },
        { source: 'b', target: 'lan', latencyMs: null, state: 'heard' }
      ]
    )
    expect([...normaliseGraph(m).links.keys()].sort()).toEqual(
      [linkKey('a', 'lan'), linkKey('b', 'lan')].sort()
    )
    expect(normaliseGraph(m, { localLanLinks: true }).links.size).toBe(3)
    // A real edge between two local nodes is never hidden.
    const connected = model(
      [local('a'), local('b')],
      [{ source: 'a', target: 'b', latencyMs: 1, state: 'connected' }]
    )
    expect(normaliseGraph(connected).links.size).toBe(1)
  })

  test('drops self-links, links to unknown nodes and duplicate nodes', () => {
    const g = normaliseGraph(
      model(
        [node('a'), node('b'), node('a', { label: 'second' })],
        [
          { source: 'a', target: 'a', latencyMs: 1, state: 'connected' },
          { source: 'a', target: 'zz', latencyMs: 1, state: 'connected' },
          { source: 'a', target: 'b', latencyMs: 1, state: 'connected' }
        ]
      )
    )
    expect([...g.nodes.keys()]).toEqual(['a', 'b'])
    expect(g.nodes.get('a')?.label).toBe('A')
    expect([...g.links.keys()]).toEqual([linkKey('a', 'b')])
  })

  test('keeps the connected, measured one of two reports of the same pair', () => {
    const g = normaliseGraph(
      model(
        [node('a'), node('b')],
        [
          { source: 'a', target: 'b', latencyMs: null, state: 'reconnecting' },
          { source: 'b', target: 'a', latencyMs: 2, state: 'connected' },
          { source: 'a', target: 'b', latencyMs: null, state: 'connected' }
        ]
      )
    )
    expect(g.links.size).toBe(1)
    expect(g.links.get(linkKey('a', 'b'))).toMatchObject({ latencyMs: 2, state: 'connected' })
  })
})

describe('diffGraph', () => {
  const base = model(
    [node('a', { kind: 'local' }), node('b'), node('c')],
    [
      { source: 'a', target: 'b', latencyMs: 1, state: 'connected' },
      { source: 'a', target: 'c', latencyMs: 5, state: 'connected' }
    ]
  )

  test('everything is new the first time', () => {
    const d = diffGraph(null, normaliseGraph(base))
    expect(d.addedNodeIds).toEqual(['a', 'b', 'c'])
    expect(d.addedLinkKeys).toHaveLength(2)
    expect(d.structural).toBe(true)
  })

  test('a latency or state change is a repaint, not a re-layout', () => {
    const next = model(base.nodes, [
      { source: 'a', target: 'b', latencyMs: 40, state: 'connected' },
      { source: 'c', target: 'a', latencyMs: 5, state: 'reconnecting' }
    ])
    const d = diffGraph(normaliseGraph(base), normaliseGraph(next))
    expect(d.structural).toBe(false)
    expect(d.changedLinkKeys.sort()).toEqual([linkKey('a', 'b'), linkKey('a', 'c')].sort())
    expect(d.addedNodeIds).toEqual([])
    expect(d.changedNodeIds).toEqual([])
  })

  test('an equal snapshot (new objects, same content) changes nothing', () => {
    const copy = JSON.parse(JSON.stringify(base)) as GraphModelSnapshot
    const d = diffGraph(normaliseGraph(base), normaliseGraph(copy))
    expect(d).toMatchObject({ structural: false, changedNodeIds: [], changedLinkKeys: [] })
  })

  test('topics, name, kind or paired changes mark the node changed', () => {
    const next = model(
      [node('a', { kind: 'local', paired: true }), node('b', { topics: ['A', 'B'] }), node('c')],
      base.links
    )
    const d = diffGraph(normaliseGraph(base), normaliseGraph(next))
    expect(d.changedNodeIds.sort()).toEqual(['a', 'b'])
    expect(d.structural).toBe(false)
  })

  test('a node joining or leaving, or a link coming or going, is structural', () => {
    const joined = model(
      [...base.nodes, node('d')],
      [...base.links, { source: 'a', target: 'd', latencyMs: null, state: 'connected' }]
    )
    const d1 = diffGraph(normaliseGraph(base), normaliseGraph(joined))
    expect(d1).toMatchObject({ addedNodeIds: ['d'], addedLinkKeys: [linkKey('a', 'd')], structural: true })

    const left = model(base.nodes.slice(0, 2), base.links.slice(0, 1))
    const d2 = diffGraph(normaliseGraph(base), normaliseGraph(left))
    expect(d2).toMatchObject({
      removedNodeIds: ['c'],
      removedLinkKeys: [linkKey('a', 'c')],
      structural: true
    })

    const unlinked = model(base.nodes, base.links.slice(1))
    expect(diffGraph(normaliseGraph(base), normaliseGraph(unlinked)).structural).toBe(true)
  })
})
