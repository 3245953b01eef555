// TCP frames (spec §2): [u32 BE body length][u32 BE topic length][topic UTF-8][body].
// The reader keeps a list of received chunks and an offset instead of concatenating every chunk (only while a frame
// is unfinished), checks both lengths before allocating anything, and can skip a body it does not want without
// buffering it.
import { CONTROL_TOPIC, DEFAULT_MAX_FRAME_SIZE, FRAME_HEADER_SIZE, MAX_TOPIC_BYTES } from './constants'
import { FrameTooLargeError, ProtocolError } from './errors'
import { utf8Slice } from './buffer-text'

// Local copies: hot paths should not go through module-binding getters when run from transpiled sources.
const HEADER_SIZE = FRAME_HEADER_SIZE
const utf8 = utf8Slice

/** Encodes one frame into a single allocation. */
export function encodeFrame(topic: string, body: Uint8Array): Buffer {
  const topicLength = Buffer.byteLength(topic, 'utf8')
  const frame = Buffer.allocUnsafe(HEADER_SIZE + topicLength + body.length)
  frame.writeUInt32BE(body.length, 0)
  frame.writeUInt32BE(topicLength, 4)
  frame.write(topic, HEADER_SIZE, topicLength, 'utf8')
  frame.set(body, HEADER_SIZE + topicLength)
  return frame
}

/** The u32 big-endian at `at` (in bounds: the caller checked). */
function readU32(buf: Buffer, at: number): number {
  return buf[at]! * 0x1000000 + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!)
}

/** True when buf[at, at + n) are the characters of `text`, all ASCII (a non-ASCII topic is simply decoded). */
function sameAscii(buf: Buffer, at: number, n: number, text: string): boolean {
  if (text.length !== n) return false
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i)
    if (code > 0x7f || buf[at + i] !== code) return false
  }
  return true
}

export interface FrameHandler {
  /** Called once the topic is known; false skips the body (never buffered, never decoded). */
  acceptTopic(topic: string): boolean
  /** A complete frame. `body` may be a view into a received chunk: decode it before returning. */
  onFrame(topic: string, body: Buffer): void
  /**
   * The decoder holds `delta` more (or fewer) bytes of unfinished frames than it last said (node-wide budgets,
   * docs/PROTOCOL.md §10). Said once a push is done, and when the decoder is destroyed (then down to zero).
   */
  heldChanged?(delta: number): void
}

/**
 * A FrameHandler told where a frame's body lies instead of given a view of it: bytes [start, end) of `buf`, which
 * may be a received chunk holding other frames (decode it before returning; do not keep `buf`): no Buffer object is
 * made per frame. Links get their frames the same way, as FrameReader's onFrameAt.
 */
export interface FrameRangeHandler {
  acceptTopic(topic: string): boolean
  onFrameAt(topic: string, buf: Buffer, start: number, end: number): void
  heldChanged?(delta: number): void
}

/** A FrameHandler behind the range interface: its frames get a view of their body. */
function viewingHandler(handler: FrameHandler): FrameRangeHandler {
  return {
    acceptTopic: (topic) => handler.acceptTopic(topic),
    onFrameAt: (topic, buf, start, end) => handler.onFrame(topic, buf.subarray(start, end)),
    heldChanged: handler.heldChanged && ((delta) => handler.heldChanged!(delta))
  }
}

export interface FrameDecoderOptions {
  maxFrameSize?: number
  maxTopicBytes?: number
}

/** Where the next byte of an unfinished frame belongs. */
const enum Phase {
  Header,
  Topic,
  Body,
  Skip
}

/** FrameReader.flags: the reader stopped for good (EOF, close, error); later chunks are ignored. */
const STOPPED = 1
/** The first bit of FrameReader.flags its subclasses may use for their own booleans (link.ts). */
export const FRAME_READER_NEXT_FLAG = 2

/**
 * The received bytes of an unfinished frame (and of any frames after it), and how far that frame has been read.
 * Made when a chunk ends inside a frame, dropped when a chunk leaves the reader between frames with nothing held: a
 * link between frames, which is most of the time, holds none of this.
 */
class HeldInput {
  readonly chunks: Buffer[]
  head: number
  buffered: number
  phase = Phase.Header
  bodyLength = 0
  topicLength = 0
  topic = ''
  skipLeft = 0
  /** Bytes of unfinished frames last reported to the reader's heldChanged(). */
  reported = 0

  /** Holds `chunk` from byte `head` on. */
  constructor(chunk: Buffer, head: number) {
    this.chunks = [chunk]
    this.head = head
    this.buffered = chunk.length - head
  }

  /** Returns the next n bytes (n <= buffered): a view when contiguous, else one copy. */
  take(n: number): Buffer {
    const first = this.chunks[0]
    if (n === 0 || !first) return Buffer.alloc(0)
    if (first.length - this.head >= n) {
      const view = first.subarray(this.head, this.head + n)
      this.advance(n)
      return view
    }
    const out = Buffer.allocUnsafe(n)
    let written = 0
    while (written < n) {
      const chunk = this.chunks[0]!
      const count = Math.min(chunk.length - this.head, n - written)
      chunk.copy(out, written, this.head, this.head + count)
      written += count
      this.advance(count)
    }
    return out
  }

  /** Drops up to n buffered bytes; returns how many were dropped. */
  skip(n: number): number {
    let dropped = 0
    while (dropped < n && this.buffered > 0) {
      const chunk = this.chunks[0]!
      const count = Math.min(chunk.length - this.head, n - dropped)
      this.advance(count)
      dropped += count
    }
    return dropped
  }

  advance(n: number): void {
    this.head += n
    this.buffered -= n
    if (this.head === this.chunks[0]!.length) {
      this.chunks.shift()
      this.head = 0
    }
  }
}

/**
 * Reads frames out of a byte stream, chunk by chunk, and says what it finds through its own methods: subclasses
 * (Link, link.ts; FrameDecoder below) decide what becomes of a frame. Being the base class, not an object a link
 * holds, it costs a link four fields between frames.
 */
export abstract class FrameReader {
  /** STOPPED, and from FRAME_READER_NEXT_FLAG up the subclass's own booleans (one field for all). */
  protected flags = 0
  /**
   * The previous frame's topic: most frames repeat it, and the same string object is cheaper downstream. It starts
   * as the control topic, so a link whose frames are all control frames holds the shared constant, not a copy.
   */
  private lastTopic = CONTROL_TOPIC
  /** Largest frame accepted; a link raises it once the handshake is done (MAX_HANDSHAKE_FRAME_BYTES before). */
  protected frameLimit: number
  /** An unfinished frame's bytes, and where its reading stands; null between frames. */
  private held: HeldInput | null = null

  constructor(maxFrameSize: number) {
    this.frameLimit = maxFrameSize
  }

  /** Called once the topic is known; false skips the body (never buffered, never decoded). */
  abstract acceptTopic(topic: string): boolean
  /** A complete frame: bytes [start, end) of `buf`, maybe a received chunk holding other frames (decode it now). */
  abstract onFrameAt(topic: string, buf: Buffer, start: number, end: number): void
  /**
   * The reader holds `delta` more (or fewer) bytes of unfinished frames than it last said (node-wide budgets,
   * docs/PROTOCOL.md §10). Said once a push is done, and when the reader stops (then down to zero).
   */
  protected abstract heldChanged(delta: number): void

  /** Largest topic accepted, in bytes. */
  protected get maxTopicBytes(): number {
    return MAX_TOPIC_BYTES
  }

  /** Bytes received but not yet consumed (for tests and memory checks). */
  protected get heldBytes(): number {
    return this.held === null ? 0 : this.held.buffered
  }

  /** Stops reading for good (EOF, close, error): later chunks are ignored and held bytes released. */
  protected stopReading(): void {
    this.flags |= STOPPED
    const held = this.held
    this.held = null
    if (held !== null && held.reported !== 0) {
      const reported = held.reported
      held.reported = 0
      this.heldChanged(-reported)
    }
  }

  /**
   * The bytes last reported as held, handed over (the count starts again from zero): a link moves them from one
   * budget to another when its handshake completes. The next report says what is held then.
   */
  protected takeReported(): number {
    const held = this.held
    if (held === null) return 0
    const reported = held.reported
    held.reported = 0
    return reported
  }

  /**
   * Feeds received bytes. Throws FrameTooLargeError / ProtocolError on a bad header (the reader has then stopped),
   * and rethrows whatever the subclass's methods throw (the caller closes the connection).
   */
  protected readChunk(chunk: Buffer): void {
    if ((this.flags & STOPPED) !== 0 || chunk.length === 0) return
    let held = this.held
    try {
      if (held === null) {
        // Between frames, which most chunks start at: the frames that lie wholly in it are handed over where they
        // lie; only an unfinished frame at its end makes the reader hold anything.
        const at = this.wholeFrames(chunk, 0)
        if (at < 0 || at === chunk.length) return
        held = this.held = new HeldInput(chunk, at)
      } else {
        held.chunks.push(chunk)
        held.buffered += chunk.length
      }
      this.drain(held)
    } catch (error) {
      this.stopReading()
      throw error
    }
    if (this.held !== held) return
    // Most chunks end on a frame boundary: nothing held before, nothing after, nothing to say.
    if (held.buffered !== held.reported) {
      const delta = held.buffered - held.reported
      held.reported = held.buffered
      this.heldChanged(delta)
    }
    // Between frames again with nothing held: the state goes (a frame whose header and topic were read is not done).
    if (held.buffered === 0 && held.phase === Phase.Header && this.held === held) this.held = null
  }

  /**
   * Hands over the frames that lie wholly in `chunk` from byte `at` on, where they lie (no copy, no view per frame).
   * Returns where the first incomplete frame starts, or -1 when the reader stopped meanwhile. The header checks are
   * readHeader's.
   */
  private wholeFrames(chunk: Buffer, at: number): number {
    const length = chunk.length
    while (length - at >= HEADER_SIZE) {
      const bodyLength = readU32(chunk, at)
      const topicLength = readU32(chunk, at + 4)
      this.checkLengths(bodyLength, topicLength)
      const topicAt = at + HEADER_SIZE
      const bodyAt = topicAt + topicLength
      const end = bodyAt + bodyLength
      if (end > length) break
      const topic = this.topicAt(chunk, topicAt, topicLength)
      at = end
      if (!this.acceptTopic(topic)) continue
      this.onFrameAt(topic, chunk, bodyAt, end)
      // A subclass may stop the reader (the link closes): nothing after that frame is read.
      if ((this.flags & STOPPED) !== 0) return -1
    }
    return at
  }

  private drain(held: HeldInput): void {
    while ((this.flags & STOPPED) === 0) {
      if (held.phase === Phase.Header) {
        if (held.chunks.length === 1) {
          // Every byte held is in one chunk: its whole frames are read in place.
          const at = this.wholeFrames(held.chunks[0]!, held.head)
          if (at < 0) return
          if (at > held.head) held.advance(at - held.head)
        }
        if (held.buffered < HEADER_SIZE) return
        this.readHeader(held)
        held.phase = Phase.Topic
      }
      if (held.phase === Phase.Topic) {
        if (held.buffered < held.topicLength) return
        held.topic = this.readTopic(held, held.topicLength)
        if (this.acceptTopic(held.topic)) {
          held.phase = Phase.Body
        } else {
          held.phase = Phase.Skip
          held.skipLeft = held.bodyLength
        }
        if ((this.flags & STOPPED) !== 0) return
      }
      if (held.phase === Phase.Body) {
        if (held.buffered < held.bodyLength) return
        held.phase = Phase.Header
        this.takeFrame(held, held.topic, held.bodyLength)
        continue
      }
      if (held.phase === Phase.Skip) {
        held.skipLeft -= held.skip(held.skipLeft)
        if (held.skipLeft > 0) return
        held.phase = Phase.Header
      }
    }
  }

  private readHeader(held: HeldInput): void {
    const first = held.chunks[0]!
    let bodyLength: number
    let topicLength: number
    if (first.length - held.head >= HEADER_SIZE) {
      bodyLength = first.readUInt32BE(held.head)
      topicLength = first.readUInt32BE(held.head + 4)
      held.advance(HEADER_SIZE)
    } else {
      const header = held.take(HEADER_SIZE)
      bodyLength = header.readUInt32BE(0)
      topicLength = header.readUInt32BE(4)
    }
    this.checkLengths(bodyLength, topicLength)
    held.bodyLength = bodyLength
    held.topicLength = topicLength
  }

  /** Both lengths of a frame header against the limits, before anything is allocated or read for it. */
  private checkLengths(bodyLength: number, topicLength: number): void {
    const maxTopicBytes = this.maxTopicBytes
    if (topicLength > maxTopicBytes) {
      throw new ProtocolError(`topic length ${topicLength} exceeds the limit of ${maxTopicBytes} bytes`)
    }
    if (bodyLength + topicLength > this.frameLimit) {
      throw new FrameTooLargeError(
        `frame of ${bodyLength + topicLength} bytes exceeds the limit of ${this.frameLimit} bytes`
      )
    }
  }

  /** The topic of n bytes at `at` of `buf` (the previous frame's topic string when it is the same). */
  private topicAt(buf: Buffer, at: number, n: number): string {
    if (n === 0) return ''
    const topic = sameAscii(buf, at, n, this.lastTopic) ? this.lastTopic : utf8(buf, at, at + n)
    this.lastTopic = topic
    return topic
  }

  /** Hands over the next n held bytes as a frame's body: in place when contiguous, else copied once. */
  private takeFrame(held: HeldInput, topic: string, n: number): void {
    const first = held.chunks[0]
    if (first !== undefined && first.length - held.head >= n) {
      const start = held.head
      // advance() may drop `first` from the list: the subclass still gets it.
      held.advance(n)
      this.onFrameAt(topic, first, start, start + n)
      return
    }
    const body = held.take(n)
    this.onFrameAt(topic, body, 0, n)
  }

  private readTopic(held: HeldInput, n: number): string {
    const first = held.chunks[0]
    if (n === 0 || !first) return ''
    let topic: string
    if (first.length - held.head >= n) {
      topic = this.topicAt(first, held.head, n)
      held.advance(n)
      return topic
    }
    topic = held.take(n).toString('utf8')
    this.lastTopic = topic
    return topic
  }
}

/** A FrameReader that hands its frames to a handler (tests, raw peers): what the reader does, as an object. */
export class FrameDecoder extends FrameReader {
  private readonly handler: FrameRangeHandler
  private readonly topicLimit: number

  constructor(handler: FrameHandler | FrameRangeHandler, options: FrameDecoderOptions = {}) {
    super(options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE)
    this.handler = 'onFrameAt' in handler ? handler : viewingHandler(handler)
    this.topicLimit = options.maxTopicBytes ?? MAX_TOPIC_BYTES
  }

  /** Largest frame accepted (a handler may raise it between frames). */
  get maxFrameSize(): number {
    return this.frameLimit
  }

  set maxFrameSize(size: number) {
    this.frameLimit = size
  }

  protected override get maxTopicBytes(): number {
    return this.topicLimit
  }

  /** Bytes received but not yet consumed (for tests and memory checks). */
  get bufferedBytes(): number {
    return this.heldBytes
  }

  /** Feeds received bytes (FrameReader.readChunk). */
  push(chunk: Buffer): void {
    this.readChunk(chunk)
  }

  /** Stops decoding for good (EOF, close, error): later chunks are ignored and buffers released. */
  destroy(): void {
    this.stopReading()
  }

  override takeReported(): number {
    return super.takeReported()
  }

  acceptTopic(topic: string): boolean {
    return this.handler.acceptTopic(topic)
  }

  onFrameAt(topic: string, buf: Buffer, start: number, end: number): void {
    this.handler.onFrameAt(topic, buf, start, end)
  }

  protected heldChanged(delta: number): void {
    this.handler.heldChanged?.(delta)
  }
}
