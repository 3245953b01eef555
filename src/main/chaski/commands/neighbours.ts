// `neighbours` (docs/PROTOCOL.md §12): a node's advert of its edges (peer ids, RTT median, jitter, state), its
// address and Vivaldi coordinate, with an origin sequence number; forwarded hop by hop within `ttl0` hops. The
// engine (sending, dedup, rate limits, forwarding, the store) is map/node-map.ts.
import { MAX_ID_LENGTH, MAX_TOPIC_BYTES } from '../constants'
import { VIVALDI_DEFAULTS } from '../coordinates/config'
import { coordinateProblem } from '../coordinates/validate'
import type { Envelope } from '../envelope'
import type { PeerLink } from '../peer-link'
import {
  ADVERT_KEY_BYTES,
  ADVERT_SIGNATURE_BYTES,
  ADVERT_MAX_NAME_BYTES,
  ADVERT_MAX_NEIGHBOURS,
  ADVERT_MAX_TENTHS_MS,
  ADVERT_MAX_TOPIC_BYTES,
  ADVERT_MAX_TOPICS,
  MAX_ADVERT_INTERVAL_S,
  MAX_ADVERT_TTL,
  MIN_ADVERT_INTERVAL_S
} from '../map/limits'
import { fail, get, int, ip, obj, str, type WireObject } from '../wire-fields'
import { defineCommand } from './command'

/** 0: the edge is up; 1: the peer was lost and is being reconnected. */
export type NeighbourState = 0 | 1
/** 0: the origin dialled the peer; 1: the peer dialled the origin. */
export type NeighbourDirection = 0 | 1

/** `[peerId, rttMedian (0.1 ms) | nil, jitter (0.1 ms) | nil, state, direction]` */
export type NeighbourEntry = [string, number | null, number | null, NeighbourState, NeighbourDirection]

/** `[error, adjustment, height, v1 … v8]`, seconds (Vivaldi, coordinates/). */
export type WireCoordinate = number[]

export interface NeighboursData {
  origin: string
  /** Per origin, strictly increasing: max(last + 1, Date.now()). */
  seq: number
  /** The hops the origin gave the advert (1..4); the envelope ttl counts down from it. */
  ttl0: number
  name: string
  ip: string
  port: number
  /** The origin's periodic interval, seconds. */
  interval: number
  coord: WireCoordinate | null
  n: NeighbourEntry[]
  /** Neighbours left out of this advert. */
  more: number
  /** The origin's subscriptions (sorted; as many as fit in ADVERT_MAX_TOPICS and ADVERT_MAX_TOPIC_BYTES). */
  topics: string[]
  /** Subscriptions left out of `topics`. */
  tmore: number
  /** Signed adverts (map/advert-signature.ts): the origin's public key (compressed point) and its signature. */
  key?: Uint8Array
  sig?: Uint8Array
}

export interface NeighboursReceiver {
  onNeighbours(link: PeerLink, data: NeighboursData, envelope: Envelope): void
}

const C = 'neighbours'
/** Coordinate terms on the wire: 3 + the dimensionality of coordinates/config.ts defaults. */
export const WIRE_COORDINATE_LENGTH = 11

function tenths(value: unknown, field: string): number | null {
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > ADVERT_MAX_TENTHS_MS)
    fail(C, `${field} must be nil or an integer in 0..${ADVERT_MAX_TENTHS_MS}`)
  return value
}

function readEntry(value: unknown, index: number): NeighbourEntry {
  if (!Array.isArray(value) || value.length !== 5) fail(C, `n[${index}] must be a list of 5 items`)
  const [id, rtt, jitter, state, dir] = value as unknown[]
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH)
    fail(C, `n[${index}][0] must be a node id of 1..${MAX_ID_LENGTH} characters`)
  if (state !== 0 && state !== 1) fail(C, `n[${index}][3] (state) must be 0 or 1`)
  if (dir !== 0 && dir !== 1) fail(C, `n[${index}][4] (direction) must be 0 or 1`)
  return [id, tenths(rtt, `n[${index}][1]`), tenths(jitter, `n[${index}][2]`), state, dir]
}

function readCoord(data: WireObject): WireCoordinate | null {
  const value = get(data, 'coord')
  if (value === null) return null
  if (!Array.isArray(value) || value.length !== WIRE_COORDINATE_LENGTH)
    fail(C, `field 'coord' must be nil or a list of ${WIRE_COORDINATE_LENGTH} numbers`)
  const [error, adjustment, height, ...vec] = value as unknown[]
  // The same bounds as every coordinate from outside (coordinates/validate.ts): finite, within ±10 s, 8 dimensions.
  const problem = coordinateProblem({ vec, error, adjustment, height }, VIVALDI_DEFAULTS)
  if (problem !== null) fail(C, `field 'coord': ${problem}`)
  return (value as number[]).slice()
}

function readEntries(list: unknown[]): NeighbourEntry[] {
  const entries = list.map(readEntry)
  const ids = new Set(entries.map((entry) => entry[0]))
  if (ids.size !== entries.length) fail(C, "field 'n' lists a peer twice")
  return entries
}

/** Optional (absent in adverts of the first format: no topics known); bounded like the sender's cut. */
function readTopics(data: WireObject): string[] {
  const value = get(data, 'topics')
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > ADVERT_MAX_TOPICS)
    fail(C, `field 'topics' must be a list of at most ${ADVERT_MAX_TOPICS} topics`)
  let total = 0
  for (const [i, topic] of (value as unknown[]).entries()) {
    if (typeof topic !== 'string' || topic.length === 0) fail(C, `topics[${i}] must be a non-empty string`)
    const bytes = Buffer.byteLength(topic, 'utf8')
    if (bytes > MAX_TOPIC_BYTES) fail(C, `topics[${i}] is longer than ${MAX_TOPIC_BYTES} bytes`)
    total += bytes
  }
  if (total > ADVERT_MAX_TOPIC_BYTES)
    fail(C, `field 'topics' holds more than ${ADVERT_MAX_TOPIC_BYTES} bytes`)
  if (new Set(value).size !== value.length) fail(C, "field 'topics' lists a topic twice")
  return (value as string[]).slice()
}

function readBytes(data: WireObject, field: string, length: number): Uint8Array {
  const value = get(data, field)
  if (!(value instanceof Uint8Array) || value.length !== length)
    fail(C, `field '${field}' must be ${length} bytes (bin)`)
  return value
}

/** `key` and `sig` come together (a signed advert) or not at all (an unsigned one). */
function readSignature(data: WireObject): { key: Uint8Array; sig: Uint8Array } | null {
  const hasKey = get(data, 'key') !== undefined
  if (hasKey !== (get(data, 'sig') !== undefined)) fail(C, "fields 'key' and 'sig' come together")
  if (!hasKey) return null
  return {
    key: readBytes(data, 'key', ADVERT_KEY_BYTES),
    sig: readBytes(data, 'sig', ADVERT_SIGNATURE_BYTES)
  }
}

export function readNeighbours(value: unknown): NeighboursData {
  const data = obj(value, C)
  const signature = readSignature(data)
  const list = get(data, 'n')
  if (!Array.isArray(list)) fail(C, "field 'n' must be a list")
  if (list.length > ADVERT_MAX_NEIGHBOURS) fail(C, `field 'n' has more than ${ADVERT_MAX_NEIGHBOURS} entries`)
  const read: NeighboursData = {
    origin: str(data, 'origin', C, MAX_ID_LENGTH),
    seq: int(data, 'seq', C, 0, Number.MAX_SAFE_INTEGER),
    ttl0: int(data, 'ttl0', C, 1, MAX_ADVERT_TTL),
    name: str(data, 'name', C, ADVERT_MAX_NAME_BYTES, true),
    ip: ip(data, 'ip', C),
    port: int(data, 'port', C, 1, 65535),
    interval: int(data, 'interval', C, MIN_ADVERT_INTERVAL_S, MAX_ADVERT_INTERVAL_S),
    coord: readCoord(data),
    n: readEntries(list as unknown[]),
    more: int(data, 'more', C, 0, 65535),
    topics: readTopics(data),
    tmore: get(data, 'tmore') === undefined ? 0 : int(data, 'tmore', C, 0, 65535)
  }
  if (signature !== null) {
    read.key = signature.key
    read.sig = signature.sig
  }
  return read
}

export const neighboursCommand = defineCommand<NeighboursData>()({
  name: 'neighbours',
  topic: 'control',
  beforeHandshake: false,
  read: readNeighbours,
  handle(context: { map: NeighboursReceiver }, link, data, envelope) {
    context.map.onNeighbours(link, data, envelope)
  }
})
