// Ping, pong and keep-alive of one node (spec §6, docs/PROTOCOL.md §6): answering pings with our identity,
// matching pongs to the pings in flight, the latency estimate, and the keep-alive rounds. pinger.ts keeps the
// bookkeeping of pending pings and the keep-alive timer; this module speaks the wire.
import { randomBytes } from 'node:crypto'
import type { Clock } from './clock'
import type { PingData, PingReceiver } from './commands/ping'
import { readPong, type PongReceiver } from './commands/pong'
import { encodePingData } from './control-data'
import type { LinkedEdge } from './linked-edge'
import type { Envelope } from './envelope'
import { EdgeClosedError } from './errors'
import type { ChaskiNodeEvents } from './events'
import { FOLLOWED_KEYS } from './identity'
import type { LocalIdentity } from './local-identity'
import type { Logger } from './logger'
import type { NormalizedOptions } from './options'
import { periodicSweep, type DeadlineSweep } from './deadlines'
import { KeepAlive, PingTracker } from './pinger'
import { PongBytes } from './pong-bytes'
import type { WireFormat } from './wire'
import type { WireObject } from './wire-fields'

/** What the pings need from their node. */
export interface PingHost {
  readonly options: Readonly<NormalizedOptions>
  readonly wire: WireFormat
  /** The node's logger (pings log as its 'pings' component). */
  readonly log: Logger
  readonly clock: Clock
  /** Our identity, as every pong carries it. */
  readonly identity: LocalIdentity
  /** The registered edges by peer id. */
  readonly edgesById: ReadonlyMap<string, LinkedEdge>
  emit<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): void
  listenerCount(event: 'latency'): number
  /** A round trip measured with latency_update (the node's Vivaldi coordinate follows it). */
  onRoundTrip(edge: LinkedEdge, rttMs: number): void
}

/**
 * The ping id of a pong whose identity fields equal the edge's current (already validated) identity; null when
 * anything differs or is malformed (the caller then validates it in full). Compares the fields an edge follows
 * (identity.ts FOLLOWED_KEYS), plus the id and port it keeps.
 */
function samePongIdentity(edge: LinkedEdge, data: unknown): number | null {
  if (typeof data !== 'object' || data === null) return null
  const pong = data as Record<string, unknown>
  const pingId = pong.ping_id
  if (typeof pingId !== 'number' || !Number.isSafeInteger(pingId) || pingId < 0) return null
  if (!Object.prototype.hasOwnProperty.call(pong, 'ping_id')) return null
  if (pong.id !== edge.id || pong.port !== edge.port) return null
  for (let i = 0; i < FOLLOWED_KEYS.length; i++) {
    const key = FOLLOWED_KEYS[i]!
    if (key === 'subscriptions') {
      const subscriptions = pong.subscriptions
      if (!Array.isArray(subscriptions) || subscriptions.length !== edge.subscriptions.size) return null
      for (const topic of subscriptions)
        if (typeof topic !== 'string' || !edge.subscriptions.has(topic)) return null
    } else if (pong[key] !== (key === 'paired' ? edge.peerPaired : edge[key])) return null
  }
  return pingId
}

export class NodePings extends KeepAlive implements PingReceiver, PongReceiver {
  /** Pings in flight, made on the first ping (a node of a large network sends its first keep-alive late). */
  #tracker: PingTracker | null = null

  constructor(private readonly host: PingHost) {
    super()
  }

  protected get keepAliveIntervalMs(): number {
    return this.host.options.keepAliveIntervalMs
  }

  protected get keepAliveSweep(): DeadlineSweep {
    return periodicSweep(this.host.clock)
  }

  private get tracker(): PingTracker {
    return (this.#tracker ??= new PingTracker(this.host.clock))
  }

  /** Starts the keep-alive rounds (option keepAlive). */
  start(): void {
    if (this.host.options.keepAlive) this.startKeepAlive()
  }

  /** Stops keep-alive; every pending ping fails with `error`. */
  stop(error: Error): void {
    this.stopKeepAlive()
    this.#tracker?.clear(error)
  }

  /** Pings every edge; resolves with the round trips of those that answered in time. */
  async pingAll(size: number, timeoutMs: number, latencyUpdate: boolean): Promise<Map<LinkedEdge, number>> {
    const edges = [...this.host.edgesById.values()]
    const results = await Promise.allSettled(
      edges.map((each) => this.pingEdge(each, size, timeoutMs, latencyUpdate))
    )
    const map = new Map<LinkedEdge, number>()
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') map.set(edges[index]!, result.value)
    })
    return map
  }

  /** One ping; resolves with the round trip in ms when its pong arrives, rejects after timeoutMs. */
  pingEdge(edge: LinkedEdge, size: number, timeoutMs: number, latencyUpdate: boolean): Promise<number> {
    if (this.host.edgesById.get(edge.id) !== edge || !edge.open) {
      return Promise.reject(new EdgeClosedError(`${edge.toString()} is not a connected edge of this node`))
    }
    return new Promise<number>((resolve, reject) => {
      const pingId = this.tracker.start(edge, latencyUpdate, { resolve, reject, timeoutMs })
      this.sendPing(edge, pingId, latencyUpdate, size)
    })
  }

  /** PingReceiver (commands/ping.ts): answered with our identity, carrying the ping's own timestamp back. */
  onPing(edge: LinkedEdge, ping: PingData, envelope: Envelope): void {
    const pong = this.host.identity.pong(ping.ping_id)
    this.host.wire.send(edge.link, 'pong', pong, this.host.options.ttl, envelope.timestamp)
  }

  /** PongReceiver (commands/pong.ts). */
  onPong(edge: LinkedEdge, data: PongBytes | WireObject): void {
    let pingId: number
    if (!(data instanceof PongBytes)) pingId = this.refreshFromPong(edge, data)
    else if (edge.pongIdentity !== null && data.identityEquals(edge.pongIdentity)) {
      // Our own pong layout repeating, byte for byte, the identity of the last validated pong: only the id is
      // new, nothing to decode or validate (pong-bytes.ts).
      pingId = data.pingId
    } else {
      pingId = this.refreshFromPong(edge, data.decode())
      edge.pongIdentity = data.identityCopy()
    }
    const outcome = this.#tracker?.complete(edge, pingId)
    if (!outcome) return
    edge.stats.record(outcome.rttMs, outcome.latencyUpdate)
    if (outcome.latencyUpdate) this.host.onRoundTrip(edge, outcome.rttMs)
    if (this.host.listenerCount('latency') > 0) {
      this.host.emit('latency', {
        edge,
        rttMs: outcome.rttMs,
        latency: edge.latency,
        jitter: edge.jitter
      })
    }
  }

  /** Keep-alive (spec §6): an edge whose last keep-alive ping is still unanswered is closed; the rest pinged. */
  keepAliveRound(): void {
    const edges = this.host.edgesById
    for (const edge of edges.values()) {
      if (edge.keepAlivePending !== null) {
        this.host.log.child('pings').info('keep-alive ping unanswered, closing', { peer: edge.toString() })
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

  /** The edge's link was replaced: its keep-alive ping on the old link will never be answered. */
  linkReplaced(edge: LinkedEdge): void {
    if (edge.keepAlivePending !== null) this.#tracker?.forget(edge.keepAlivePending)
  }

  /** Pending pings on a removed edge fail at once (EdgeClosedError). */
  dropEdge(edge: LinkedEdge): void {
    this.#tracker?.dropEdge(edge)
  }

  private sendPing(edge: LinkedEdge, pingId: number, latencyUpdate: boolean, size: number): void {
    const dummy = size > 0 ? randomBytes(size) : null
    const options = this.host.options
    const data = options.customCodec
      ? { ping_id: pingId, latency_update: latencyUpdate, dummy_data: dummy }
      : encodePingData(pingId, latencyUpdate, dummy)
    this.host.wire.send(edge.link, 'ping', data, options.ttl, this.host.clock.epochMs())
  }

  /** Validates a decoded pong, applies a changed identity to the edge, returns its ping id. */
  private refreshFromPong(edge: LinkedEdge, data: unknown): number {
    // A pong repeating the identity we already hold needs no re-validation: only its id.
    const pingId = samePongIdentity(edge, data)
    if (pingId !== null) return pingId
    const pong = readPong(data)
    if (edge.refresh(pong)) this.host.emit('edge-updated', { edge })
    return pong.ping_id
  }
}
