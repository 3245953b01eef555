// The copy of an accepted advert a node stores (map-store.ts). A decoded advert points into what it was read from
// (msgpackr hands out string slices of a decoded run and `bin` values as views into the received chunk), so the
// stored copy holds flat strings shared across the process (shared-strings.ts) and its own key and signature bytes,
// not views that would keep a whole socket read alive. Stored adverts are never changed (the map only reads them),
// so nodes of one process that accept the same advert (the same origin, sequence number and content: a hub's leaves
// all get the adverts it forwards) share one copy and its parsed coordinate.
import type { NeighbourEntry, NeighboursData } from '../commands/neighbours'
import { VIVALDI_DEFAULTS } from '../coordinates/config'
import type { Coordinate } from '../coordinates/coordinate'
import { parseCoordinate } from '../coordinates/validate'
import { sharedString } from '../shared-strings'

export interface KeptAdvert {
  readonly advert: NeighboursData
  /** The advert's coordinate, checked (null when it carried none). */
  readonly coordinate: Coordinate | null
}

/** Bounded: past it the table starts over (copies already kept stay valid; only sharing is lost). */
const MAX_SHARED = 4096
/** Weakly held: a copy no node stores any more is collected as if never shared. */
const shared = new Map<string, WeakRef<NeighboursData>>()
/** The parsed coordinate of each shared copy. */
const coordinates = new WeakMap<NeighboursData, Coordinate | null>()

function keptEntry(entry: NeighbourEntry): NeighbourEntry {
  return [sharedString(entry[0]), entry[1], entry[2], entry[3], entry[4]]
}

function sameNumbers(a: readonly (number | null)[] | null, b: readonly (number | null)[] | null): boolean {
  if (a === null || b === null) return a === b
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return a.length === b.length && Buffer.compare(a, b) === 0
}

/** Same content, field by field (a forger may reuse an origin's sequence number with other content). */
function sameAdvert(a: NeighboursData, b: NeighboursData): boolean {
  if (
    a.origin !== b.origin ||
    a.seq !== b.seq ||
    a.ttl0 !== b.ttl0 ||
    a.name !== b.name ||
    a.ip !== b.ip ||
    a.port !== b.port ||
    a.interval !== b.interval ||
    a.more !== b.more ||
    a.tmore !== b.tmore ||
    a.n.length !== b.n.length ||
    a.topics.length !== b.topics.length ||
    !sameNumbers(a.coord, b.coord) ||
    !sameBytes(a.key, b.key) ||
    !sameBytes(a.sig, b.sig)
  )
    return false
  for (let i = 0; i < a.n.length; i++) {
    const x = a.n[i]!
    const y = b.n[i]!
    if (x[0] !== y[0] || x[1] !== y[1] || x[2] !== y[2] || x[3] !== y[3] || x[4] !== y[4]) return false
  }
  for (let i = 0; i < a.topics.length; i++) if (a.topics[i] !== b.topics[i]) return false
  return true
}

function copyOf(data: NeighboursData): KeptAdvert {
  const advert: NeighboursData = {
    origin: sharedString(data.origin),
    seq: data.seq,
    ttl0: data.ttl0,
    name: sharedString(data.name),
    ip: sharedString(data.ip),
    port: data.port,
    interval: data.interval,
    coord: data.coord,
    n: data.n.map(keptEntry),
    more: data.more,
    topics: data.topics.map(sharedString),
    tmore: data.tmore
  }
  if (data.key !== undefined && data.sig !== undefined) {
    // One small buffer for both (one allocation, not two).
    const bytes = new Uint8Array(data.key.length + data.sig.length)
    bytes.set(data.key, 0)
    bytes.set(data.sig, data.key.length)
    advert.key = bytes.subarray(0, data.key.length)
    advert.sig = bytes.subarray(data.key.length)
  }
  let coordinate: Coordinate | null = null
  if (data.coord !== null) {
    const [error, adjustment, height, ...vec] = data.coord
    coordinate = parseCoordinate({ vec, error, adjustment, height }, VIVALDI_DEFAULTS) // checked by the reader
  }
  return { advert, coordinate }
}

/** The copy of an accepted advert to store: the process's shared one when another node holds the same advert. */
export function keptAdvert(data: NeighboursData): KeptAdvert {
  // From the shared origin: a key made of the decoded one would hold the whole decoded run (a string slice).
  const key = `${sharedString(data.origin)}\n${data.seq}`
  const known = shared.get(key)?.deref()
  if (known !== undefined && sameAdvert(known, data))
    return { advert: known, coordinate: coordinates.get(known)! }
  const kept = copyOf(data)
  if (shared.size >= MAX_SHARED) shared.clear()
  shared.set(key, new WeakRef(kept.advert))
  coordinates.set(kept.advert, kept.coordinate)
  return kept
}
