// TCP frames (spec §2): [u32 BE body length][u32 BE topic length][topic UTF-8][body].
// The decoder keeps a list of received chunks and an offset instead of concatenating every chunk,
// checks both lengths before allocating anything, and can skip a body it does not want without buffering it.
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
 * may be a received chunk holding other frames (decode it before returning; do not keep `buf`). Links are these:
 * no Buffer object is made per frame.
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

const enum State {
  Header,
  Topic,
  Body,
  Skip,
  /** Stopped for good (EOF, close, error): later chunks are ignored. */
  Dead
}

export class FrameDecoder {
  private readonly chunks: Buffer[] = []
  private head = 0
  private buffered = 0
  private state = State.Header
  private bodyLength = 0
  private topicLength = 0
  private topic = ''
  /**
   * The previous frame's topic: most frames repeat it, and the same string object is cheaper downstream. It starts
   * as the control topic, so a link whose frames are all control frames holds the shared constant, not a copy.
   */
  private lastTopic = CONTROL_TOPIC
  private skipLeft = 0
  /** Bytes of unfinished frames last reported to the handler (heldChanged). */
  private reported = 0
  /** Largest frame accepted; a link raises it once the handshake is done (MAX_HANDSHAKE_FRAME_BYTES before). */
  maxFrameSize: number
  private readonly maxTopicBytes: number
  private readonly handler: FrameRangeHandler

  constructor(handler: FrameHandler | FrameRangeHandler, options: FrameDecoderOptions = {}) {
    this.handler = 'onFrameAt' in handler ? handler : viewingHandler(handler)
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE
    this.maxTopicBytes = options.maxTopicBytes ?? MAX_TOPIC_BYTES
  }

  /** Bytes received but not yet consumed (for tests and memory checks). */
  get bufferedBytes(): number {
    return this.buffered
  }

  /** Stops decoding for good (EOF, close, error): later chunks are ignored and buffers released. */
  destroy(): void {
    this.state = State.Dead
    this.chunks.length = 0
    this.buffered = 0
    this.head = 0
    if (this.reported !== 0) this.report()
  }

  /**
   * The bytes last reported as held, handed over (the count starts again from zero): a link moves them from one
   * budget to another when its handshake completes. The next report says what is held then.
   */
  takeReported(): number {
    const held = this.reported
    this.reported = 0
    return held
  }

  /**
   * Feeds received bytes. Throws FrameTooLargeError / ProtocolError on a bad header (the decoder is then dead),
   * and rethrows whatever the handler throws (the caller closes the connection).
   */
  push(chunk: Buffer): void {
    if (this.state === State.Dead || chunk.length === 0) return
    this.chunks.push(chunk)
    this.buffered += chunk.length
    try {
      this.drain()
    } catch (error) {
      this.destroy()
      throw error
    }
    // Most chunks end on a frame boundary: nothing held before, nothing after, nothing to say.
    if (this.buffered !== this.reported) this.report()
  }

  /**
   * Between frames, with every byte held in one chunk (most of the time): hands over the frames that lie wholly in
   * it where they lie (no copy, no view per frame) and leaves the rest, an incomplete frame, to the frame-by-frame
   * reader. The header checks are readHeader's.
   */
  private wholeFrames(): void {
    const chunk = this.chunks[0]!
    const handler = this.handler
    const length = chunk.length
    let at = this.head
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
      if (!handler.acceptTopic(topic)) continue
      handler.onFrameAt(topic, chunk, bodyAt, end)
      // A handler may stop the decoder (the link closes): nothing after that frame is read.
      if (this.state === State.Dead) return
    }
    if (at > this.head) this.advance(at - this.head)
  }

  private report(): void {
    const delta = this.buffered - this.reported
    this.reported = this.buffered
    this.handler.heldChanged?.(delta)
  }

  private drain(): void {
    while (this.state !== State.Dead) {
      if (this.state === State.Header) {
        if (this.chunks.length === 1) {
          this.wholeFrames()
          if ((this.state as State) === State.Dead) return
        }
        if (this.buffered < HEADER_SIZE) return
        this.readHeader()
        this.state = State.Topic
      }
      if (this.state === State.Topic) {
        if (this.buffered < this.topicLength) return
        this.topic = this.readTopic(this.topicLength)
        if (this.handler.acceptTopic(this.topic)) {
          this.state = State.Body
        } else {
          this.state = State.Skip
          this.skipLeft = this.bodyLength
        }
        if ((this.state as State) === State.Dead) return
      }
      if (this.state === State.Body) {
        if (this.buffered < this.bodyLength) return
        this.state = State.Header
        this.takeFrame(this.topic, this.bodyLength)
        continue
      }
      if (this.state === State.Skip) {
        this.skipLeft -= this.skip(this.skipLeft)
        if (this.skipLeft > 0) return
        this.state = State.Header
      }
    }
  }

  private readHeader(): void {
    const first = this.chunks[0]!
    let bodyLength: number
    let topicLength: number
    if (first.length - this.head >= HEADER_SIZE) {
      bodyLength = first.readUInt32BE(this.head)
      topicLength = first.readUInt32BE(this.head + 4)
      this.advance(HEADER_SIZE)
    } else {
      const header = this.take(HEADER_SIZE)
      bodyLength = header.readUInt32BE(0)
      topicLength = header.readUInt32BE(4)
    }
    this.checkLengths(bodyLength, topicLength)
    this.bodyLength = bodyLength
    this.topicLength = topicLength
  }

  /** Both lengths of a frame header against the limits, before anything is allocated or read for it. */
  private checkLengths(bodyLength: number, topicLength: number): void {
    if (topicLength > this.maxTopicBytes) {
      throw new ProtocolError(`topic length ${topicLength} exceeds the limit of ${this.maxTopicBytes} bytes`)
    }
    if (bodyLength + topicLength > this.maxFrameSize) {
      throw new FrameTooLargeError(
        `frame of ${bodyLength + topicLength} bytes exceeds the limit of ${this.maxFrameSize} bytes`
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

  /** Hands over the next n buffered bytes as a frame's body: in place when contiguous, else copied once. */
  private takeFrame(topic: string, n: number): void {
    const first = this.chunks[0]
    if (first !== undefined && first.length - this.head >= n) {
      const start = this.head
      // advance() may drop `first` from the list: the handler still gets it.
      this.advance(n)
      this.handler.onFrameAt(topic, first, start, start + n)
      return
    }
    const body = this.take(n)
    this.handler.onFrameAt(topic, body, 0, n)
  }

  private readTopic(n: number): string {
    const first = this.chunks[0]
    if (n === 0 || !first) return ''
    let topic: string
    if (first.length - this.head >= n) {
      topic = this.topicAt(first, this.head, n)
      this.advance(n)
      return topic
    }
    topic = this.take(n).toString('utf8')
    this.lastTopic = topic
    return topic
  }

  /** Returns the next n bytes (n <= buffered): a view when contiguous, else one copy. */
  private take(n: number): Buffer {
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
  private skip(n: number): number {
    let dropped = 0
    while (dropped < n && this.buffered > 0) {
      const chunk = this.chunks[0]!
      const count = Math.min(chunk.length - this.head, n - dropped)
      this.advance(count)
      dropped += count
    }
    return dropped
  }

  private advance(n: number): void {
    this.head += n
    this.buffered -= n
    if (this.head === this.chunks[0]!.length) {
      // Emptied: length 0 gives the array's backing store back (shift() keeps it), so an idle link holds none.
      if (this.chunks.length === 1) this.chunks.length = 0
      else this.chunks.shift()
      this.head = 0
    }
  }
}
