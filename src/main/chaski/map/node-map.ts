// Neighbour adverts of one node (docs/PROTOCOL.md §12): sends its own (on change, debounced, and periodically,
// never two closer than 2 s, cut to 1,200 bytes), takes in those of others (forged, replayed and excess ones
// ignored), forwards them within their hop budget, keeps the map store, and keeps the node's Vivaldi coordinate
// from the round trips the node already measures.
import { packValue } from '../codec'
import type { NeighbourEntry, NeighboursData, NeighboursReceiver } from '../commands/neighbours'
import type { Clock, ClockTimer } from '../clock'
import { CONTROL_TOPIC, ROOT_TOPIC } from '../constants'
import { periodicSweep, type Deadline } from '../deadlines'
import { VivaldiClient } from '../coordinates/client'
import type { Coordinate } from '../coordinates/coordinate'
import type { LinkedEdge } from '../linked-edge'
import type { Envelope } from '../envelope'
import { EdgeClosedError, MapRequestTimeoutError, NodeStoppedError, ProtocolError } from '../errors'
import type { MapRequestData, MapRequestReceiver } from '../commands/map-request'
import type { MapReplyReceiver } from '../commands/map-reply'
import { encodeMapReply } from './map-wire'
import type { ChaskiNodeEvents } from '../events'
import type { Logger } from '../logger'
import type { PeerLink } from '../peer-link'
import { RateLimiter, type RateLimitInit } from '../rate-limit'
import type { ReconnectState } from '../reconnect'
import { ThrottledWarning } from '../throttled-warning'
import type { WireFormat } from '../wire'
import type { NetworkMap } from '../../../shared/network-map'
import {
  ADVERT_GLOBAL_BURST,
  ADVERT_GLOBAL_PER_S,
  ADVERT_LINK_BURST,
  ADVERT_LINK_PER_S,
  ADVERT_MAX_BYTES,
  ADVERT_MAX_NAME_BYTES,
  ADVERT_MAX_NEIGHBOURS,
  ADVERT_MAX_SEQ_AHEAD_MS,
  ADVERT_MAX_TENTHS_MS,
  ADVERT_MAX_TOPIC_BYTES,
  ADVERT_MAX_TOPICS,
  ADVERT_MIN_GAP_MS,
  ADVERT_FORWARD_BURST,
  ADVERT_FORWARD_PER_S,
  ADVERT_ORIGIN_BURST,
  ADVERT_ORIGIN_PER_S,
  ADVERT_RTT_CHANGE_MIN_MS,
  ADVERT_RTT_CHANGE_RATIO,
  ADVERT_SEND_BURST,
  ADVERT_SEND_PER_S,
  ADVERT_SIGNING_OVERHEAD_BYTES,
  MAP_MAX_DEPTH,
  MAP_MAX_NODES,
  MAP_MAX_ORIGINS,
  MAP_REQUEST_BURST,
  MAP_REQUEST_PER_S,
  PROBE_TIMEOUT_MS
} from './limits'
import { sharedString } from '../shared-strings'
import { keptAdvert } from './kept-advert'
import { MapStore, type MapEntry } from './map-store'
import type { AdvertOptions } from './options'
import { buildNetworkMap, coordinateToWire } from './snapshot'
import { AdvertVerifier, advertKeyBytes, signAdvert } from './advert-signature'
import type { NodeKey } from '../security/node-key'

/** What the adverts need from their node. */
export interface MapHost {
  readonly id: string
  readonly name: string
  /** Our listening address as peers dial it. */
  readonly listenIp: string
  readonly port: number
  readonly clock: Clock
  readonly log: Logger
  /** Signs our adverts; null on a plaintext node (it sends unsigned adverts and accepts unsigned ones). */
  readonly nodeKey: NodeKey | null
  readonly wire: WireFormat
  readonly edgesById: ReadonlyMap<string, LinkedEdge>
  /** Our subscriptions (the root topic '@' among them on a root node). */
  readonly subscriptions: ReadonlySet<string>
  readonly reconnects: ReconnectState[]
  /** The node's option `adverts`. */
  readonly adverts: Readonly<AdvertOptions>
  /** Nodes heard on the LAN (empty when LAN discovery is off). */
  lanPeers(): Iterable<{ id: string; name: string; ip: string; port: number }>
  /** A UDP status request (docs/PROTOCOL.md §9): our latency probe of a node that is not a peer. */
  requestStatus(ip: string, port: number, timeoutMs: number): Promise<{ name: string }>
  emit<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): void
}

/** Counters of one node's adverts, sent and received (node.mapStats). */
export interface AdvertStats {
  sent: number
  /** Bytes of advert data sent (msgpack, once per advert, not per edge), and the largest advert. */
  sentBytes: number
  largestBytes: number
  received: number
  accepted: number
  forwarded: number
  /** Same (origin, seq) again, an older seq, or a relayed copy of a direct peer's advert. */
  duplicates: number
  /** Beyond the per-origin or per-link rate. */
  rateLimited: number
  /** Claiming an origin that cannot be (our own id; a first hop that is not the origin; a seq far ahead). */
  forged: number
  /** Signed, but the key is not the origin's, or the signature does not verify (tampered, invented). */
  badSignature: number
  /** Unsigned, received by a secure node (which accepts signed adverts only). */
  unsigned: number
  /** Signatures checked (each costs an ECDSA verification; duplicates are dropped before). */
  verified: number
  expired: number
  /** Advert frames written to links (ours, forwarded, and those sent to a new peer) and their bytes on the wire. */
  framesOut: number
  bytesOut: number
  vivaldiUpdates: number
  vivaldiRejected: number
  /** Latency probes of non-neighbours answered (and fed to Vivaldi), and those unanswered or answered by another name. */
  probes: number
  probeFailures: number
}

function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = values.slice(-15).sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function stddev(values: number[]): number | null {
  const recent = values.slice(-15)
  if (recent.length < 2) return null
  const mean = recent.reduce((sum, x) => sum + x, 0) / recent.length
  return Math.sqrt(recent.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (recent.length - 1))
}

function toTenths(valueMs: number | null): number | null {
  if (valueMs === null || !Number.isFinite(valueMs)) return null
  return Math.min(ADVERT_MAX_TENTHS_MS, Math.max(0, Math.round(valueMs * 10)))
}

/** `name` cut to at most `maxBytes` of UTF-8, at a character boundary. */
export function cutName(name: string, maxBytes = ADVERT_MAX_NAME_BYTES): string {
  if (Buffer.byteLength(name, 'utf8') <= maxBytes) return name
  let out = ''
  let bytes = 0
  for (const char of name) {
    const size = Buffer.byteLength(char, 'utf8')
    if (bytes + size > maxBytes) break
    out += char
    bytes += size
  }
  return out
}

/** Subscriptions as a map shows them: sorted, without the root topic (a flag, not a topic one subscribes to). */
export function topicList(subscriptions: Iterable<string>): string[] {
  return [...subscriptions].filter((topic) => topic !== ROOT_TOPIC).sort()
}

/** The topics an advert carries: in order, as many as fit in ADVERT_MAX_TOPICS and ADVERT_MAX_TOPIC_BYTES. */
export function cutTopics(topics: string[]): { topics: string[]; more: number } {
  const kept: string[] = []
  let bytes = 0
  for (const topic of topics) {
    if (kept.length === ADVERT_MAX_TOPICS) break
    const size = Buffer.byteLength(topic, 'utf8')
    if (bytes + size > ADVERT_MAX_TOPIC_BYTES) continue // a shorter one further on may still fit
    kept.push(topic)
    bytes += size
  }
  return { topics: kept, more: topics.length - kept.length }
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.')
}

function arrayHeaderSize(count: number): number {
  return count < 16 ? 1 : count < 65536 ? 3 : 5
}

interface PendingMapRequest {
  edge: LinkedEdge
  resolve(map: NetworkMap): void
  reject(error: Error): void
  timer: ClockTimer
}

// Shared empty maps for nodes that have advertised no round trip and asked no map yet: only read or deleted
// from (a no-op when empty) until replaced by a map of the node's own.
const NO_RTTS = new Map<string, number | null>()
const NO_REQUESTS = new Map<number, PendingMapRequest>()

// What each of a node's advert rate limiters allows: one object per process, not one per limiter.
const PER_ORIGIN_LIMITS: RateLimitInit = {
  burst: ADVERT_ORIGIN_BURST,
  ratePerS: ADVERT_ORIGIN_PER_S,
  maxKeys: MAP_MAX_ORIGINS,
  globalBurst: ADVERT_GLOBAL_BURST,
  globalRatePerS: ADVERT_GLOBAL_PER_S
}

const PER_LINK_LIMITS: RateLimitInit = {
  burst: ADVERT_LINK_BURST,
  ratePerS: ADVERT_LINK_PER_S,
  maxKeys: 4096,
  globalBurst: Infinity,
  globalRatePerS: Infinity
}

const MAP_REQUEST_LIMITS: RateLimitInit = {
  burst: MAP_REQUEST_BURST,
  ratePerS: MAP_REQUEST_PER_S,
  maxKeys: 4096,
  globalBurst: MAP_REQUEST_BURST * 4,
  globalRatePerS: MAP_REQUEST_PER_S * 4
}

const SEND_LIMITS: RateLimitInit = {
  burst: ADVERT_SEND_BURST,
  ratePerS: ADVERT_SEND_PER_S,
  maxKeys: 4096,
  globalBurst: ADVERT_FORWARD_BURST,
  globalRatePerS: ADVERT_FORWARD_PER_S
}

/**
 * "Long ago" for the times a node has not reached yet (last advert sent, last RTT check): before any clock reading,
 * as -Infinity was, but a small integer, so a node that never sent holds no boxed double for it.
 */
const NEVER = -(2 ** 30)

/** The coordinate of a node that has measured nothing yet (a fresh VivaldiClient's): one frozen value for all. */
const ORIGIN_COORDINATE = new VivaldiClient().coordinate

/** What a node's map needs only when asked for its map or sent a bad advert, made on the first such need. */
class MapRarities {
  /** Map requests a peer may send us (answered within this rate). */
  mapRequests: RateLimiter | null = null
  rateWarning: ThrottledWarning | null = null
  forgedWarning: ThrottledWarning | null = null
  signatureWarning: ThrottledWarning | null = null
  /** Our requests waiting for their reply, by request number. */
  pending: Map<number, PendingMapRequest> | null = null
  nextRequest = 1
}

export class NodeMap implements NeighboursReceiver, MapRequestReceiver, MapReplyReceiver, Deadline {
  /** When the next advert is due (Deadline: the node's adverts ride on the process-wide periodic sweep). */
  deadlineAt = Infinity
  /** Counters, made on the first count: a node that never sent or received an advert holds none. */
  #stats: AdvertStats | null = null
  // The store, the coordinate, the limiters, the verifier and warnings are made on first use: a node whose peers
  // send no advert, nor ask for its map, holds none of them (a 1000-node star measures what a node costs).
  #store: MapStore | null = null
  #vivaldi: VivaldiClient | null = null
  #perOrigin: RateLimiter | null = null
  #perLink: RateLimiter | null = null
  /** Map requests and warnings (made on the first: most nodes are never asked for their map nor sent a bad advert). */
  #rare: MapRarities | null = null
  #verifier: AdvertVerifier | null = null
  #now: (() => number) | null = null
  /** What we send per link (and forward in all), made on the first advert we send. */
  private sendLimiter: RateLimiter | null = null
  /** Where the next forward starts among our edges, so a short forwarding budget is shared by all of them. */
  private forwardStart = 0
  /** Our public key as our adverts carry it (null: we sign nothing). */
  private readonly keyBytes: Buffer | null
  private timerAt = Infinity
  private sweepTimer: ClockTimer | null = null
  private probeTimer: ClockTimer | null = null
  private probing = false
  private running = false
  private lastSeq = 0
  private lastSentAt = NEVER
  /** Where the next advert starts in the neighbour list, when they do not all fit. */
  private rotation = 0
  /** RTT medians (ms) of the last advert, per peer: a move beyond the threshold is a change. */
  private advertisedRtt: Map<string, number | null> = NO_RTTS
  private lastRttCheck = NEVER

  constructor(private readonly host: MapHost) {
    this.keyBytes = host.nodeKey === null ? null : advertKeyBytes(host.nodeKey.publicKey)
  }

  /** The adverts accepted, per origin (made on the first one). */
  get store(): MapStore {
    if (this.#store === null) {
      this.#store = new MapStore(MAP_MAX_ORIGINS)
      if (this.running) this.startSweep()
    }
    return this.#store
  }

  /** Our Vivaldi coordinate's state (made on the first round trip to a peer whose coordinate we know). */
  get vivaldi(): VivaldiClient {
    return (this.#vivaldi ??= new VivaldiClient())
  }

  /** What this node's adverts did so far (ChaskiNode.advertStats copies it). */
  get stats(): AdvertStats {
    return (this.#stats ??= {
      sent: 0,
      sentBytes: 0,
      largestBytes: 0,
      received: 0,
      accepted: 0,
      forwarded: 0,
      duplicates: 0,
      rateLimited: 0,
      forged: 0,
      badSignature: 0,
      unsigned: 0,
      verified: 0,
      expired: 0,
      framesOut: 0,
      bytesOut: 0,
      vivaldiUpdates: 0,
      vivaldiRejected: 0,
      probes: 0,
      probeFailures: 0
    })
  }

  /** The node's clock as its rate limiters read it: one function for all of them. */
  private clockNow(): () => number {
    if (this.#now === null) {
      const clock = this.host.clock
      this.#now = () => clock.now()
    }
    return this.#now
  }

  private get perOrigin(): RateLimiter {
    return (this.#perOrigin ??= new RateLimiter(PER_ORIGIN_LIMITS, this.clockNow()))
  }

  private get perLink(): RateLimiter {
    return (this.#perLink ??= new RateLimiter(PER_LINK_LIMITS, this.clockNow()))
  }

  private get rare(): MapRarities {
    return (this.#rare ??= new MapRarities())
  }

  /** Our map requests waiting for their reply (a shared empty table until the first). */
  private get pending(): Map<number, PendingMapRequest> {
    return this.#rare?.pending ?? NO_REQUESTS
  }

  private get mapRequests(): RateLimiter {
    return (this.rare.mapRequests ??= new RateLimiter(MAP_REQUEST_LIMITS, this.clockNow()))
  }

  private get rateWarning(): ThrottledWarning {
    return (this.rare.rateWarning ??= this.warning('neighbour adverts beyond the rate, ignored'))
  }

  private get forgedWarning(): ThrottledWarning {
    return (this.rare.forgedWarning ??= this.warning('forged neighbour advert ignored'))
  }

  private get signatureWarning(): ThrottledWarning {
    return (this.rare.signatureWarning ??= this.warning(
      'neighbour advert with a missing or bad signature ignored'
    ))
  }

  private warning(message: string): ThrottledWarning {
    return new ThrottledWarning(this.host.log.child('map'), message, undefined, this.host.clock)
  }

  private get verifier(): AdvertVerifier {
    return (this.#verifier ??= new AdvertVerifier())
  }

  /** The node's option `adverts` (read from the node: a map keeps no copy). */
  get options(): Readonly<AdvertOptions> {
    return this.host.adverts
  }

  get coordinate(): Coordinate {
    return this.#vivaldi === null ? ORIGIN_COORDINATE : this.#vivaldi.coordinate
  }

  start(): void {
    if (!this.options.enabled || this.running) return
    this.running = true
    this.schedulePeriodic()
    if (this.#store !== null) this.startSweep()
  }

  stop(): void {
    for (const [id, request] of this.pending) {
      this.host.clock.clearTimeout(request.timer)
      request.reject(new NodeStoppedError('node stopped'))
      this.pending.delete(id)
    }
    this.running = false
    periodicSweep(this.host.clock).delete(this)
    this.host.clock.clearTimeout(this.sweepTimer)
    this.host.clock.clearTimeout(this.probeTimer)
    this.sweepTimer = null
    this.probeTimer = null
    this.timerAt = Infinity
  }

  /** Our edges or their state changed: advertised after the debounce (and the minimum gap). */
  changed(): void {
    if (!this.running) return
    const now = this.host.clock.now()
    this.schedule(Math.max(now + this.options.debounceMs, this.lastSentAt + ADVERT_MIN_GAP_MS))
  }

  /**
   * A new edge: our advert follows (debounced), and the peer gets at once the stored adverts it may still carry
   * further (those heard over fewer hops than their budget), so a newcomer sees the map without waiting for the
   * next periodic adverts: closest origins first, then the freshest, within the link's send budget (at most
   * ADVERT_SEND_BURST) and the node's forwarding budget; the rest come with their origins' next adverts.
   */
  onEdgeAdded(edge: LinkedEdge): void {
    if (!this.running) return
    this.changed()
    if (this.#store === null || this.#store.size === 0) return
    const host = this.host
    const now = host.clock.now()
    const greet: MapEntry[] = []
    for (const entry of this.store.values()) {
      if (entry.advert.ttl0 - entry.hops < 1 || entry.expiresAt <= now || entry.advert.origin === edge.id)
        continue
      greet.push(entry)
    }
    greet.sort((x, y) => x.hops - y.hops || y.receivedAt - x.receivedAt)
    const budget = this.sendBudget()
    for (const entry of greet) {
      if (!edge.open || !budget.allow(edge.id)) return
      const frame = host.wire.outgoing(
        'neighbours',
        CONTROL_TOPIC,
        entry.advert,
        entry.advert.ttl0 - entry.hops,
        null,
        host.clock.epochMs()
      )
      if (!frame.sendTo(edge.link)) continue
      this.stats.forwarded++
      this.countFrame(frame.bytes)
    }
  }

  /**
   * Adverts we send per link: the peer's intake (ADVERT_LINK_*), so nothing is sent only to be dropped; the global
   * bucket is the node's forwarding budget (our own advert is not charged to it: at most one per ADVERT_MIN_GAP_MS).
   * Buckets are keyed by peer id, as the receiver keys its own, and exist only for links we sent on.
   */
  private sendBudget(): RateLimiter {
    this.sendLimiter ??= new RateLimiter(SEND_LIMITS, this.clockNow())
    return this.sendLimiter
  }

  /** MapRequestReceiver (commands/map-request.ts): answered within the per-link rate, else ignored. */
  onMapRequest(link: PeerLink, data: MapRequestData): void {
    const edge = link.edge!
    if (!this.mapRequests.allow(edge.id)) {
      this.rateWarning.report({ from: edge.toString(), per: 'map request' })
      return
    }
    const map = this.snapshot(data.depth, data.max)
    const host = this.host
    host.wire.send(edge.link, 'map_reply', encodeMapReply(data.request, map), 1, host.clock.epochMs())
  }

  /** MapReplyReceiver (commands/map-reply.ts): a reply to a request of ours on that edge, or ignored. */
  onMapReply(link: PeerLink, request: number, map: NetworkMap): void {
    const pending = this.pending.get(request)
    if (pending === undefined || pending.edge !== link.edge) return
    this.pending.delete(request)
    this.host.clock.clearTimeout(pending.timer)
    pending.resolve(map)
  }

  /** Asks the peer on `edge` for the map it holds; rejects with MapRequestTimeoutError after timeoutMs. */
  requestMap(edge: LinkedEdge, depth: number, max: number, timeoutMs: number): Promise<NetworkMap> {
    const host = this.host
    const rare = this.rare
    const request = rare.nextRequest
    rare.nextRequest = (rare.nextRequest % 0xffffffff) + 1
    return new Promise<NetworkMap>((resolve, reject) => {
      const timer = host.clock.setTimeout(() => {
        this.pending.delete(request)
        reject(new MapRequestTimeoutError(`no map from ${edge.toString()} within ${timeoutMs} ms`))
      }, timeoutMs)
      ;(rare.pending ??= new Map()).set(request, { edge, resolve, reject, timer })
      host.wire.send(edge.link, 'map_request', { request, depth, max }, 1, host.clock.epochMs())
    })
  }

  onEdgeRemoved(edge: LinkedEdge): void {
    for (const [id, request] of this.pending) {
      if (request.edge !== edge) continue
      this.host.clock.clearTimeout(request.timer)
      this.pending.delete(id)
      request.reject(new EdgeClosedError(`${edge.toString()} closed before its map arrived`))
    }
    this.#vivaldi?.forgetPeer(edge.id)
    this.advertisedRtt.delete(edge.id)
    this.changed()
  }

  /** A round trip measured on `edge` (pings with latency_update, keep-alive included). */
  onRoundTrip(edge: LinkedEdge, rttMs: number): void {
    if (!this.running) return
    const peer = this.#store?.get(edge.id)?.coordinate
    if (peer) {
      try {
        this.vivaldi.update(edge.id, peer, rttMs)
        this.stats.vivaldiUpdates++
      } catch {
        this.stats.vivaldiRejected++
      }
    }
    // RTT medians are compared with the advertised ones at most once a second.
    const now = this.host.clock.now()
    if (now - this.lastRttCheck < 1000) return
    this.lastRttCheck = now
    for (const each of this.host.edgesById.values()) {
      const current = median(each.rttSamples)
      const before = this.advertisedRtt.get(each.id)
      if (current === null) continue
      if (
        before === undefined ||
        before === null ||
        (Math.abs(current - before) > ADVERT_RTT_CHANGE_MIN_MS &&
          Math.abs(current - before) > ADVERT_RTT_CHANGE_RATIO * before)
      ) {
        this.changed()
        return
      }
    }
  }

  /** NeighboursReceiver (commands/neighbours.ts). */
  onNeighbours(link: PeerLink, data: NeighboursData, envelope: Envelope): void {
    const stats = this.stats
    stats.received++
    const from = link.edge!
    const ttl = envelope.ttl
    if (ttl < 1 || ttl > data.ttl0)
      throw new ProtocolError(`neighbours: envelope ttl ${ttl} outside 1..ttl0 (${data.ttl0})`)
    if (!this.perLink.allow(from.id)) {
      stats.rateLimited++
      this.rateWarning.report({ from: from.toString(), per: 'link' })
      return
    }
    const host = this.host
    // Kept as a key (rate limiter, store): the shared flat copy, not a slice of the decoded frame.
    const origin = sharedString(data.origin)
    const hops = data.ttl0 - ttl + 1
    const epochNow = host.clock.epochMs()
    if (
      origin === host.id ||
      (hops === 1) !== (origin === from.id) ||
      data.seq > epochNow + ADVERT_MAX_SEQ_AHEAD_MS
    ) {
      stats.forged++
      this.forgedWarning.report({ from: from.toString(), origin, hops, seq: data.seq })
      return
    }
    // A direct peer's adverts are taken from its own link only: a relayed copy (or a forgery naming it) is ignored.
    if (hops > 1 && host.edgesById.has(origin)) {
      stats.duplicates++
      return
    }
    const last = this.store.lastSeq(origin)
    // The same advert over a shorter path: the shorter hop count holds, and it goes on with the larger budget.
    const entry = this.store.get(origin)
    const shorter = data.seq === last && entry !== undefined && hops < entry.hops
    if (last !== undefined && data.seq <= last && !shorter) {
      stats.duplicates++
      return
    }
    // Only what its origin signed is stored or forwarded (after the cheap checks: a duplicate costs no verify).
    if (!this.authentic(data, from)) return
    if (shorter) {
      entry.hops = hops
      this.forward(data, ttl, from)
      return
    }
    if (!this.perOrigin.allow(origin)) {
      stats.rateLimited++
      this.rateWarning.report({ from: from.toString(), origin, per: 'origin' })
      return
    }
    const kept = keptAdvert(data)
    this.store.put(kept.advert, kept.coordinate, hops, host.clock.now(), epochNow)
    stats.accepted++
    this.forward(data, ttl, from)
    host.emit('map-changed', { origin, hops })
  }

  /**
   * A secure node takes signed adverts only, whose key gives the origin id and whose signature verifies; a plaintext
   * node checks the signature of a signed advert too, and takes unsigned ones as protocol version 1 does (nothing
   * on a plaintext link is authenticated). What fails is counted and ignored; the link stays.
   */
  private authentic(data: NeighboursData, from: LinkedEdge): boolean {
    if (data.key === undefined || data.sig === undefined) {
      if (this.host.nodeKey === null) return true
      this.stats.unsigned++
      this.signatureWarning.report({ from: from.toString(), origin: data.origin, problem: 'unsigned' })
      return false
    }
    this.stats.verified++
    const check = this.verifier.check(data, data.key, data.sig)
    if (check === 'ok') return true
    this.stats.badSignature++
    this.signatureWarning.report({ from: from.toString(), origin: data.origin, problem: check })
    return false
  }

  /** The map this node holds (docs/PROTOCOL.md §12 "map"). */
  snapshot(depth = MAP_MAX_DEPTH, maxNodes = MAP_MAX_NODES): NetworkMap {
    const host = this.host
    this.expireNow()
    const direct = new Map<string, { name: string; ip: string; port: number; topics: string[] }>()
    for (const edge of host.edgesById.values())
      direct.set(edge.id, {
        name: edge.name,
        ip: edge.ip,
        port: edge.port,
        topics: topicList(edge.subscriptions)
      })
    return buildNetworkMap(
      {
        id: host.id,
        name: host.name,
        ip: host.listenIp,
        port: host.port,
        topics: topicList(host.subscriptions),
        coordinate: this.options.enabled ? this.vivaldi.coordinate : null,
        neighbours: this.neighbourEntries(),
        direct,
        lan: host.lanPeers()
      },
      this.store.values(),
      Math.max(0, Math.min(MAP_MAX_DEPTH, Math.floor(depth))),
      Math.max(1, Math.min(MAP_MAX_NODES, Math.floor(maxNodes))),
      host.clock.now(),
      host.clock.epochMs()
    )
  }

  /** Sends our advert now to every edge (also used by the periodic timer). */
  sendNow(): void {
    const host = this.host
    this.lastSentAt = host.clock.now()
    const { data, bytes } = this.buildAdvert()
    this.stats.sent++
    this.stats.sentBytes += bytes
    if (bytes > this.stats.largestBytes) this.stats.largestBytes = bytes
    const edges = host.edgesById
    if (edges.size === 0) return
    const frame = host.wire.outgoing('neighbours', CONTROL_TOPIC, data, data.ttl0, null, host.clock.epochMs())
    const budget = this.sendBudget()
    for (const edge of edges.values())
      if (edge.open && budget.allow(edge.id, false) && frame.sendTo(edge.link)) this.countFrame(frame.bytes)
  }

  /** Our advert: every edge (and peer being reconnected) that fits in ADVERT_MAX_BYTES, lowest RTT first. */
  buildAdvert(): { data: NeighboursData; bytes: number } {
    const host = this.host
    const all = this.neighbourEntries()
    all.sort((x, y) => (x[1] ?? Infinity) - (y[1] ?? Infinity) || (x[0] < y[0] ? -1 : 1))
    this.lastSeq = Math.max(this.lastSeq + 1, host.clock.epochMs())
    const topics = cutTopics(topicList(host.subscriptions))
    const data: NeighboursData = {
      origin: host.id,
      seq: this.lastSeq,
      ttl0: this.options.ttl,
      name: cutName(host.name),
      ip: host.listenIp,
      port: host.port,
      interval: Math.round(this.options.intervalMs / 1000),
      coord: coordinateToWire(this.vivaldi.coordinate),
      n: [],
      more: 0,
      topics: topics.topics,
      tmore: topics.more
    }
    // Size = the advert with an empty list + the list's header + each entry (msgpack sizes add up).
    let bytes = packValue(data).length - 1
    const start = all.length > 0 ? this.rotation % all.length : 0
    const chosen: NeighbourEntry[] = []
    let entryBytes = 0
    for (let i = 0; i < all.length && chosen.length < ADVERT_MAX_NEIGHBOURS; i++) {
      const entry = all[(start + i) % all.length]!
      const size = packValue(entry).length
      if (bytes + entryBytes + size + arrayHeaderSize(chosen.length + 1) > ADVERT_MAX_BYTES) break
      chosen.push(entry)
      entryBytes += size
    }
    if (chosen.length < all.length) this.rotation = (start + chosen.length) % all.length
    else this.rotation = 0
    data.n = chosen
    data.more = all.length - chosen.length
    bytes += arrayHeaderSize(chosen.length) + entryBytes
    if (this.keyBytes !== null) {
      data.key = this.keyBytes
      data.sig = signAdvert(data, host.nodeKey!.privateKey)
      bytes += ADVERT_SIGNING_OVERHEAD_BYTES
    }
    this.advertisedRtt =
      all.length === 0
        ? NO_RTTS
        : new Map(all.map((entry) => [entry[0], entry[1] === null ? null : entry[1] / 10]))
    return { data, bytes }
  }

  /** Every edge, then every peer being reconnected, as advert entries. */
  private neighbourEntries(): NeighbourEntry[] {
    const entries: NeighbourEntry[] = []
    for (const edge of this.host.edgesById.values()) {
      const samples = edge.rttSamples
      entries.push([
        edge.id,
        toTenths(median(samples)),
        toTenths(stddev(samples)),
        0,
        edge.direction === 'outbound' ? 0 : 1
      ])
    }
    for (const peer of this.host.reconnects) {
      if (this.host.edgesById.has(peer.peerId) || peer.peerId.length === 0) continue
      if (entries.some((entry) => entry[0] === peer.peerId)) continue
      entries.push([peer.peerId, null, null, 1, 0])
    }
    return entries
  }

  /**
   * Sends `data` on within its hop budget, to each edge but the one it came from and its origin, as far as each
   * link's send budget and the node's forwarding budget allow. The edges are taken from a rotating start, so when the
   * forwarding budget runs short it is not always the same edges that go without.
   */
  private forward(data: NeighboursData, ttl: number, from: LinkedEdge): void {
    if (ttl - 1 < 1) return
    const host = this.host
    const edges = host.edgesById
    const count = edges.size
    if (count === 0) return
    const start = this.forwardStart % count
    const budget = this.sendBudget()
    let frame = null
    let sent = 0
    // Two passes over the edges (from `start` to the end, then from the beginning up to `start`).
    for (let pass = 0; pass < 2; pass++) {
      let index = 0
      for (const edge of edges.values()) {
        const inPass = pass === 0 ? index >= start : index < start
        index++
        if (!inPass || edge === from || edge.id === data.origin || !edge.open) continue
        if (!budget.allow(edge.id)) continue
        frame ??= host.wire.outgoing('neighbours', CONTROL_TOPIC, data, ttl - 1, null, host.clock.epochMs())
        if (!frame.sendTo(edge.link)) continue
        sent++
        this.stats.forwarded++
        this.countFrame(frame.bytes)
      }
    }
    this.forwardStart = start + sent
  }

  private countFrame(bytes: number): void {
    this.stats.framesOut++
    this.stats.bytesOut += bytes
  }

  private schedule(at: number): void {
    // timerAt is Infinity while nothing is scheduled (every `at` is finite).
    if (this.timerAt <= at) return
    const sweep = periodicSweep(this.host.clock)
    sweep.delete(this)
    this.timerAt = at
    sweep.add(this, Math.max(0, at - this.host.clock.now()))
  }

  private schedulePeriodic(): void {
    const jitter = 1 + Math.random() * 0.2
    this.schedule(this.host.clock.now() + this.options.intervalMs * jitter)
  }

  onDeadline(): void {
    this.timerAt = Infinity
    if (!this.running) return
    const now = this.host.clock.now()
    if (now < this.lastSentAt + ADVERT_MIN_GAP_MS) {
      this.schedule(this.lastSentAt + ADVERT_MIN_GAP_MS)
      return
    }
    this.sendNow()
    this.schedulePeriodic()
  }

  private scheduleProbe(): void {
    const every = this.options.probeIntervalMs
    if (every === 0 || !this.running) return
    this.probeTimer = this.host.clock.setTimeout(() => this.probe(), every * (1 + Math.random() * 0.5))
    this.probeTimer.unref()
  }

  /**
   * Vivaldi from neighbour pings alone leaves far pairs undetermined (notes: vivaldi.md, finding 1), so now and then
   * the round trip to one random node that is not a peer is measured with a UDP status request. Only a node whose
   * signed advert we hold (its key vouches for the address; on a plaintext node, unsigned adverts are never probed)
   * with a coordinate, one probe at a time, one per probeIntervalMs on average: a forged address cannot turn the
   * network into a reflector (and a status request is padded: the answer is at most 3× its size, §9).
   */
  private probe(): void {
    this.probeTimer = null
    if (!this.running) return
    this.scheduleProbe()
    if (this.probing) return
    const host = this.host
    const now = host.clock.now()
    const candidates: MapEntry[] = []
    for (const entry of this.store.values()) {
      const advert = entry.advert
      if (advert.sig === undefined || entry.coordinate === null || entry.expiresAt <= now) continue
      if (host.edgesById.has(advert.origin)) continue
      // A node listening on all interfaces advertises its loopback: from another host that address is our own.
      if (isLoopback(advert.ip) && !isLoopback(host.listenIp)) continue
      candidates.push(entry)
    }
    if (candidates.length === 0) return
    const entry = candidates[Math.floor(Math.random() * candidates.length)]!
    const { origin, ip, port, name } = entry.advert
    this.probing = true
    const started = host.clock.now()
    host.requestStatus(ip, port, PROBE_TIMEOUT_MS).then(
      (status) => {
        this.probing = false
        const rttMs = host.clock.now() - started
        const coordinate = this.store.get(origin)?.coordinate
        // Someone else at that address (or the node renamed since its advert): not that node's round trip.
        if (!this.running || cutName(status.name) !== name || !coordinate) {
          this.stats.probeFailures++
          return
        }
        this.stats.probes++
        try {
          this.vivaldi.update(origin, coordinate, rttMs)
          this.stats.vivaldiUpdates++
        } catch {
          this.stats.vivaldiRejected++
        }
      },
      () => {
        this.probing = false
        this.stats.probeFailures++
      }
    )
  }

  private sweepIntervalMs(): number {
    return Math.min(5000, this.options.intervalMs)
  }

  /**
   * Expiry sweeps and latency probes run while there is a store (made on the first advert): with no advert held
   * there is nothing to expire nor anyone to probe, and a node holds no timer for them.
   */
  private startSweep(): void {
    if (this.sweepTimer !== null) return
    this.sweepTimer = this.host.clock.setTimeout(() => this.sweep(), this.sweepIntervalMs())
    this.sweepTimer.unref()
    if (this.probeTimer === null) this.scheduleProbe()
  }

  private sweep(): void {
    this.sweepTimer = null
    if (!this.running) return
    this.expireNow()
    this.startSweep()
  }

  private expireNow(): void {
    const gone = this.#store === null ? [] : this.#store.expire(this.host.clock.now())
    if (gone.length === 0) return
    this.stats.expired += gone.length
    for (const origin of gone) this.host.emit('map-changed', { origin, hops: null })
  }
}
