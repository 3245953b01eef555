// The map on the wire (docs/PROTOCOL.md §12 "On demand"): `map_reply` carries a NetworkMap in a compact form
// (nodes as arrays, links naming their ends by index into the node list). Encoded by the node answering a
// `map_request`, read (every field checked) by the node that asked.
import { MAX_ID_LENGTH, MAX_TOPIC_BYTES } from '../constants'
import { VIVALDI_DEFAULTS } from '../coordinates/config'
import { coordinateProblem } from '../coordinates/validate'
import type { MapLink, MapNode, MapNodeKnown, NetworkMap } from '../../../shared/network-map'
import { fail, get, int, obj, str } from '../wire-fields'
import {
  ADVERT_MAX_TENTHS_MS,
  ADVERT_MAX_TOPICS,
  MAP_MAX_DEPTH,
  MAP_MAX_LINKS,
  MAP_MAX_NODES
} from './limits'
import { coordinateOfWire, coordinateToWire } from './snapshot'
import type { WireCoordinate } from '../commands/neighbours'
import { WIRE_COORDINATE_LENGTH } from '../commands/neighbours'

const KNOWN: readonly MapNodeKnown[] = ['local', 'direct', 'learned', 'lan']
const C = 'map_reply'
/** Ages on the wire are capped (a day), in ms. */
const MAX_AGE_MS = 86_400_000

/**
 * `[id, name, ip, port, known (0 local, 1 direct, 2 learned, 3 lan), hops | nil, ageMs | nil, advertised, coord | nil,
 * more, topics, topicsMore]` (a reader takes the first 10 alone too: no topics known).
 */
export type WireMapNode = [
  string,
  string,
  string,
  number,
  number,
  number | null,
  number | null,
  boolean,
  WireCoordinate | null,
  number,
  string[],
  number
]
/** `[a (node index), b, confirmed, rttByA (0.1 ms) | nil, rttByB | nil, jitter (0.1 ms) | nil, state (0 up, 1 reconnecting)]` */
export type WireMapLink = [number, number, boolean, number | null, number | null, number | null, 0 | 1]

export interface MapReplyData {
  request: number
  origin: string
  taken_at: number
  depth: number
  truncated: number
  nodes: WireMapNode[]
  links: WireMapLink[]
}

const tenths = (ms: number | null): number | null =>
  ms === null ? null : Math.min(ADVERT_MAX_TENTHS_MS, Math.max(0, Math.round(ms * 10)))

export function encodeMapReply(request: number, map: NetworkMap): MapReplyData {
  const index = new Map(map.nodes.map((node, i) => [node.id, i]))
  return {
    request,
    origin: map.origin,
    taken_at: map.takenAt,
    depth: map.depth,
    truncated: map.truncated,
    nodes: map.nodes.map((node) => [
      node.id,
      node.name,
      node.ip,
      node.port,
      KNOWN.indexOf(node.known),
      node.hops,
      node.ageMs === null ? null : Math.min(MAX_AGE_MS, node.ageMs),
      node.advertised,
      node.coordinate === null ? null : coordinateToWire({ ...node.coordinate, vec: node.coordinate.vec }),
      node.more,
      // At most 32 in a reply (a direct peer's full list may be longer); the rest are counted.
      node.topics.slice(0, ADVERT_MAX_TOPICS),
      node.topicsMore + Math.max(0, node.topics.length - ADVERT_MAX_TOPICS)
    ]),
    links: map.links
      .slice(0, MAP_MAX_LINKS)
      .map((link) => [
        index.get(link.a)!,
        index.get(link.b)!,
        link.confirmed,
        tenths(link.rttByA),
        tenths(link.rttByB),
        tenths(link.jitterMs),
        link.state === 'up' ? 0 : 1
      ])
  }
}

function nullableInt(value: unknown, max: number, what: string): number | null {
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    fail(C, `${what} must be nil or an integer in 0..${max}`)
  return value
}

function readText(value: unknown, maxBytes: number, what: string, allowEmpty: boolean): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0) || Buffer.byteLength(value) > maxBytes)
    fail(C, `${what} must be a string of at most ${maxBytes} bytes`)
  return value
}

function readTopics(value: unknown, i: number): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > ADVERT_MAX_TOPICS)
    fail(C, `nodes[${i}] topics must be a list of at most ${ADVERT_MAX_TOPICS}`)
  return (value as unknown[]).map((topic, t) =>
    readText(topic, MAX_TOPIC_BYTES, `nodes[${i}] topics[${t}]`, false)
  )
}

function readNode(value: unknown, i: number): MapNode {
  if (!Array.isArray(value) || (value.length !== 10 && value.length !== 12))
    fail(C, `nodes[${i}] must be a list of 10 or 12 items`)
  const [id, name, ip, port, known, hops, age, advertised, coord, more, topics, topicsMore] =
    value as unknown[]
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    fail(C, `nodes[${i}] port must be in 0..65535`)
  if (typeof known !== 'number' || KNOWN[known] === undefined) fail(C, `nodes[${i}] known must be 0..3`)
  if (typeof advertised !== 'boolean') fail(C, `nodes[${i}] advertised must be a boolean`)
  let coordinate: WireCoordinate | null = null
  if (coord !== null) {
    if (!Array.isArray(coord) || coord.length !== WIRE_COORDINATE_LENGTH)
      fail(C, `nodes[${i}] coord must be nil or ${WIRE_COORDINATE_LENGTH} numbers`)
    const [error, adjustment, height, ...vec] = coord as unknown[]
    const problem = coordinateProblem({ vec, error, adjustment, height }, VIVALDI_DEFAULTS)
    if (problem !== null) fail(C, `nodes[${i}] coord: ${problem}`)
    coordinate = (coord as number[]).slice()
  }
  return {
    id: readText(id, MAX_ID_LENGTH, `nodes[${i}] id`, false),
    name: readText(name, 256, `nodes[${i}] name`, true),
    ip: readText(ip, 64, `nodes[${i}] ip`, true),
    port,
    known: KNOWN[known]!,
    hops: nullableInt(hops, MAP_MAX_DEPTH + 1, `nodes[${i}] hops`),
    ageMs: nullableInt(age, MAX_AGE_MS, `nodes[${i}] age`),
    advertised,
    coordinate: coordinateOfWire(coordinate),
    more: nullableInt(more, 65535, `nodes[${i}] more`) ?? 0,
    topics: readTopics(topics, i),
    topicsMore:
      topicsMore === undefined ? 0 : (nullableInt(topicsMore, 1_000_000, `nodes[${i}] topicsMore`) ?? 0)
  }
}

function readLink(value: unknown, i: number, nodes: MapNode[]): MapLink {
  if (!Array.isArray(value) || value.length !== 7) fail(C, `links[${i}] must be a list of 7 items`)
  const [a, b, confirmed, rttA, rttB, jitter, state] = value as unknown[]
  const end = (x: unknown): string => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= nodes.length)
      fail(C, `links[${i}] must name nodes by index`)
    return nodes[x]!.id
  }
  if (typeof confirmed !== 'boolean') fail(C, `links[${i}] confirmed must be a boolean`)
  if (state !== 0 && state !== 1) fail(C, `links[${i}] state must be 0 or 1`)
  const ms = (x: unknown, what: string): number | null => {
    const t = nullableInt(x, ADVERT_MAX_TENTHS_MS, `links[${i}] ${what}`)
    return t === null ? null : t / 10
  }
  return {
    a: end(a),
    b: end(b),
    confirmed,
    rttByA: ms(rttA, 'rttByA'),
    rttByB: ms(rttB, 'rttByB'),
    jitterMs: ms(jitter, 'jitter'),
    state: state === 0 ? 'up' : 'reconnecting'
  }
}

export function readMapReply(value: unknown): MapReplyData & { map: NetworkMap } {
  const data = obj(value, C)
  const rawNodes = get(data, 'nodes')
  const rawLinks = get(data, 'links')
  if (!Array.isArray(rawNodes) || rawNodes.length > MAP_MAX_NODES)
    fail(C, `field 'nodes' must be a list of at most ${MAP_MAX_NODES}`)
  if (!Array.isArray(rawLinks) || rawLinks.length > MAP_MAX_LINKS)
    fail(C, `field 'links' must be a list of at most ${MAP_MAX_LINKS}`)
  const nodes = (rawNodes as unknown[]).map(readNode)
  const links = (rawLinks as unknown[]).map((link, i) => readLink(link, i, nodes))
  const reply = {
    request: int(data, 'request', C, 0, 0xffffffff),
    origin: str(data, 'origin', C, MAX_ID_LENGTH),
    taken_at: int(data, 'taken_at', C, 0, Number.MAX_SAFE_INTEGER),
    depth: int(data, 'depth', C, 0, MAP_MAX_DEPTH),
    truncated: int(data, 'truncated', C, 0, 1_000_000),
    nodes: rawNodes as WireMapNode[],
    links: rawLinks as WireMapLink[]
  }
  return {
    ...reply,
    map: {
      origin: reply.origin,
      takenAt: reply.taken_at,
      depth: reply.depth,
      nodes,
      links,
      truncated: reply.truncated
    }
  }
}
