// Fast reader of the default msgpack body (spec §2): our own layout (envelope-encoder.ts: a 6-entry map in a
// fixed key order, `data` last) is read at known positions, with known commands returned as interned strings.
// Any other valid layout, from another implementation, returns null and goes to the generic decoder and
// validator (wire.ts), which also words the precise error.
import { latin1Slice, utf8Slice } from './buffer-text'
import { unpackRange } from './codec'
import { CONTROL_TOPIC } from './constants'
import {
  K_COMMAND,
  K_DATA,
  K_TIMESTAMP,
  K_TOPIC,
  K_TTL,
  K_UUID,
  messageHead,
  type FrameHead
} from './envelope-encoder'
import type { Envelope } from './envelope'
import { HANDSHAKE_LAYOUT, type FastKind, type LayoutField } from './identity'
import { PongBytes } from './pong-bytes'

// Imported functions are hoisted into locals: per-frame calls must not go through module-binding getters
// when this file runs transpiled (tsx); bundlers make this a no-op.
const unpack = unpackRange
const utf8 = utf8Slice
const latin1 = latin1Slice
const KEY_COMMAND = K_COMMAND
const KEY_TOPIC = K_TOPIC
const KEY_TIMESTAMP = K_TIMESTAMP
const KEY_TTL = K_TTL
const KEY_UUID = K_UUID
const KEY_DATA = K_DATA
const CONTROL = CONTROL_TOPIC
const MESSAGE = 'message'

/** Known commands by byte length (at most 2 share one), so a command is found without creating a string. */
const COMMANDS_BY_LENGTH: { command: string; bytes: Buffer }[][] = []

/** The command registry (commands/index.ts) names its commands once: they are then read as these constants. */
export function internCommandNames(names: readonly string[]): void {
  for (const command of names) {
    const list = (COMMANDS_BY_LENGTH[command.length] ??= [])
    if (!list.some((known) => known.command === command))
      list.push({ command, bytes: Buffer.from(command, 'latin1') })
  }
}

function encodedKey(name: string): Buffer {
  return Buffer.from([0xa0 | name.length, ...Buffer.from(name, 'latin1')])
}

const PING_ID_KEY = encodedKey('ping_id')
const LATENCY_UPDATE_KEY = encodedKey('latency_update')
const DUMMY_DATA_KEY = encodedKey('dummy_data')

interface EncodedField {
  key: string
  encodedKey: Buffer
  fast: FastKind
}

function encodedLayout(layout: readonly LayoutField[]): EncodedField[] {
  return layout.map((field) => ({ key: field.key, encodedKey: encodedKey(field.key), fast: field.fast }))
}

/** `handshake` data in the order our encoder writes it (identity.ts HANDSHAKE_LAYOUT: one definition). */
const HANDSHAKE_FIELDS = encodedLayout(HANDSHAKE_LAYOUT)
/** A fixmap of that many entries. */
const HANDSHAKE_MAP = 0x80 | HANDSHAKE_FIELDS.length
/** Strings inside control data are bounded by their validators; this only bounds what the reader accepts. */
const MAX_TEXT = 0xffff

/** True when buf[offset, offset + bytes.length) are `bytes` and lie before `end`. */
function equalsAt(buf: Buffer, offset: number, bytes: Uint8Array, end: number): boolean {
  const n = bytes.length
  if (offset + n > end) return false
  for (let i = 0; i < n; i++) if (buf[offset + i] !== bytes[i]) return false
  return true
}

const EMPTY = Buffer.alloc(0)

/**
 * Reader state for the fast path over bytes [at, end) of `buf` (a body, or a received chunk holding it); any
 * surprise returns null (generic path). Nothing is read at or past `end`.
 */
export class Reader {
  constructor(
    public buf: Buffer,
    public at: number,
    public end: number
  ) {}

  key(expected: Buffer): boolean {
    if (!equalsAt(this.buf, this.at, expected, this.end)) return false
    this.at += expected.length
    return true
  }

  /** The command as an interned constant when known (no allocation), else a new string (≤ 32 bytes). */
  command(): string | null {
    const buf = this.buf
    const type = this.at < this.end ? buf[this.at] : undefined
    if (type !== undefined && type > 0xa0 && type <= 0xbf) {
      const candidates = COMMANDS_BY_LENGTH[type & 0x1f]
      if (candidates !== undefined) {
        for (let i = 0; i < candidates.length; i++) {
          const known = candidates[i]!
          if (equalsAt(buf, this.at + 1, known.bytes, this.end)) {
            this.at += 1 + known.bytes.length
            return known.command
          }
        }
      }
    }
    return this.str(32)
  }

  /**
   * A non-empty id (uuid): an ASCII fixstr is read as latin1 (no UTF-8 decoding), else any string of at most
   * maxBytes. Without `keep`, a fixstr is skipped and '' returned: no string made for nothing.
   */
  id(maxBytes: number, keep: boolean): string | null {
    const buf = this.buf
    const type = this.at < this.end ? buf[this.at] : undefined
    if (type === undefined || type <= 0xa0 || type > 0xbf) {
      const text = this.str(maxBytes)
      return text === null || text.length === 0 ? null : text
    }
    const start = this.at + 1
    const end = start + (type & 0x1f)
    if (end > this.end) return null
    if (!keep) {
      // Any fixstr of 1–31 bytes is a valid id (non-ASCII ones decode to a non-empty string too): skipped unread.
      this.at = end
      return ''
    }
    for (let i = start; i < end; i++) if (buf[i]! > 0x7f) return this.str(maxBytes)
    this.at = end
    return keep ? latin1(buf, start, end) : ''
  }

  /** True (and consumed) when the next value is the string `text`; compared without creating a string. */
  strEquals(text: string): boolean {
    const buf = this.buf
    const type = this.at < this.end ? buf[this.at] : undefined
    const n = text.length
    if (type === undefined || type < 0xa0 || type > 0xbf || (type & 0x1f) !== n) {
      const start = this.at
      if (this.str(1024) === text) return true
      this.at = start
      return false
    }
    const start = this.at + 1
    if (start + n > this.end) return false
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i)
      if (code > 0x7f) {
        if (utf8(buf, start, start + n) !== text) return false
        this.at = start + n
        return true
      }
      if (buf[start + i] !== code) return false
    }
    this.at = start + n
    return true
  }

  /** A string of at most maxBytes; null when not a string or too long. */
  str(maxBytes: number): string | null {
    const buf = this.buf
    const type = this.at < this.end ? buf[this.at] : undefined
    let length: number
    let start: number
    if (type === undefined) return null
    if (type >= 0xa0 && type <= 0xbf) {
      length = type & 0x1f
      start = this.at + 1
    } else if (type === 0xd9 && this.at + 2 <= this.end) {
      length = buf[this.at + 1]!
      start = this.at + 2
    } else if (type === 0xda && this.at + 3 <= this.end) {
      length = (buf[this.at + 1]! << 8) | buf[this.at + 2]!
      start = this.at + 3
    } else return null
    const end = start + length
    if (length > maxBytes || end > this.end) return null
    this.at = end
    return utf8(buf, start, end)
  }

  /** true / false; null for anything else. */
  bool(): boolean | null {
    if (this.at >= this.end) return null
    const type = this.buf[this.at]
    if (type !== 0xc2 && type !== 0xc3) return null
    this.at++
    return type === 0xc3
  }

  /** A list of strings (fixarray or array 16); null for anything else. */
  strList(): string[] | null {
    const buf = this.buf
    const type = this.at < this.end ? buf[this.at] : undefined
    let n: number
    if (type !== undefined && type >= 0x90 && type <= 0x9f) {
      n = type & 0x0f
      this.at += 1
    } else if (type === 0xdc && this.at + 3 <= this.end) {
      n = (buf[this.at + 1]! << 8) | buf[this.at + 2]!
      this.at += 3
    } else return null
    // Every string takes at least one byte: a count above the remaining bytes is a lie.
    if (n > this.end - this.at) return null
    const list: string[] = new Array(n)
    for (let i = 0; i < n; i++) {
      const item = this.str(MAX_TEXT)
      if (item === null) return null
      list[i] = item
    }
    return list
  }

  /** A value of a layout field (identity.ts FastKind); null when it is not one. */
  read(kind: FastKind): unknown {
    switch (kind) {
      case 'uint':
        return this.number()
      case 'bool':
        return this.bool()
      case 'str':
        return this.str(MAX_TEXT)
      default:
        return this.strList()
    }
  }

  /** A non-negative integer or a float; null for anything else. */
  number(): number | null {
    const buf = this.buf
    const at = this.at
    const end = this.end
    if (at >= end) return null
    const type = buf[at]!
    if (type < 0x80) {
      this.at = at + 1
      return type
    }
    if (type === 0xcb && at + 9 <= end) {
      this.at = at + 9
      return buf.readDoubleBE(at + 1)
    }
    if (type === 0xcc && at + 2 <= end) {
      this.at = at + 2
      return buf[at + 1]!
    }
    if (type === 0xcd && at + 3 <= end) {
      this.at = at + 3
      return (buf[at + 1]! << 8) | buf[at + 2]!
    }
    if (type === 0xce && at + 5 <= end) {
      this.at = at + 5
      return buf.readUInt32BE(at + 1)
    }
    // uint64 (Python's msgpack writes millisecond timestamps so): a number when it is a safe integer; anything
    // larger goes to the generic path, which refuses it (plain-msgpack.ts).
    if (type === 0xcf && at + 9 <= end && buf.readUInt32BE(at + 1) < 0x200000) {
      this.at = at + 9
      return buf.readUInt32BE(at + 1) * 0x100000000 + buf.readUInt32BE(at + 5)
    }
    return null
  }
}

const NO_DATA = Symbol('no-data')

/** `data` must end exactly at the end of the body. */
function readData(reader: Reader): unknown {
  const buf = reader.buf
  const at = reader.at
  const end = reader.end
  if (at >= end) return NO_DATA
  const type = buf[at]!
  if (type === 0xc0) return at + 1 === end ? null : NO_DATA
  if (type === 0xc4 || type === 0xc5 || type === 0xc6) {
    const headerSize = type === 0xc4 ? 2 : type === 0xc5 ? 3 : 5
    if (at + headerSize > end) return NO_DATA
    const length =
      type === 0xc4 ? buf[at + 1]! : type === 0xc5 ? buf.readUInt16BE(at + 1) : buf.readUInt32BE(at + 1)
    if (at + headerSize + length !== end) return NO_DATA
    return buf.subarray(at + headerSize, end)
  }
  if ((type >= 0xa0 && type <= 0xbf) || type === 0xd9 || type === 0xda) {
    const value = reader.str(Number.MAX_SAFE_INTEGER)
    return value !== null && reader.at === end ? value : NO_DATA
  }
  return unpack(buf, at, end)
}

/** Our pong layout (pong-bytes.ts), or null to decode it like any other control data. */
function readPong(buf: Buffer, at: number, end: number): PongBytes | null {
  const type = at < end ? buf[at]! : 0
  if (type < 0x81 || type > 0x8f || !equalsAt(buf, at + 1, PING_ID_KEY, end)) return null
  const reader = new Reader(buf, at + 1 + PING_ID_KEY.length, end)
  const pingId = reader.number()
  if (pingId === null || !Number.isSafeInteger(pingId)) return null
  return new PongBytes(pingId, buf.subarray(at, end), reader.at - at)
}

/**
 * `handshake` / `handshake_back` data in our layout (HANDSHAKE_LAYOUT), read field by field at known positions. The
 * values are only decoded here; readHandshake (commands/handshake.ts) validates them like any other handshake.
 * null: another layout, read by the generic path.
 */
function readHandshake(buf: Buffer, at: number, end: number): Record<string, unknown> | null {
  if (at >= end || buf[at] !== HANDSHAKE_MAP) return null
  const r = new Reader(buf, at + 1, end)
  const data: Record<string, unknown> = {}
  for (let i = 0; i < HANDSHAKE_FIELDS.length; i++) {
    const field = HANDSHAKE_FIELDS[i]!
    if (!r.key(field.encodedKey)) return null
    const value = r.read(field.fast)
    if (value === null) return null
    data[field.key] = value
  }
  return r.at === end ? data : null
}

/** `ping` data in our layout (control-data.ts) as a plain object, validated by parsePing; null otherwise. */
function readPing(buf: Buffer, at: number, end: number): Record<string, unknown> | null {
  if (at >= end || buf[at] !== 0x83) return null
  const r = new Reader(buf, at + 1, end)
  const pingId = r.key(PING_ID_KEY) ? r.number() : null
  const latencyUpdate = pingId !== null && r.key(LATENCY_UPDATE_KEY) ? r.bool() : null
  if (latencyUpdate === null || !r.key(DUMMY_DATA_KEY) || r.at >= end) return null
  const type = buf[r.at]
  let dummy: Buffer | null
  if (type === 0xc0 && r.at + 1 === end) dummy = null
  else if (type === 0xc4 && r.at + 2 <= end && r.at + 2 + buf[r.at + 1]! === end)
    dummy = buf.subarray(r.at + 2, end)
  else return null // larger payloads: the generic reader
  return { ping_id: pingId, latency_update: latencyUpdate, dummy_data: dummy }
}

/** Control data in one of the layouts read by a dedicated reader (ping, pong, handshake), else null. */
function readKnownControl(command: string, buf: Buffer, at: number, end: number): unknown {
  if (command === 'ping') return readPing(buf, at, end)
  if (command === 'pong') return readPong(buf, at, end)
  if (command === 'handshake' || command === 'handshake_back') return readHandshake(buf, at, end)
  return null
}

/**
 * The fast decoder's reader, reused frame after frame (a per-frame allocation otherwise). It is let go of the
 * bytes after each frame, so it never keeps a received chunk alive.
 */
const reader = new Reader(EMPTY, 0, 0)

/** The last user topic whose `message` head was looked up (most frames repeat it), and that head. */
let headTopic = ''
let head: FrameHead | null = null

/**
 * Reads our canonical envelope layout. Returns null when the body has another layout (the caller then uses the
 * generic codec + parseEnvelope, which also produces the precise validation error). Throws only when `data`
 * itself is undecodable. A `pong` in our layout comes back with `data` as PongBytes. Without `keepIds` (a node
 * that does not pool message ids: only propagation reads them), the uuid is checked but left out: it is ''.
 */
export function decodeEnvelopeFast(body: Buffer, frameTopic: string, keepIds = true): Envelope | null {
  return decodeEnvelopeAt(body, 0, body.length, frameTopic, keepIds)
}

/**
 * decodeEnvelopeFast of the body at bytes [start, end) of `buf` (a received chunk: nothing outside the range is
 * read). `data` of binary type is a view of `buf`.
 */
export function decodeEnvelopeAt(
  buf: Buffer,
  start: number,
  end: number,
  frameTopic: string,
  keepIds = true
): Envelope | null {
  const r = reader
  r.buf = buf
  r.at = start
  r.end = end
  try {
    return readEnvelope(r, frameTopic, keepIds)
  } finally {
    r.buf = EMPTY
  }
}

function readEnvelope(r: Reader, frameTopic: string, keepIds: boolean): Envelope | null {
  const buf = r.buf
  let command: string | null
  let timestamp: number | null
  // A user topic carries only `message` frames: our encoder starts them with the same bytes up to the timestamp's
  // value (envelope-encoder.ts), compared in one pass. Any other start is read key by key below.
  const known = frameTopic === CONTROL ? null : messageHeadOf(frameTopic)
  if (known !== null && equalsFrom(buf, r.at, known.bytes, known.topicLength, r.end - 8)) {
    command = MESSAGE
    r.at += known.bytes.length - known.topicLength
    timestamp = buf.readDoubleBE(r.at)
    r.at += 8
  } else {
    if (r.at >= r.end || buf[r.at] !== 0x86) return null
    r.at++
    if (!r.key(KEY_COMMAND)) return null
    command = r.command()
    if (command === null || command.length === 0 || !r.key(KEY_TOPIC)) return null
    if (!r.strEquals(frameTopic) || !r.key(KEY_TIMESTAMP)) return null
    timestamp = r.number()
  }
  if (timestamp === null || !Number.isFinite(timestamp) || !r.key(KEY_TTL)) return null
  const ttl = r.number()
  if (ttl === null || ttl > 255 || !r.key(KEY_UUID)) return null
  const uuid = r.id(64, keepIds)
  if (uuid === null || !r.key(KEY_DATA)) return null
  const data = (frameTopic === CONTROL && readKnownControl(command, buf, r.at, r.end)) || readData(r)
  if (data === NO_DATA) return null
  return { command, topic: frameTopic, data, timestamp, ttl, uuid }
}

/** The `message` head of a user topic, as our encoder writes it (kept for the last topic asked). */
function messageHeadOf(topic: string): FrameHead {
  if (topic !== headTopic || head === null) {
    head = messageHead(topic)
    headTopic = topic
  }
  return head
}

/** True when buf[at, …) holds bytes[from, bytes.length), all of it before `limit`. */
function equalsFrom(buf: Buffer, at: number, bytes: Buffer, from: number, limit: number): boolean {
  const n = bytes.length - from
  if (at + n > limit) return false
  for (let i = 0; i < n; i++) if (buf[at + i] !== bytes[from + i]) return false
  return true
}
