// Topic messages of one node (spec §7, docs/PROTOCOL.md §8): publish() to the edges whose peer wants the topic,
// delivery of received messages, and propagation (ttl, the pool of recent ids) when messagePropagation is on.
import type { MessageReceiver } from './commands/message'
import type { LinkedEdge } from './linked-edge'
import type { Envelope } from './envelope'
import type { ChaskiNodeEvents } from './events'
import { nextMessageId } from './ids'
import { MessagePool } from './message-pool'
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

export class TopicMessages implements MessageReceiver {
  /** Ids of recent messages (propagation only). */
  private readonly pool: MessagePool | null

  constructor(private readonly host: MessageHost) {
    const options = host.options
    this.pool = options.messagePropagation ? new MessagePool(options.messagesPoolMaxSize) : null
  }

  /**
   * Sends `data` to every edge whose peer subscribes to `topic` (or is root). Resolves with the number of edges it
   * was sent to, after socket buffers drained below the high-water mark (backpressure).
   */
  publish(topic: string, data: unknown, ttl: number, timestamp: number): Promise<number> | number {
    const pool = this.pool
    // Pooled ids (propagation) are needed as strings; otherwise the id is written into the frame as bytes.
    const uuid = pool === null ? null : newMessageId()
    if (uuid !== null) pool!.add(uuid)
    const frame = this.host.wire.outgoing('message', topic, data, ttl, uuid, timestamp)
    let sent = 0
    let waits: Promise<void>[] | null = null
    const edges = this.host.edges
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i]!
      if (!edge.wants(topic) || !frame.sendTo(edge.link)) continue
      sent++
      if (edge.link.congested) (waits ??= []).push(edge.link.waitDrain())
    }
    frame.release()
    return waits === null ? sent : Promise.all(waits).then(() => sent)
  }

  /** MessageReceiver (commands/message.ts). */
  onMessage(edge: LinkedEdge, envelope: Envelope): void {
    const pool = this.pool
    if (pool !== null && !pool.add(envelope.uuid)) return
    const topic = envelope.topic
    const host = this.host
    if (host.options.root || host.subscriptions.has(topic))
      host.emit('message', { topic, data: envelope.data, from: edge.from })
    // Propagation (spec §6): forward with ttl - 1 to every other interested edge.
    if (pool === null || envelope.ttl - 1 <= 0) return
    let frame: OutgoingFrame | null = null
    for (const other of host.edges) {
      if (other === edge || !other.wants(topic)) continue
      frame ??= host.wire.outgoing(
        'message',
        topic,
        envelope.data,
        envelope.ttl - 1,
        envelope.uuid,
        envelope.timestamp
      )
      frame.sendTo(other.link)
    }
    frame?.release()
  }
}
