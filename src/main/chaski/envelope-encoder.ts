// Encoder of the default msgpack body (spec §2, docs/PROTOCOL.md §2): the envelope
// { command, topic, timestamp, ttl, uuid, data } is written by hand as a 6-entry map, `data` last, preceded by
// the frame header and topic. The per-frame work is measuring, then copying cached bytes: everything from the
// topic to the timestamp is encoded once per command and topic, and message ids are written as bytes (ids.ts).
//
// Two steps, so a link can write a frame straight into its batch buffer (link.ts) instead of allocating one
// buffer per frame: planFrame() measures and returns the frame's size, writePlannedFrame() writes it. The plan
// lives in one module-level object: call writePlannedFrame() right after planFrame(), nothing in between
// (both are synchronous and never call user code after the measuring step).
import { packValue } from './codec'
import { messageIdPrefix, nextMessageIdSize, writeNextMessageIdDigits } from './ids'

// Imported functions are hoisted into locals: per-frame calls must not go through module-binding getters
// when this file runs transpiled (tsx); bundlers make this a no-op.
const pack = packValue
const idSize = nextMessageIdSize
const writeIdDigits = writeNextMessageIdDigits

const HEADER = 8

/**
 * A value already encoded as msgpack (a node's handshake data, encoded once per identity change and sent on every
 * connection; ping and pong data, control-data.ts): written into the frame as its bytes.
 */
export class EncodedValue {
  constructor(readonly bytes: Buffer) {}
}

function key(name: string): Buffer {
  return Buffer.concat([Buffer.from([0xa0 | name.length]), Buffer.from(name, 'latin1')])
}

export const K_COMMAND = key('command')
export const K_TOPIC = key('topic')
export const K_TIMESTAMP = key('timestamp')
export const K_TTL = key('ttl')
export const K_UUID = key('uuid')
export const K_DATA = key('data')
/** `"timestamp"` then the float64 marker: the timestamp is always written as a float64. */
const TIMESTAMP_PREFIX = Buffer.concat([K_TIMESTAMP, Buffer.from([0xcb])])

export function strHeaderSize(n: number): number {
  return n < 32 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5
}

export function writeStrHeader(buf: Uint8Array, at: number, n: number): number {
  if (n < 32) {
    buf[at] = 0xa0 | n
    return at + 1
  }
  return writeSized(buf, at, n, 0xd9, 0xda, 0xdb)
}

export function binHeaderSize(n: number): number {
  return n < 256 ? 2 : n < 65536 ? 3 : 5
}

export function writeBinHeader(buf: Uint8Array, at: number, n: number): number {
  return writeSized(buf, at, n, 0xc4, 0xc5, 0xc6)
}

/**
 * The msgpack header shared by str 8/16/32, bin 8/16/32 and uint 8/16/32: a marker, then `n` big-endian in 1, 2 or 4
 * bytes (the smallest that holds it). Returns the next offset.
 */
function writeSized(buf: Uint8Array, at: number, n: number, m8: number, m16: number, m32: number): number {
  if (n < 256) {
    buf[at] = m8
    buf[at + 1] = n
    return at + 2
  }
  if (n < 65536) {
    buf[at] = m16
    buf[at + 1] = n >>> 8
    buf[at + 2] = n & 0xff
    return at + 3
  }
  buf[at] = m32
  writeU32(buf, at + 1, n)
  return at + 5
}

/** Encoded size of a non-negative integer below 2^32 (msgpack: positive fixint, uint 8/16/32). */
export function uintSize(n: number): number {
  return n < 128 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5
}

/** Writes a non-negative integer below 2^32 in its smallest msgpack form; returns the next offset. */
export function writeUint(buf: Uint8Array, at: number, n: number): number {
  if (n < 128) {
    buf[at] = n
    return at + 1
  }
  return writeSized(buf, at, n, 0xcc, 0xcd, 0xce)
}

export function writeU32(buf: Uint8Array, at: number, n: number): void {
  buf[at] = n >>> 24
  buf[at + 1] = (n >>> 16) & 0xff
  buf[at + 2] = (n >>> 8) & 0xff
  buf[at + 3] = n & 0xff
}

/**
 * Copies bytes. Runs of more than 8 bytes go through the native copy: a JS byte loop is faster only once the JIT
 * has optimized it, and the frames of a connection's handshake are written long before that (measured: ~70 ns
 * per byte in unoptimized code, a few µs per handshake frame).
 */
function copyBytes(buf: Uint8Array, at: number, bytes: Uint8Array): number {
  const n = bytes.length
  if (n > 8) buf.set(bytes, at)
  else for (let i = 0; i < n; i++) buf[at + i] = bytes[i]!
  return at + n
}

// ---------------------------------------------------------------------------------------------------------
// Cached bytes

/**
 * Everything from the topic to the timestamp's value is fixed for a command and a topic:
 * `<topic> 0x86 "command" <command> "topic" <topic> "timestamp" 0xcb`. Encoded once per pair, copied in one go.
 */
export interface FrameHead {
  bytes: Buffer
  /** UTF-8 length of the topic (the frame header's second field). */
  topicLength: number
  /**
   * For frames with a fresh id: the head, room for the timestamp, the ttl chunk, then the id's fixstr header and
   * prefix (everything but the timestamp's value and the id's digits), copied in one go. Made on first use, for the
   * ttl and id size it was last made for.
   */
  freshId: FreshIdTemplate | null
}

interface FreshIdTemplate {
  bytes: Buffer
  ttlChunk: Buffer
  idBytes: number
}

const HEAD_CACHE_SIZE = 1024
/** Heads by command, then by topic. Bounded and process-wide (every node sends the same commands). */
const heads = new Map<string, Map<string, FrameHead>>()
let cachedHeads = 0

function strBytes(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8')
  const header = Buffer.alloc(strHeaderSize(bytes.length))
  writeStrHeader(header, 0, bytes.length)
  return Buffer.concat([header, bytes])
}

function buildHead(command: string, topic: string): FrameHead {
  const topicUtf8 = Buffer.from(topic, 'utf8')
  const bodyStart = [
    Buffer.from([0x86]),
    K_COMMAND,
    strBytes(command),
    K_TOPIC,
    strBytes(topic),
    TIMESTAMP_PREFIX
  ]
  return { bytes: Buffer.concat([topicUtf8, ...bodyStart]), topicLength: topicUtf8.length, freshId: null }
}

/** Heads of control frames, made before the first connection needs them (called by the command registry). */
export function prepareControlHeads(commands: readonly string[]): void {
  for (const command of commands) frameHead(command, 'All')
}

/** The last head used: a stream of messages on one topic skips both map lookups. */
let lastCommand = ''
let lastTopic = ''
let lastHead: FrameHead | null = null

function frameHead(command: string, topic: string): FrameHead {
  if (command === lastCommand && topic === lastTopic && lastHead !== null) return lastHead
  const head = lookUpHead(command, topic)
  lastCommand = command
  lastTopic = topic
  lastHead = head
  return head
}

function lookUpHead(command: string, topic: string): FrameHead {
  let byTopic = heads.get(command)
  let head = byTopic?.get(topic)
  if (head === undefined) {
    head = buildHead(command, topic)
    if (cachedHeads >= HEAD_CACHE_SIZE) {
      heads.clear()
      cachedHeads = 0
      byTopic = undefined
    }
    if (byTopic === undefined) heads.set(command, (byTopic = new Map()))
    byTopic.set(topic, head)
    cachedHeads++
  }
  return head
}

/**
 * The head of a `message` frame on `topic` (from the shared, bounded cache): the fast decoder compares a received
 * body's start with its bytes after the topic (envelope-decoder.ts).
 */
export function messageHead(topic: string): FrameHead {
  return frameHead('message', topic)
}

/** `"ttl" <ttl> "uuid"`, by ttl (0–255): what lies between the timestamp and the id. */
const ttlChunks: Buffer[] = []

function ttlChunk(ttl: number): Buffer {
  let chunk = ttlChunks[ttl]
  if (chunk === undefined) {
    chunk = Buffer.concat([K_TTL, Buffer.from(ttl < 128 ? [ttl] : [0xcc, ttl]), K_UUID])
    ttlChunks[ttl] = chunk
  }
  return chunk
}

/** The fresh-id template of `head` for a ttl chunk and an id of `idBytes` (fixstr header included). */
function freshIdTemplate(head: FrameHead, ttlChunk: Buffer, idBytes: number): Buffer {
  const known = head.freshId
  if (known !== null && known.ttlChunk === ttlChunk && known.idBytes === idBytes) return known.bytes
  const bytes = Buffer.concat([
    head.bytes,
    Buffer.alloc(8),
    ttlChunk,
    Buffer.from([0xa0 | (idBytes - 1)]),
    messageIdPrefix()
  ])
  head.freshId = { bytes, ttlChunk, idBytes }
  return bytes
}

// ---------------------------------------------------------------------------------------------------------
// Plan and write

const enum DataKind {
  Binary,
  Text,
  Null,
  /** msgpack bytes, copied: pre-encoded (EncodedValue) or anything else, packed by msgpackr while planning. */
  Msgpack
}

/**
 * A message's `data` measured for writing: a Uint8Array (bin), a string, null, pre-encoded bytes (EncodedValue: ping,
 * pong and handshake data) or anything else msgpackr packs (packed while measuring). Shared by envelope frames and
 * run frames (message-runs.ts).
 */
export class PlannedData {
  kind = DataKind.Null
  value: unknown = null
  /** UTF-8 length of string data. */
  textBytes = 0
  /** Encoded size, msgpack header included. */
  size = 0

  /** Measures `data` (packing it when it is not bin, str or nil); returns its encoded size. */
  plan(data: unknown): number {
    // msgpackr may run user code (toJSON), which may itself send a frame: callers measure data first.
    this.value = data
    if (data instanceof Uint8Array) {
      this.kind = DataKind.Binary
      this.size = binHeaderSize(data.length) + data.length
    } else if (typeof data === 'string') {
      this.kind = DataKind.Text
      this.textBytes = Buffer.byteLength(data, 'utf8')
      this.size = strHeaderSize(this.textBytes) + this.textBytes
    } else if (data === null) {
      this.kind = DataKind.Null
      this.size = 1
    } else {
      this.kind = DataKind.Msgpack
      const bytes = data instanceof EncodedValue ? data.bytes : pack(data)
      this.value = bytes
      this.size = bytes.length
    }
    return this.size
  }

  /** Writes the planned data at `at`; returns the offset after it. */
  write(buf: Buffer, at: number): number {
    const data = this.value
    switch (this.kind) {
      case DataKind.Binary: {
        const bytes = data as Uint8Array
        at = writeBinHeader(buf, at, bytes.length)
        return copyBytes(buf, at, bytes)
      }
      case DataKind.Text:
        at = writeStrHeader(buf, at, this.textBytes)
        return at + buf.write(data as string, at, this.textBytes, 'utf8')
      case DataKind.Null:
        buf[at] = 0xc0
        return at + 1
      default: // Msgpack
        return copyBytes(buf, at, data as Uint8Array)
    }
  }

  /** Lets go of the data once written (it may be a large user buffer). */
  release(): void {
    this.value = null
  }
}

/** The frame being encoded: filled by planFrame(), consumed by writePlannedFrame(). */
class FramePlan {
  head: FrameHead = { bytes: K_COMMAND, topicLength: 0, freshId: null }
  /** Frames with a fresh id: head to id prefix (freshIdTemplate). */
  template: Buffer = K_COMMAND
  timestamp = 0
  ttlChunk: Buffer = K_TTL
  /** null: a fresh message id written as bytes. */
  uuid: string | null = null
  uuidBytes = 0
  readonly data = new PlannedData()
  bodyBytes = 0
}

const plan = new FramePlan()

/**
 * Measures a frame (length header, topic, msgpack body) and returns its size in bytes. `uuid` null writes a
 * fresh message id (ids.ts); a given uuid is written as UTF-8. Data is a Uint8Array, a string, null, pre-encoded
 * bytes (EncodedValue: ping, pong and handshake data) or anything else msgpackr packs.
 */
export function planFrame(
  command: string,
  topic: string,
  data: unknown,
  timestamp: number,
  ttl: number,
  uuid: string | null
): number {
  // Measure (and pack) the data first: msgpackr may run user code (toJSON), which may itself send a frame.
  const dataBytes = plan.data.plan(data)
  const head = frameHead(command, topic)
  const chunk = ttlChunk(ttl)
  const uuidBytes = uuid === null ? idSize() : Buffer.byteLength(uuid, 'utf8')
  const bodyBytes =
    head.bytes.length -
    head.topicLength +
    8 +
    chunk.length +
    (uuid === null ? uuidBytes : strHeaderSize(uuidBytes) + uuidBytes) +
    K_DATA.length +
    dataBytes
  plan.head = head
  if (uuid === null) plan.template = freshIdTemplate(head, chunk, uuidBytes)
  plan.timestamp = timestamp
  plan.ttlChunk = chunk
  plan.uuid = uuid
  plan.uuidBytes = uuidBytes
  plan.bodyBytes = bodyBytes
  return HEADER + head.topicLength + bodyBytes
}

/** Writes the frame measured by the last planFrame() at `at`; returns the offset after it. */
export function writePlannedFrame(buf: Buffer, at: number): number {
  const head = plan.head
  writeU32(buf, at, plan.bodyBytes)
  writeU32(buf, at + 4, head.topicLength)
  at += HEADER
  const uuid = plan.uuid
  if (uuid === null) {
    // Head to id prefix in one copy; then the timestamp's value into its room, and the id's digits.
    const timestampAt = at + head.bytes.length
    at = copyBytes(buf, at, plan.template)
    buf.writeDoubleBE(plan.timestamp, timestampAt)
    at = writeIdDigits(buf, at)
  } else {
    at = copyBytes(buf, at, head.bytes)
    buf.writeDoubleBE(plan.timestamp, at)
    at = copyBytes(buf, at + 8, plan.ttlChunk)
    at = writeStrHeader(buf, at, plan.uuidBytes)
    at += buf.write(uuid, at, plan.uuidBytes, 'utf8')
  }
  at = copyBytes(buf, at, K_DATA)
  return plan.data.write(buf, at)
}

/**
 * One complete frame (length header, topic, msgpack body) in a single allocation. `uuid` null writes a fresh
 * message id.
 */
export function encodeEnvelopeFrame(
  command: string,
  topic: string,
  data: unknown,
  timestamp: number,
  ttl: number,
  uuid: string | null
): Buffer {
  const frame = Buffer.allocUnsafe(planFrame(command, topic, data, timestamp, ttl, uuid))
  writePlannedFrame(frame, 0)
  return frame
}
