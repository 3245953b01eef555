// The map of the network one node holds (issue #16, docs/PROTOCOL.md §12): every node it knows, how it knows it
// (itself, a direct peer, learned from adverts N hops away, heard on the LAN), and the links between them. The
// library builds it (src/main/chaski/map/), the host and the CLI pass it on, the dashboard draws it.

/** How the map's holder knows a node. */
export type MapNodeKnown = 'local' | 'direct' | 'learned' | 'lan'

/** A Vivaldi coordinate (seconds), as adverts carry it. */
export interface MapCoordinate {
  vec: number[]
  error: number
  adjustment: number
  height: number
}

export interface MapNode {
  id: string
  name: string
  ip: string
  port: number
  known: MapNodeKnown
  /** 0 local, 1 direct peer, N learned (its advert came over N hops, or a node at N - 1 hops lists it); null: LAN only. */
  hops: number | null
  /** Ms since its latest advert was accepted; null when none is held (listed by others, or LAN only). */
  ageMs: number | null
  /** Its latest advert is held (its own links are known). */
  advertised: boolean
  coordinate: MapCoordinate | null
  /** Neighbours its latest advert left out (too many to fit). */
  more: number
  /**
   * Its subscriptions, sorted: the local node's and direct peers' in full (from their links), a learned node's as its
   * advert carries them (cut to fit the advert's bound), empty when unknown (listed by others only, LAN only).
   */
  topics: string[]
  /** How many of its subscriptions `topics` leaves out (an advert carries at most 32 topics and 256 bytes of them). */
  topicsMore: number
}

export interface MapLink {
  /** The two ends, a < b. */
  a: string
  b: string
  /** Both ends report it (each end's own edge list); otherwise only one end does (drawn dashed). */
  confirmed: boolean
  /** RTT median each end measured, ms (null: that end did not report it or has no sample yet). */
  rttByA: number | null
  rttByB: number | null
  /** Jitter (standard deviation of the RTT samples), ms, the larger of the two ends'. */
  jitterMs: number | null
  /** 'reconnecting' when an end reports the link lost and being retried. */
  state: 'up' | 'reconnecting'
}

export interface NetworkMap {
  /** The node holding the map. */
  origin: string
  /** Epoch ms. */
  takenAt: number
  depth: number
  nodes: MapNode[]
  links: MapLink[]
  /** Nodes left out by the count limit. */
  truncated: number
}

/** The measured RTT of a link: the mean of what its ends report; null when neither measured it. */
export function linkRttMs(link: MapLink): number | null {
  if (link.rttByA === null) return link.rttByB
  if (link.rttByB === null) return link.rttByA
  return (link.rttByA + link.rttByB) / 2
}

/**
 * The RTT two coordinates predict, ms (Vivaldi, as Serf computes it: Euclidean distance plus both heights, then
 * both adjustments, never below the plain distance).
 */
export function estimateMapRttMs(a: MapCoordinate, b: MapCoordinate): number {
  let sum = 0
  const n = Math.min(a.vec.length, b.vec.length)
  for (let i = 0; i < n; i++) {
    const d = a.vec[i]! - b.vec[i]!
    sum += d * d
  }
  const raw = Math.sqrt(sum) + a.height + b.height
  const adjusted = raw + a.adjustment + b.adjustment
  return (adjusted > 0 ? adjusted : raw) * 1000
}
