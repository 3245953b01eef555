// A node's pings (spec §6): ping() on one edge or all, answering pings with our pong, latency samples from
// pongs, and the keep-alive round that closes an edge whose previous keep-alive ping went unanswered.
// PingTracker (pinger.ts) keeps the pending pings and their timeouts; this module speaks the wire.
import { randomBytes } from 'node:crypto'
import type { ConnectionManager } from './connections'
import { CONTROL_TOPIC } from './constants'
import { encodePingData } from './control-data'
import type { Edge } from './edge'
import { PongBytes } from './envelope-codec'
import { EdgeClosedError } from './errors'
import type { ChaskiNodeEvents } from './events'
import type { LocalIdentity } from './local-identity'
import type { Logger } from './logger'
import { parsePing, parsePong, type Envelope } from './messages'
import type { NormalizedOptions } from './options'
import { PingTracker } from './pinger'
import type { WireFormat } from './wire'

// Local copy: hot paths should not go through module-binding getters when run from transpiled sources.
const CONTROL = CONTROL_TOPIC

/** What the pings need from their node (ChaskiNode has all of it). */
export interface PingHost {
  readonly options: Readonly<NormalizedOptions>
  readonly wire: WireFormat
  readonly log: Logger
  emitSafe<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): void
  listenerCount(event: 'latency'): number
}

/**
 * The ping id of a pong whose identity fields equal the edge's current (already validated) identity; null when
 * anything differs or is malformed (the caller then validates it in full).
 */
function samePongIdentity(edge: Edge, data: unknown): number | null {
  if (typeof data !== 'object' || data === null) return null
  const pong = data as Record<string, unknown>
  const pingId = pong.ping_id
  if (typeof pingId !== 'number' || !Number.isSafeInteger(pingId) || pingId < 0) return null
  if (!Object.prototype.hasOwnProperty.call(pong, 'ping_id')) return null
  if (pong.id !== edge.id || pong.name !== edge.name || pong.port !== edge.port) return null
  if (pong.paired !== edge.peerPaired || pong.root !== edge.root) return null
  const subscriptions = pong.subscriptions
  if (!Array.isArray(subscriptions) || subscriptions.length !== edge.subscriptions.size) return null
  for (const topic of subscriptions)
    if (typeof topic !== 'string' || !edge.subscriptions.has(topic)) return null
  return pingId
}

export class NodePings {
  private readonly tracker = new PingTracker()

  constructor(
    private readonly host: PingHost,
    private readonly connections: ConnectionManager,
    private readonly identity: LocalIdentity
  ) {}

  /** Pings every edge; resolves with the round trips of those that answered in time. */
  async pingAll(size: number, timeoutMs: number, latencyUpdate: boolean): Promise<Map<Edge, number>> {
    const edges = this.connections.edges
    const results = await Promise.allSettled(
      edges.map((each) => this.pingEdge(each, size, timeoutMs, latencyUpdate))
    )
    const map = new Map<Edge, number>()
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') map.set(edges[index]!, result.value)
    })
    return map
  }

  /** One ping; resolves with the round trip in ms when its pong arrives, rejects after timeoutMs. */
  pingEdge(edge: Edge, size: number, timeoutMs: number, latencyUpdate: boolean): Promise<number> {
    if (this.connections.edgesById.get(edge.id) !== edge || !edge.open) {
      return Promise.reject(new EdgeClosedError(`${edge.toString()} is not a connected edge of this node`))
    }
    return new Promise<number>((resolve, reject) => {
      const pingId = this.tracker.start(edge, latencyUpdate, { resolve, reject, timeoutMs })
      this.sendPing(edge, pingId, latencyUpdate, size)
    })
  }

  onPing(edge: Edge, envelope: Envelope): void {
    const ping = parsePing(envelope.data)
    const pong = this.identity.pong(ping.ping_id)
    // The pong carries the ping's own timestamp back (spec §6).
    this.host.wire.send(edge.link, 'pong', CONTROL, pong, this.host.options.ttl, envelope.timestamp)
  }

  onPong(edge: Edge, envelope: Envelope): void {
    const data = envelope.data
    let pingId: number
    if (data instanceof PongBytes && edge.pongIdentity !== null && data.identityEquals(edge.pongIdentity)) {
      // Our own pong layout repeating, byte for byte, the identity of the last validated pong: only the id is
      // new, nothing to decode or validate (envelope-decoder.ts, PongBytes).
      pingId = data.pingId
    } else {
      pingId = this.refreshFromPong(edge, data instanceof PongBytes ? data.decode() : data)
      if (data instanceof PongBytes) edge.pongIdentity = data.identityCopy()
    }
    const outcome = this.tracker.complete(edge, pingId)
    if (!outcome) return
    edge.stats.record(outcome.rttMs, outcome.latencyUpdate)
    if (this.host.listenerCount('latency') > 0) {
      this.host.emitSafe('latency', {
        edge,
        rttMs: outcome.rttMs,
        latency: edge.latency,
        jitter: edge.jitter
      })
    }
  }

  /** Keep-alive (spec §6): an edge whose last keep-alive ping is still unanswered is closed; the rest pinged. */
  keepAliveRound(): void {
    const edges = this.connections.edgesById
    for (const edge of edges.values()) {
      if (edge.keepAlivePending !== null) {
        this.host.log.info('keep-alive ping unanswered, closing', { peer: edge.toString() })
        edge.link.destroy({ reason: 'keepalive-timeout' })
      }
    }
    for (const edge of edges.values()) {
      if (!edge.open) continue
      const pingId = this.tracker.start(edge, true, null)
      edge.keepAlivePending = pingId
      this.sendPing(edge, pingId, true, 0)
    }
  }

  /** Pending pings on a removed edge fail at once (EdgeClosedError). */
  dropEdge(edge: Edge): void {
    this.tracker.dropEdge(edge)
  }

  /** Every pending ping fails with `error` (the node stops). */
  clear(error: Error): void {
    this.tracker.clear(error)
  }

  private sendPing(edge: Edge, pingId: number, latencyUpdate: boolean, size: number): void {
    const dummy = size > 0 ? randomBytes(size) : null
    const options = this.host.options
    const data = options.customCodec
      ? { ping_id: pingId, latency_update: latencyUpdate, dummy_data: dummy }
      : encodePingData(pingId, latencyUpdate, dummy)
    this.host.wire.send(edge.link, 'ping', CONTROL, data, options.ttl, Date.now())
  }

  /** Validates a decoded pong, applies a changed identity to the edge, returns its ping id. */
  private refreshFromPong(edge: Edge, data: unknown): number {
    // A pong repeating the identity we already hold needs no re-validation: only its id.
    const pingId = samePongIdentity(edge, data)
    if (pingId !== null) return pingId
    const pong = parsePong(data)
    if (edge.refresh(pong)) this.host.emitSafe('edge-updated', { edge })
    return pong.ping_id
  }
}
