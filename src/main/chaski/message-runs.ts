// Run frames (docs/PROTOCOL.md §8 "Runs"): the messages of one topic that a node publishes in the same tick and the
// same millisecond travel to a peer listing the 'message-runs' feature in one frame, whose body is the msgpack array
// [timestamp, ttl, id, data1, data2, …]. Per message that is the bytes of its data alone (the map envelope costs ~80
// bytes per message, more than a 64-byte payload) and no per-frame work on either side. A run is only extended while
// it is the last thing queued on its link, so every frame still leaves in the order it was queued.
import { MESSAGE_RUNS_FEATURE, RUN_MAX_BYTES } from './constants'
import { unpackRange } from './codec'
import { Reader } from './envelope-decoder'
import { PlannedData, messageHead, uintSize, writeU32, writeUint } from './envelope-encoder'
import { ProtocolError } from './errors'
import { nextMessageIdSize, writeNextMessageId } from './ids'
import { plainValueEnd, plainValueProblem } from './plain-msgpack'

// Local copies: hot paths should not go through module-binding getters when run from transpiled sources.
const MAX_RUN = RUN_MAX_BYTES
const idSize = nextMessageIdSize
const writeId = writeNextMessageId
const valueEnd = plainValueEnd

const HEADER = 8
/** A run body starts with an array 32 header (its count is patched as messages join): 0xdd + u32. */
export const RUN_MARKER = 0xdd
/** timestamp, ttl, id: the array entries before the first message's data. */
const RUN_FIELDS = 3
/** A run's id, so that every message's `<id>.<k>` fits the 64 bytes of an envelope's uuid. */
export const MAX_RUN_ID_BYTES = 48

// Every node of a process lists one of these two: one frozen list each, not a copy per node.
const NO_FEATURES: readonly string[] = Object.freeze([])
const RUN_FEATURES: readonly string[] = Object.freeze([MESSAGE_RUNS_FEATURE])

/** The features this node lists in its handshake (docs/PROTOCOL.md §3 "Features"). */
export function localFeatures(customCodec: boolean, maxFrameSize: number): readonly string[] {
  // A user codec encodes whole envelopes (runs bypass it); a frame limit below a full run could not take one.
  return customCodec || maxFrameSize < MAX_RUN ? NO_FEATURES : RUN_FEATURES
}

/** The link a run is written to (link.ts): its batch, and growing the batch's last reservation in place. */
export interface RunSink {
  reserve(size: number): number
  readonly batch: Buffer
  readonly batchGeneration: number
  readonly batchEnd: number
  extendBatch(generation: number, end: number, size: number): number
}

/** The run a link is filling: where its frame lies in the batch, and what its messages share. */
export class OpenRun {
  generation = -1
  /** The frame's first byte (its body length) and the byte after its last message. */
  start = 0
  end = 0
  topicLength = 0
  count = 0
  topic = ''
  timestamp = 0
  ttl = 0
}

/** The data of the message being queued: measured once, written into every run it goes to. */
const planned = new PlannedData()

/** Measures (and packs, when it is not bin, str or nil) a message's data; returns its encoded size. */
export function planRunData(data: unknown): number {
  return planned.plan(data)
}

/** The planned data was queued everywhere it goes: let go of it. */
export function releaseRunData(): void {
  planned.release()
}

/**
 * Queues the message whose data was planned last on `sink`: in its open run when it can join it (same topic, ttl and
 * millisecond, nothing queued after the run, the run stays within RUN_MAX_BYTES), else as a new run frame with a
 * fresh id. False when the link can no longer write.
 */
export function queueInRun(
  sink: RunSink,
  run: OpenRun,
  topic: string,
  ttl: number,
  timestamp: number
): boolean {
  const size = planned.size
  if (
    run.topic === topic &&
    run.timestamp === timestamp &&
    run.ttl === ttl &&
    run.end - run.start + size <= MAX_RUN
  ) {
    const at = sink.extendBatch(run.generation, run.end, size)
    if (at >= 0) {
      const buf = sink.batch
      run.end = planned.write(buf, at)
      run.count++
      const bodyAt = run.start + HEADER + run.topicLength
      writeU32(buf, run.start, run.end - bodyAt)
      writeU32(buf, bodyAt + 1, RUN_FIELDS + run.count)
      return true
    }
  }
  const head = messageHead(topic)
  const topicLength = head.topicLength
  const bodyBytes = 5 + 9 + uintSize(ttl) + idSize() + size
  const at = sink.reserve(HEADER + topicLength + bodyBytes)
  if (at < 0) return false
  const buf = sink.batch
  writeU32(buf, at, bodyBytes)
  writeU32(buf, at + 4, topicLength)
  head.bytes.copy(buf, at + HEADER, 0, topicLength)
  let p = at + HEADER + topicLength
  buf[p] = RUN_MARKER
  writeU32(buf, p + 1, RUN_FIELDS + 1)
  buf[p + 5] = 0xcb
  buf.writeDoubleBE(timestamp, p + 6)
  p = writeUint(buf, p + 14, ttl)
  p = writeId(buf, p)
  run.end = planned.write(buf, p)
  run.generation = sink.batchGeneration
  run.start = at
  run.topicLength = topicLength
  run.count = 1
  run.topic = topic
  run.timestamp = timestamp
  run.ttl = ttl
  return true
}

/** Where the messages of a run go (topic-messages.ts). */
export interface RunReceiver<Edge> {
  onMessageOf(edge: Edge, topic: string, data: unknown, ttl: number, uuid: string, timestamp: number): void
}

const EMPTY = Buffer.alloc(0)
const reader = new Reader(EMPTY, 0, 0)

function bad(what: string): never {
  throw new ProtocolError(`message run: ${what}`)
}

/**
 * Reads the run frame body buf[start, end) on `topic` and hands its messages to `receiver` in order. The whole body
 * is checked first (one plain msgpack array ending exactly at `end`, a finite timestamp, a ttl of 0–255, an id of
 * 1–48 bytes, at least one message): a bad run delivers nothing and throws ProtocolError. Without `keepIds` the
 * ids are checked but not made (''); with it the k-th message (k ≥ 1) gets the id `<id>.<k>`.
 */
export function readRun<Edge>(
  buf: Buffer,
  start: number,
  end: number,
  topic: string,
  keepIds: boolean,
  receiver: RunReceiver<Edge>,
  edge: Edge
): void {
  if (end - start < 5 || buf[start] !== RUN_MARKER) bad('not a run')
  const after = valueEnd(buf, start, end)
  if (after < 0) bad(`not plain msgpack: ${plainValueProblem()}`)
  if (after !== end) bad(`${end - after} trailing byte(s)`)
  const count = buf.readUInt32BE(start + 1) - RUN_FIELDS
  if (count < 1) bad('no message')
  // Senders keep runs of several messages within RUN_MAX_BYTES: a larger frame of tiny messages would otherwise make
  // one frame a million events.
  if (count > 1 && end - start > MAX_RUN) bad(`several messages in more than ${MAX_RUN} bytes`)
  const r = reader
  r.buf = buf
  r.at = start + 5
  r.end = end
  try {
    const timestamp = r.number()
    if (timestamp === null || !Number.isFinite(timestamp)) bad("'timestamp' must be a number")
    const ttl = r.number()
    if (ttl === null || !Number.isInteger(ttl) || ttl > 255) bad("'ttl' must be an integer in 0..255")
    // At most 48 bytes: `<id>.<k>` stays within the 64 every other frame allows (it may be forwarded as one).
    const uuid = r.id(MAX_RUN_ID_BYTES, keepIds)
    if (uuid === null) bad(`'uuid' must be a string of 1 to ${MAX_RUN_ID_BYTES} bytes`)
    let at = r.at
    for (let k = 0; k < count; k++) {
      // The walk above proved every value whole: each one ends where the next begins.
      const type = buf[at]!
      let next: number
      let data: unknown
      if (type === 0xc4) {
        next = at + 2 + buf[at + 1]!
        data = buf.subarray(at + 2, next)
      } else if (type === 0xc0) {
        next = at + 1
        data = null
      } else {
        next = valueEnd(buf, at, end)
        if (type >= 0xa0 && type <= 0xbf) data = buf.toString('utf8', at + 1, next)
        else if (type === 0xc5 || type === 0xc6) data = buf.subarray(at + (type === 0xc5 ? 3 : 5), next)
        else data = unpackRange(buf, at, next)
      }
      at = next
      receiver.onMessageOf(edge, topic, data, ttl, k === 0 || !keepIds ? uuid : `${uuid}.${k}`, timestamp)
    }
  } finally {
    r.buf = EMPTY
  }
}
