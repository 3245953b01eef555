// The whole-network view's filters (src/renderer/src/map/map-filters.ts) and the scope bar's count of what the
// "your nodes" graph leaves out (map-scope.ts): by hop distance, by topic (as adverts carry them, a cut topic
// list counted as "maybe"), by state (links both ends report, one end reports, reconnecting; LAN-only nodes).
import { describe, expect, it } from 'vitest'
import type { MapLink, MapNode, NetworkMap } from '../../../src/shared/network-map'
import type { GraphModelSnapshot, NodeSnapshot } from '../../../src/shared/snapshots'
import { DEFAULT_FILTERS, filterMap, mapTopics, topicMatch } from '../../../src/renderer/src/map/map-filters'
import { nodesOutsideGraph } from '../../../src/renderer/src/map/map-scope'
import { mapLink, mapNode } from './fixtures'

function node(
  id: string,
  hops: number | null,
  known: MapNode['known'],
  topics: string[] = [],
  topicsMore = 0
): MapNode {
  return mapNode(id, hops, { known, topics, topicsMore })
}

function link(a: string, b: string, confirmed: boolean, state: MapLink['state'] = 'up'): MapLink {
  return mapLink(a, b, { confirmed, state })
}

const MAP: NetworkMap = {
  origin: 'o',
  takenAt: 0,
  depth: 3,
  truncated: 0,
  nodes: [
    node('o', 0, 'local', ['news']),
    node('a', 1, 'direct', ['news', 'weather']),
    node('b', 2, 'learned', ['weather']),
    node('c', 2, 'learned', ['sports'], 3),
    node('root', 2, 'learned', ['@']),
    node('far', 3, 'learned'),
    node('lan', null, 'lan', ['news'])
  ],
  links: [
    link('o', 'a', true),
    link('a', 'b', true),
    link('a', 'c', true, 'reconnecting'),
    link('b', 'root', true),
    link('b', 'far', false)
  ]
}

const ids = (nodes: readonly { id: string }[]) => nodes.map((n) => n.id)
const pairs = (links: readonly MapLink[]) => links.map((l) => `${l.a}-${l.b}`)

describe('whole-network filters', () => {
  it('hop distance: nodes up to n hops, LAN-only nodes apart, links between shown nodes only', () => {
    const one = filterMap(MAP, { ...DEFAULT_FILTERS, maxHops: 1 })
    expect(ids(one.nodes)).toEqual(['o', 'a', 'lan'])
    expect(pairs(one.links)).toEqual(['o-a'])
    expect(ids(filterMap(MAP, { ...DEFAULT_FILTERS, maxHops: 2 }).nodes)).not.toContain('far')
    expect(ids(filterMap(MAP, DEFAULT_FILTERS).nodes)).toHaveLength(7)
  })

  it('topic: nodes that list it or receive every topic; a cut topic list is "maybe"; the node itself stays', () => {
    expect(mapTopics(MAP)).toEqual(['news', 'sports', 'weather'])
    const weather = filterMap(MAP, { ...DEFAULT_FILTERS, topic: 'weather' })
    expect(ids(weather.nodes)).toEqual(['o', 'a', 'b', 'c', 'root'])
    expect([...weather.maybe]).toEqual(['c'])
    expect(pairs(weather.links)).toEqual(['o-a', 'a-b', 'a-c', 'b-root'])
    expect(ids(filterMap(MAP, { ...DEFAULT_FILTERS, topic: 'news' }).nodes)).toEqual([
      'o',
      'a',
      'c',
      'root',
      'lan'
    ])
    expect(topicMatch(MAP.nodes[5]!, 'news')).toBe('no')
    expect(topicMatch(MAP.nodes[5]!, '')).toBe('yes')
  })

  it('nodes without topics (listed by others only, heard on the LAN): the topic filter keeps only the node itself', () => {
    const bare = { ...MAP, nodes: MAP.nodes.map(({ id, known, hops }) => node(id, hops, known)) }
    expect(mapTopics(bare)).toEqual([])
    expect(ids(filterMap(bare, { ...DEFAULT_FILTERS, topic: 'news' }).nodes)).toEqual(['o'])
  })

  it('state: links both ends report, one end reports, reconnecting, each on its own; LAN-only nodes', () => {
    expect(pairs(filterMap(MAP, DEFAULT_FILTERS).links)).toHaveLength(5)
    expect(pairs(filterMap(MAP, { ...DEFAULT_FILTERS, confirmed: false }).links)).toEqual(['a-c', 'b-far'])
    expect(pairs(filterMap(MAP, { ...DEFAULT_FILTERS, reported: false }).links)).toEqual([
      'o-a',
      'a-b',
      'a-c',
      'b-root'
    ])
    expect(pairs(filterMap(MAP, { ...DEFAULT_FILTERS, reconnecting: false }).links)).toEqual([
      'o-a',
      'a-b',
      'b-root',
      'b-far'
    ])
    expect(ids(filterMap(MAP, { ...DEFAULT_FILTERS, lan: false }).nodes)).not.toContain('lan')
  })
})

describe('scope bar', () => {
  it('counts the map nodes the "your nodes" graph does not draw (local nodes matched by their node id)', () => {
    const graph: GraphModelSnapshot = {
      nodes: [
        { id: 'host-1', label: 'o', kind: 'local', address: null, topics: [], paired: false },
        { id: 'a', label: 'a', kind: 'peer', address: null, topics: [], paired: false },
        { id: 'lan', label: 'lan', kind: 'lan', address: null, topics: [], paired: false }
      ],
      links: []
    }
    const locals = [{ id: 'host-1', nodeId: 'o' }] as NodeSnapshot[]
    expect(nodesOutsideGraph(MAP, graph, locals)).toBe(4)
    expect(nodesOutsideGraph(null, graph, locals)).toBe(0)
  })
})
