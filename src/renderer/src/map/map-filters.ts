// Which nodes and links of a node's map (src/shared/network-map.ts) the whole-network view draws: by hop distance,
// by topic (what each node's advert says it subscribes to) and by state (links both ends report, links one end
// reports, links being reconnected; nodes heard on the LAN only). Pure, so the tests check it without a browser.
import type { MapLink, MapNode, NetworkMap } from '../../../shared/network-map'

export interface MapFilters {
  /** Nodes up to this many hops (LAN-only nodes pass when `lan` is on). */
  maxHops: number
  lan: boolean
  /** '' every node; else nodes whose advert lists this topic (or '@', a root: every topic). */
  topic: string
  /** Links both ends report. */
  confirmed: boolean
  /** Links one end only reports. */
  reported: boolean
  /** Links being reconnected. */
  reconnecting: boolean
}

export const DEFAULT_FILTERS: MapFilters = {
  maxHops: 3,
  lan: true,
  topic: '',
  confirmed: true,
  reported: true,
  reconnecting: true
}

/** 'yes' the node lists the topic; 'maybe' its advert left topics out (too many to fit) and not this one. */
export type TopicMatch = 'yes' | 'maybe' | 'no'

export function topicMatch(node: MapNode, topic: string): TopicMatch {
  if (topic === '') return 'yes'
  if (node.topics.includes(topic) || node.topics.includes('@')) return 'yes'
  // Listed-only and LAN-only nodes carry no topics: they do not pass.
  return node.topicsMore > 0 ? 'maybe' : 'no'
}

/** Every topic some node of the map lists, sorted: the topic filter's choices. */
export function mapTopics(map: NetworkMap): string[] {
  return [...new Set(map.nodes.flatMap((node) => node.topics))].filter((t) => t !== '@').sort()
}

export interface FilteredMap {
  nodes: MapNode[]
  links: MapLink[]
  /** Nodes shown by the topic filter only because their advert's topic list was cut (drawn faded). */
  maybe: Set<string>
}

export function filterMap(map: NetworkMap, filters: MapFilters): FilteredMap {
  const maybe = new Set<string>()
  const nodes = map.nodes.filter((node) => {
    if (node.hops === null ? !filters.lan : node.hops > filters.maxHops) return false
    // The node the map belongs to stays: it is where the hops are counted from.
    if (node.known === 'local') return true
    const match = topicMatch(node, filters.topic)
    if (match === 'maybe') maybe.add(node.id)
    return match !== 'no'
  })
  const ids = new Set(nodes.map((node) => node.id))
  const links = map.links.filter(
    (link) =>
      ids.has(link.a) &&
      ids.has(link.b) &&
      (link.state === 'reconnecting'
        ? filters.reconnecting
        : link.confirmed
          ? filters.confirmed
          : filters.reported)
  )
  return { nodes, links, maybe }
}
