// Frame encoding/decoding for one node: the hand-written msgpack envelope (envelope-codec.ts) with the default
// codec, or the generic codec + validator when the user plugs in a serializer/deserializer.
import type { Codec } from './codec'
import { CONTROL_TOPIC } from './constants'
import { decodeEnvelopeFast, encodeEnvelopeFrame } from './envelope-codec'
import { ProtocolError } from './errors'
import { encodeFrame } from './framing'
import { nextMessageId } from './ids'
import { parseEnvelope, type Envelope } from './messages'

const CONTROL = CONTROL_TOPIC
// Hoisted: per-frame calls must not go through module-binding getters when run transpiled (tsx).
const encodeFast = encodeEnvelopeFrame
const decodeFast = decodeEnvelopeFast
const newId = nextMessageId

export class WireFormat {
  constructor(
    private readonly codec: Codec,
    /** True when the user supplied serializer/deserializer (no fast path then). */
    private readonly custom: boolean
  ) {}

  frame(command: string, topic: string, data: unknown, ttl: number, uuid: string, timestamp: number): Buffer {
    if (!this.custom) return encodeFast(command, topic, data, timestamp, ttl, uuid)
    return encodeFrame(topic, this.codec.encode({ command, topic, data, timestamp, ttl, uuid }))
  }

  /** A control frame (topic 'All') with a fresh message id. */
  control(command: string, data: unknown, ttl: number): Buffer {
    return this.frame(command, CONTROL, data, ttl, newId(), Date.now())
  }

  /** Decodes and validates a frame body; throws ProtocolError on anything malformed. */
  decode(topic: string, body: Buffer): Envelope {
    if (!this.custom) {
      let fast: Envelope | null
      try {
        fast = decodeFast(body, topic)
      } catch (error) {
        throw new ProtocolError(`undecodable frame body: ${(error as Error).message}`)
      }
      if (fast !== null) return fast
    }
    let decoded: unknown
    try {
      decoded = this.codec.decode(body)
    } catch (error) {
      throw new ProtocolError(`undecodable frame body: ${(error as Error).message}`)
    }
    return parseEnvelope(decoded, topic)
  }
}
