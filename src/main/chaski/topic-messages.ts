// Topic messages of one node (spec §7, docs/PROTOCOL.md §8): publish() to the edges whose peer wants the topic,
// delivery of received messages, and propagation (ttl, the pool of recent ids) when messagePropagation is on.
import type { MessageReceiver } from './commands/message'
import type { LinkedEdge } from './linked-edge'
import type { Envelope } from './envelope'
import type { ChaskiNodeEvents } from './events'
import { nextMessageId } from './ids'
import { MessagePool } from './message-pool'
import { planRunData, queueInRun, releaseRunData, type RunReceiver } from './message-runs'
import type { NormalizedOptions } from './options'
import type { OutgoingFrame, WireFormat } from './wire'

/** What topic messages need from their node. */
export interface MessageHost {
  readonly options: Readonly<NormalizedOptions>
  readonly wire: WireFormat
  readonly subscriptions: ReadonlySet<string>
  /** The registered edges (not to be modified). */
  readonly edges: readonly LinkedEdge[]
  emit<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): void
}

// Local copy: hot paths should not go through module-binding getters when run from transpiled sources.
const newMessageId = nextMessageId
const planData = planRunData
const releaseData = releaseRunData

export class TopicMessages implements MessageReceiver, RunReceiver<LinkedEdge> {
  /** Ids of recent messages (propagation only). */
  private readonly pool: MessagePool | null

  constructor(private readonly host: MessageHost) {
    const options = host.options
    this.pool = options.messagePropagation ? new MessagePool(options.messagesPoolMaxSize) : null
  }

  /**
   * Sends `data` to every edge whose peer subscribes to `topic` (or is root). Resolves with the number of edges it
   * was sent to, after socket buffers drained below the high-water mark (backpressure). A peer that takes runs gets
   * the message in its link's open run (message-runs.ts), any other an envelope frame encoded once for all of them.
   */
  publish(topic: string, data: unknown, ttl: number, timestamp: number): Promise<number> | number {
    const pool = this.pool
    // Pooled ids (propagation) are needed as strings; otherwise the id is written into the frame as bytes.
    const uuid = pool === null ? null : newMessageId()
    if (uuid !== null) pool!.add(uuid)
    let sent = 0
    let waits: Promise<void>[] | null = null
    let frame: OutgoingFrame | null = null
    let runs = false
    const edges = this.host.edges
    // Envelope frames first: a frame is planned and written before any run takes a message id.
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i]!
      if (!edge.wants(topic)) continue
      const link = edge.link
      // Runs carry fresh ids only: a message with a pooled id goes as an envelope frame.
      if (uuid === null && link.peerRuns) {
        runs = true
        continue
      }
      frame ??= this.host.wire.outgoing('message', topic, data, ttl, uuid, timestamp)
      if (!frame.sendTo(link)) continue
      sent++
      if (link.congested) (waits ??= []).push(link.waitDrain())
    }
    frame?.release()
    // Measured even when no edge wants it: data that cannot be sent rejects the same with or without peers.
    if (runs || frame === null) planData(data)
    if (runs) {
      for (let i = 0; i < edges.length; i++) {
        const edge = edges[i]!
        const link = edge.link
        if (!link.peerRuns || !edge.wants(topic) || !queueInRun(link, link.openRun(), topic, ttl, timestamp))
          continue
        sent++
        if (link.congested) (waits ??= []).push(link.waitDrain())
      }
    }
    releaseData()
    return waits === null ? sent : Promise.all(waits).then(() => sent)
  }

  /** MessageReceiver (commands/message.ts). */
  onMessage(edge: LinkedEdge, envelope: Envelope): void {
    this.onMessageOf(edge, envelope.topic, envelope.data, envelope.ttl, envelope.uuid, envelope.timestamp)
  }

  /** A message received in an envelope frame or a run (RunReceiver, message-runs.ts). */
  onMessageOf(
    edge: LinkedEdge,
    topic: string,
    data: unknown,
    ttl: number,
    uuid: string,
    timestamp: number
  ): void {
    const pool = this.pool
    if (pool !== null && !pool.add(uuid)) return
    const host = this.host
    if (host.options.root || host.subscriptions.has(topic))
      host.emit('message', { topic, data, from: edge.from })
    // Propagation (spec §6): forward with ttl - 1 to every other interested edge.
    if (pool === null || ttl - 1 <= 0) return
    let frame: OutgoingFrame | null = null
    for (const other of host.edges) {
      if (other === edge || !other.wants(topic)) continue
      frame ??= host.wire.outgoing('message', topic, data, ttl - 1, uuid, timestamp)
      frame.sendTo(other.link)
    }
    frame?.release()
  }
}
