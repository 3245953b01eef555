// Builds the map a node holds (src/shared/network-map.ts) from its own live edges, the adverts in its store and
// the nodes heard on its LAN: nodes up to `depth` hops, at most `maxNodes` of them (nearest first), each link
// marked confirmed when both of its ends report it.
import type { MapCoordinate, MapLink, MapNode, MapNodeKnown, NetworkMap } from '../../../shared/network-map'
import type { NeighbourEntry, WireCoordinate } from '../commands/neighbours'
import type { Coordinate } from '../coordinates/coordinate'
import type { MapEntry } from './map-store'

interface Reporter {
  id: string
  neighbours: NeighbourEntry[]
  /** When its list was heard (monotonic ms; the local node's own list is always the newest). */
  heardAt: number
  /** It listed every neighbour (its advert's `more` is 0). */
  complete: boolean
}

export interface LocalView {
  id: string
  name: string
  ip: string
  port: number
  /** Our subscriptions (all of them: the local node's are never cut). */
  topics: string[]
  coordinate: Coordinate | null
  /** Our own neighbour entries, as our next advert would carry them (all of them, not cut to fit). */
  neighbours: NeighbourEntry[]
  /** Direct peers: id → name, address and subscriptions (as their handshake and updates told us: never cut). */
  direct: ReadonlyMap<string, { name: string; ip: string; port: number; topics: string[] }>
  /** Nodes heard on the LAN. */
  lan: Iterable<{ id: string; name: string; ip: string; port: number }>
}

export function coordinateOfWire(wire: WireCoordinate | null): MapCoordinate | null {
  if (wire === null) return null
  const [error, adjustment, height, ...vec] = wire
  return { vec, error: error!, adjustment: adjustment!, height: height! }
}

export function coordinateToWire(coordinate: Coordinate): WireCoordinate {
  return [coordinate.error, coordinate.adjustment, coordinate.height, ...coordinate.vec]
}

function plainCoordinate(coordinate: Coordinate | null): MapCoordinate | null {
  if (coordinate === null) return null
  return {
    vec: [...coordinate.vec],
    error: coordinate.error,
    adjustment: coordinate.adjustment,
    height: coordinate.height
  }
}

const ms = (tenths: number | null): number | null => (tenths === null ? null : tenths / 10)

export function buildNetworkMap(
  local: LocalView,
  entries: Iterable<MapEntry>,
  depth: number,
  maxNodes: number,
  nowMs: number,
  epochMs: number
): NetworkMap {
  const nodes = new Map<string, MapNode>()
  // Who reports which neighbours: the local node first-hand, then every stored advert.
  const reporters: Reporter[] = [
    { id: local.id, neighbours: local.neighbours, heardAt: Infinity, complete: true }
  ]
  nodes.set(local.id, {
    id: local.id,
    name: local.name,
    ip: local.ip,
    port: local.port,
    known: 'local',
    hops: 0,
    ageMs: 0,
    advertised: true,
    coordinate: plainCoordinate(local.coordinate),
    more: 0,
    topics: local.topics.slice(),
    topicsMore: 0
  })
  for (const [id, peer] of local.direct) {
    nodes.set(id, {
      ...peer,
      id,
      known: 'direct',
      hops: 1,
      ageMs: null,
      advertised: false,
      coordinate: null,
      more: 0,
      topicsMore: 0
    })
  }
  for (const entry of entries) {
    const advert = entry.advert
    if (advert.origin === local.id) continue
    const existing = nodes.get(advert.origin)
    const direct = existing?.known === 'direct'
    nodes.set(advert.origin, {
      id: advert.origin,
      name: direct ? existing!.name : advert.name,
      ip: direct ? existing!.ip : advert.ip,
      port: direct ? existing!.port : advert.port,
      known: direct ? 'direct' : 'learned',
      hops: direct ? 1 : entry.hops,
      ageMs: Math.max(0, Math.round(nowMs - entry.receivedAt)),
      advertised: true,
      coordinate: plainCoordinate(entry.coordinate),
      more: advert.more,
      // A direct peer's full list (from its link) beats its advert's, which may be cut.
      topics: direct ? existing!.topics : advert.topics.slice(),
      topicsMore: direct ? 0 : advert.tmore
    })
    reporters.push({
      id: advert.origin,
      neighbours: advert.n,
      heardAt: entry.receivedAt,
      complete: advert.more === 0
    })
  }
  // Nodes only listed by others: one hop beyond the nearest node listing them.
  for (const reporter of reporters) {
    const base = nodes.get(reporter.id)!.hops!
    for (const [peer] of reporter.neighbours) {
      const known = nodes.get(peer)
      if (known === undefined) {
        nodes.set(peer, {
          id: peer,
          name: '',
          ip: '',
          port: 0,
          known: 'learned',
          hops: base + 1,
          ageMs: null,
          advertised: false,
          coordinate: null,
          more: 0,
          topics: [],
          topicsMore: 0
        })
      } else if (!known.advertised && known.known === 'learned' && base + 1 < known.hops!) {
        known.hops = base + 1
      }
    }
  }
  for (const peer of local.lan) {
    if (nodes.has(peer.id)) continue
    nodes.set(peer.id, {
      id: peer.id,
      name: peer.name,
      ip: peer.ip,
      port: peer.port,
      known: 'lan' as MapNodeKnown,
      hops: null,
      ageMs: null,
      advertised: false,
      coordinate: null,
      more: 0,
      topics: [],
      topicsMore: 0
    })
  }
  const ordered = [...nodes.values()]
    .filter((node) => node.hops === null || node.hops <= depth)
    .sort((x, y) => rank(x) - rank(y) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
  const kept = ordered.slice(0, maxNodes)
  const keptIds = new Set(kept.map((node) => node.id))
  const links = new Map<string, MapLink>()
  for (const reporter of reporters) {
    if (!keptIds.has(reporter.id)) continue
    for (const [peer, rtt, jitter, state] of reporter.neighbours) {
      if (!keptIds.has(peer) || peer === reporter.id) continue
      const first = reporter.id < peer
      const a = first ? reporter.id : peer
      const b = first ? peer : reporter.id
      const key = `${a}\n${b}`
      let link = links.get(key)
      if (link === undefined) {
        link = { a, b, confirmed: false, rttByA: null, rttByB: null, jitterMs: null, state: 'up' }
        links.set(key, link)
      } else {
        link.confirmed = true
      }
      if (first) link.rttByA = ms(rtt)
      else link.rttByB = ms(rtt)
      const jitterMs = ms(jitter)
      if (jitterMs !== null && (link.jitterMs === null || jitterMs > link.jitterMs)) link.jitterMs = jitterMs
      if (state === 1) link.state = 'reconnecting'
    }
  }
  // A link one end reports while the other end's newer, complete list leaves it out is gone (the report is stale).
  const reporterById = new Map(reporters.map((reporter) => [reporter.id, reporter]))
  const reportedBy = new Map<string, Reporter>()
  for (const reporter of reporters) {
    for (const [peer] of reporter.neighbours) {
      const first = reporter.id < peer
      reportedBy.set(first ? `${reporter.id}\n${peer}` : `${peer}\n${reporter.id}`, reporter)
    }
  }
  for (const [key, link] of links) {
    if (link.confirmed) continue
    const reporter = reportedBy.get(key)!
    const other = reporterById.get(reporter.id === link.a ? link.b : link.a)
    if (other !== undefined && other.complete && other.heardAt > reporter.heardAt) links.delete(key)
  }
  return {
    origin: local.id,
    takenAt: epochMs,
    depth,
    nodes: kept,
    links: [...links.values()],
    truncated: ordered.length - kept.length
  }
}

/** Nearest first; LAN-only nodes after every node reached through links. */
function rank(node: MapNode): number {
  return node.hops === null ? 1000 : node.hops
}
