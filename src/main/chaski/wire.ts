// Frame encoding/decoding for one node: the hand-written msgpack envelope (envelope-encoder.ts / -decoder.ts)
// with the default codec, or the generic codec + validator when the user plugs in a serializer/deserializer.
// send() is typed per command: the data it takes for a command is what that command's file says (commands/).
import type { Codec } from './codec'
import type { CommandData, ControlCommandName } from './commands/index'
import { CONTROL_TOPIC } from './constants'
import type { FrameSink } from './edge-link'
import { decodeEnvelopeAt, encodeEnvelopeFrame, planFrame, writePlannedFrame } from './envelope-codec'
import { parseEnvelope, type Envelope } from './envelope'
import { ProtocolError } from './errors'
import { encodeFrame } from './framing'
import { nextMessageId } from './ids'

const CONTROL = CONTROL_TOPIC
// Hoisted: per-frame calls must not go through module-binding getters when run transpiled (tsx).
const encodeFast = encodeEnvelopeFrame
const decodeAt = decodeEnvelopeAt
const plan = planFrame
const writePlanned = writePlannedFrame
const newId = nextMessageId

/**
 * One frame for one or more links: encoded into the first link's batch buffer, then copied into the others'
 * (publish, message propagation). Made by WireFormat.outgoing() and used at once, in the same synchronous run.
 */
export class OutgoingFrame {
  private size = 0
  /** With a custom codec: the encoded frame. */
  private frame: Buffer | null = null
  /** Where the first link received the bytes, for the copies. */
  private source: Buffer | null = null
  private sourceAt = 0

  /** @internal */
  reset(size: number, frame: Buffer | null): this {
    this.size = size
    this.frame = frame
    this.source = null
    return this
  }

  /** The frame's size in bytes (header, topic and body). */
  get bytes(): number {
    return this.frame !== null ? this.frame.length : this.size
  }

  /**
   * The frame was queued on every link it goes to: let go of the buffers it points to (a link's batch may be a
   * full-size buffer, or a slice pinning a pool slab; a node that then sends nothing for hours must not hold it).
   */
  release(): void {
    this.frame = null
    this.source = null
  }

  /** Queues the frame on `sink`; false when the link can no longer write. */
  sendTo(sink: FrameSink): boolean {
    if (this.frame !== null) return sink.send(this.frame)
    const at = sink.reserve(this.size)
    if (at < 0) return false
    const batch = sink.batch
    if (this.source === null) {
      writePlanned(batch, at)
      this.source = batch
      this.sourceAt = at
    } else {
      this.source.copy(batch, at, this.sourceAt, this.sourceAt + this.size)
    }
    return true
  }
}

/**
 * Reused by every outgoing() of every node of the process (made on the first): a frame is used at once, in the
 * same synchronous run, so no two uses overlap.
 */
let frameOut: OutgoingFrame | null = null

/** The wire formats of default-codec nodes, by keepIds: they hold no state of their own, so nodes share them. */
const defaultFormats: (WireFormat | undefined)[] = [undefined, undefined]

export class WireFormat {
  /** The wire format for these settings: one per process for the default codec, else one of its own. */
  static of(codec: Codec, custom: boolean, keepIds: boolean): WireFormat {
    if (custom) return new WireFormat(codec, custom, keepIds)
    const at = keepIds ? 1 : 0
    return (defaultFormats[at] ??= new WireFormat(codec, false, keepIds))
  }

  constructor(
    private readonly codec: Codec,
    /** True when the user supplied serializer/deserializer (no fast path then). */
    private readonly custom: boolean,
    /** Decoded envelopes carry their uuid (message propagation pools them); otherwise it may be ''. */
    private readonly keepIds = true
  ) {}

  /** A complete frame as its own buffer. `uuid` null: a fresh message id. */
  private frame(
    command: string,
    topic: string,
    data: unknown,
    ttl: number,
    uuid: string | null,
    timestamp: number
  ): Buffer {
    if (!this.custom) return encodeFast(command, topic, data, timestamp, ttl, uuid)
    const body = this.codec.encode({ command, topic, data, timestamp, ttl, uuid: uuid ?? newId() })
    return encodeFrame(topic, body)
  }

  /** A control frame (topic 'All') with a fresh message id, as its own buffer (e.g. a `close` sent while closing). */
  control<N extends ControlCommandName>(
    command: N,
    data: CommandData<N>,
    ttl: number,
    timestamp: number
  ): Buffer {
    return this.frame(command, CONTROL, data, ttl, null, timestamp)
  }

  /**
   * A frame to queue on one or more links (OutgoingFrame.sendTo), encoded once. The returned object is reused
   * by the next call: use it at once.
   */
  outgoing(
    command: string,
    topic: string,
    data: unknown,
    ttl: number,
    uuid: string | null,
    timestamp: number
  ): OutgoingFrame {
    if (this.custom) {
      return (frameOut ??= new OutgoingFrame()).reset(
        0,
        this.frame(command, topic, data, ttl, uuid, timestamp)
      )
    }
    return (frameOut ??= new OutgoingFrame()).reset(plan(command, topic, data, timestamp, ttl, uuid), null)
  }

  /** Queues one control frame on one link, encoded straight into its batch buffer. */
  send<N extends ControlCommandName>(
    sink: FrameSink,
    command: N,
    data: CommandData<N>,
    ttl: number,
    timestamp: number
  ): boolean {
    const frame = this.outgoing(command, CONTROL, data, ttl, null, timestamp)
    const sent = frame.sendTo(sink)
    frame.release()
    return sent
  }

  /**
   * Decodes and validates a frame body, bytes [start, end) of `buf` (the whole of it by default); throws
   * ProtocolError on anything malformed.
   */
  decode(topic: string, buf: Buffer, start = 0, end = buf.length): Envelope {
    if (!this.custom) {
      let fast: Envelope | null
      try {
        fast = decodeAt(buf, start, end, topic, this.keepIds)
      } catch (error) {
        throw new ProtocolError(`undecodable frame body: ${(error as Error).message}`)
      }
      if (fast !== null) return fast
    }
    const body = start === 0 && end === buf.length ? buf : buf.subarray(start, end)
    let decoded: unknown
    try {
      decoded = this.codec.decode(body)
    } catch (error) {
      throw new ProtocolError(`undecodable frame body: ${(error as Error).message}`)
    }
    return parseEnvelope(decoded, topic)
  }
}
