// Fast paths for the default msgpack body (spec §2): the envelope { command, topic, timestamp, ttl, uuid, data }
// is written and read by hand, so a 64-byte topic message costs one allocation and no generic object packing.
// The bytes are plain msgpack (a 6-entry map, `data` last); any other valid layout from another implementation
// falls back to the generic decoder + validator (decodeEnvelopeFast returns null).
import { packValue, unpackRange } from './codec'
import { COMMANDS } from './messages'

// Imported functions are hoisted into locals: per-frame calls must not go through module-binding getters
// when this file runs transpiled (tsx); bundlers make this a no-op.
const pack = packValue
const unpack = unpackRange
const flatSizeOf = flatSize
const writeFlatValue = writeFlat
const readFlat = FlatReader.read
import { FlatReader, flatSize, writeFlat } from './msgpack-flat'
import type { Envelope } from './messages'

/** Known commands as interned strings, looked up from their bytes without creating a string. */
const COMMAND_BYTES = ['message', ...COMMANDS.filter((command) => command !== 'message')].map((command) => ({
  command,
  bytes: Buffer.from(command, 'latin1')
}))

const HEADER = 8

// Direct Buffer slice/write methods (utf8Slice, latin1Write...) skip the argument handling of
// toString()/write(); on the per-frame path the difference is measurable. Fallbacks keep it portable.
interface DirectBuffer {
  utf8Slice(start: number, end: number): string
  latin1Slice(start: number, end: number): string
  utf8Write(text: string, offset: number, length: number): number
  latin1Write(text: string, offset: number, length: number): number
}

const proto = Buffer.prototype as unknown as Partial<DirectBuffer>
const direct =
  typeof proto.utf8Slice === 'function' &&
  typeof proto.latin1Slice === 'function' &&
  typeof proto.utf8Write === 'function' &&
  typeof proto.latin1Write === 'function'

function utf8Slice(buf: Buffer, start: number, end: number): string {
  return direct ? (buf as unknown as DirectBuffer).utf8Slice(start, end) : buf.toString('utf8', start, end)
}

function latin1Slice(buf: Buffer, start: number, end: number): string {
  return direct
    ? (buf as unknown as DirectBuffer).latin1Slice(start, end)
    : buf.toString('latin1', start, end)
}

/** Writes `text` (byteLength already known) and returns the bytes written. */
function utf8Write(buf: Buffer, text: string, offset: number, byteLength: number): number {
  return direct
    ? (buf as unknown as DirectBuffer).utf8Write(text, offset, byteLength)
    : buf.write(text, offset, byteLength, 'utf8')
}

/** Writes ASCII text: one byte per character. */
function asciiWrite(buf: Buffer, text: string, offset: number): number {
  const n = text.length
  if (n > 24 && direct) return (buf as unknown as DirectBuffer).latin1Write(text, offset, n)
  for (let i = 0; i < n; i++) buf[offset + i] = text.charCodeAt(i)
  return n
}

/** Copies a short constant byte string (keys) without Buffer.copy's argument handling. */
function copySmall(buf: Buffer, bytes: Uint8Array, offset: number): number {
  const n = bytes.length
  for (let i = 0; i < n; i++) buf[offset + i] = bytes[i]!
  return n
}

/** Compares a short constant byte string with buf[offset...]. */
function equalsAt(buf: Buffer, offset: number, bytes: Uint8Array): boolean {
  const n = bytes.length
  if (offset + n > buf.length) return false
  for (let i = 0; i < n; i++) if (buf[offset + i] !== bytes[i]) return false
  return true
}

function key(name: string): Buffer {
  return Buffer.concat([Buffer.from([0xa0 | name.length]), Buffer.from(name, 'latin1')])
}

const K_COMMAND = key('command')
const K_TOPIC = key('topic')
const K_TIMESTAMP = key('timestamp')
const K_TTL = key('ttl')
const K_UUID = key('uuid')
const K_DATA = key('data')
const FIXED_KEYS =
  K_COMMAND.length + K_TOPIC.length + K_TIMESTAMP.length + K_TTL.length + K_UUID.length + K_DATA.length

function strHeaderSize(n: number): number {
  return n < 32 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5
}

function writeStrHeader(buf: Buffer, at: number, n: number): number {
  if (n < 32) {
    buf[at] = 0xa0 | n
    return at + 1
  }
  if (n < 256) {
    buf[at] = 0xd9
    buf[at + 1] = n
    return at + 2
  }
  if (n < 65536) {
    buf[at] = 0xda
    buf.writeUInt16BE(n, at + 1)
    return at + 3
  }
  buf[at] = 0xdb
  buf.writeUInt32BE(n, at + 1)
  return at + 5
}

function binHeaderSize(n: number): number {
  return n < 256 ? 2 : n < 65536 ? 3 : 5
}

function writeBinHeader(buf: Buffer, at: number, n: number): number {
  if (n < 256) {
    buf[at] = 0xc4
    buf[at + 1] = n
    return at + 2
  }
  if (n < 65536) {
    buf[at] = 0xc5
    buf.writeUInt16BE(n, at + 1)
    return at + 3
  }
  buf[at] = 0xc6
  buf.writeUInt32BE(n, at + 1)
  return at + 5
}

/**
 * One complete frame (length header, topic, msgpack body) in a single allocation.
 * `command` and `uuid` are ASCII (ours); topic and string data are UTF-8.
 */
export function encodeEnvelopeFrame(
  command: string,
  topic: string,
  data: unknown,
  timestamp: number,
  ttl: number,
  uuid: string
): Buffer {
  const topicLength = Buffer.byteLength(topic, 'utf8')
  let dataLength: number
  let packed: Uint8Array | null = null
  let stringLength = 0
  let flat = false
  if (data instanceof Uint8Array) dataLength = binHeaderSize(data.length) + data.length
  else if (typeof data === 'string') {
    stringLength = Buffer.byteLength(data, 'utf8')
    dataLength = strHeaderSize(stringLength) + stringLength
  } else if (data === null) dataLength = 1
  else if (topic === 'All' && (dataLength = flatSizeOf(data)) >= 0) flat = true
  else {
    packed = pack(data)
    dataLength = packed.length
  }
  const bodyLength =
    1 +
    FIXED_KEYS +
    strHeaderSize(command.length) +
    command.length +
    strHeaderSize(topicLength) +
    topicLength +
    9 +
    (ttl < 128 ? 1 : 2) +
    strHeaderSize(uuid.length) +
    uuid.length +
    dataLength
  const frame = Buffer.allocUnsafe(HEADER + topicLength + bodyLength)
  frame.writeUInt32BE(bodyLength, 0)
  frame.writeUInt32BE(topicLength, 4)
  let at = HEADER
  at += utf8Write(frame, topic, at, topicLength)
  frame[at++] = 0x86
  at += copySmall(frame, K_COMMAND, at)
  at = writeStrHeader(frame, at, command.length)
  at += asciiWrite(frame, command, at)
  at += copySmall(frame, K_TOPIC, at)
  at = writeStrHeader(frame, at, topicLength)
  at += utf8Write(frame, topic, at, topicLength)
  at += copySmall(frame, K_TIMESTAMP, at)
  frame[at] = 0xcb
  frame.writeDoubleBE(timestamp, at + 1)
  at += 9
  at += copySmall(frame, K_TTL, at)
  if (ttl < 128) frame[at++] = ttl
  else {
    frame[at] = 0xcc
    frame[at + 1] = ttl
    at += 2
  }
  at += copySmall(frame, K_UUID, at)
  at = writeStrHeader(frame, at, uuid.length)
  at += asciiWrite(frame, uuid, at)
  at += copySmall(frame, K_DATA, at)
  if (data instanceof Uint8Array) {
    at = writeBinHeader(frame, at, data.length)
    frame.set(data, at)
  } else if (typeof data === 'string') {
    at = writeStrHeader(frame, at, stringLength)
    utf8Write(frame, data, at, stringLength)
  } else if (data === null) frame[at] = 0xc0
  else if (flat) writeFlatValue(frame, at, data)
  else frame.set(packed!, at)
  return frame
}

/** Reader state for the fast path; any surprise returns null (generic path). */
class Reader {
  at = 0
  constructor(readonly buf: Buffer) {}

  key(expected: Buffer): boolean {
    if (!equalsAt(this.buf, this.at, expected)) return false
    this.at += expected.length
    return true
  }

  /** The command as an interned constant when known (no allocation), else a new string. */
  command(): string | null {
    const buf = this.buf
    const type = buf[this.at]
    if (type === undefined || type < 0xa1 || type > 0xbf) return this.str(32)
    const length = type & 0x1f
    for (const known of COMMAND_BYTES) {
      if (known.bytes.length === length && equalsAt(buf, this.at + 1, known.bytes)) {
        this.at += 1 + length
        return known.command
      }
    }
    return this.str(32)
  }

  /** An ASCII-only id (uuid); null when not a short string. */
  id(maxBytes: number): string | null {
    const buf = this.buf
    const type = buf[this.at]
    if (type === undefined || type < 0xa0 || type > 0xbf) return this.str(maxBytes)
    const length = type & 0x1f
    const start = this.at + 1
    if (start + length > buf.length) return null
    for (let i = start; i < start + length; i++) if (buf[i]! > 0x7f) return this.str(maxBytes)
    this.at = start + length
    return latin1Slice(buf, start, start + length)
  }

  /** True (and consumed) when the next value is the string `text`; compared without creating a string. */
  strEquals(text: string): boolean {
    const buf = this.buf
    const type = buf[this.at]
    const n = text.length
    if (type === undefined || type < 0xa0 || type > 0xbf || (type & 0x1f) !== n) {
      const start = this.at
      const value = this.str(1024)
      if (value === text) return true
      this.at = start
      return false
    }
    const start = this.at + 1
    if (start + n > buf.length) return false
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i)
      if (code > 0x7f) {
        const value = utf8Slice(buf, start, start + n)
        if (value !== text) return false
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
    const type = buf[this.at]
    let length: number
    let start: number
    if (type === undefined) return null
    if (type >= 0xa0 && type <= 0xbf) {
      length = type & 0x1f
      start = this.at + 1
    } else if (type === 0xd9 && this.at + 2 <= buf.length) {
      length = buf[this.at + 1]!
      start = this.at + 2
    } else if (type === 0xda && this.at + 3 <= buf.length) {
      length = buf.readUInt16BE(this.at + 1)
      start = this.at + 3
    } else return null
    const end = start + length
    if (length > maxBytes || end > buf.length) return null
    this.at = end
    return utf8Slice(buf, start, end)
  }

  number(): number | null {
    const buf = this.buf
    const type = buf[this.at]
    if (type === undefined) return null
    if (type < 0x80) {
      this.at += 1
      return type
    }
    if (type === 0xcb && this.at + 9 <= buf.length) {
      const value = buf.readDoubleBE(this.at + 1)
      this.at += 9
      return value
    }
    if (type === 0xcc && this.at + 2 <= buf.length) {
      this.at += 2
      return buf[this.at - 1]!
    }
    if (type === 0xcd && this.at + 3 <= buf.length) {
      this.at += 3
      return buf.readUInt16BE(this.at - 2)
    }
    if (type === 0xce && this.at + 5 <= buf.length) {
      this.at += 5
      return buf.readUInt32BE(this.at - 4)
    }
    if (type === 0xcf && this.at + 9 <= buf.length) {
      this.at += 9
      return Number(buf.readBigUInt64BE(this.at - 8))
    }
    return null
  }
}

const NO_DATA = Symbol('no-data')

/** `data` must end exactly at the end of the body. Control data (topic 'All') uses the flat reader. */
function readData(reader: Reader, control: boolean): unknown {
  const buf = reader.buf
  const at = reader.at
  const type = buf[at]
  if (type === undefined) return NO_DATA
  if (type === 0xc0) return at + 1 === buf.length ? null : NO_DATA
  if (type === 0xc4 || type === 0xc5 || type === 0xc6) {
    const headerSize = type === 0xc4 ? 2 : type === 0xc5 ? 3 : 5
    if (at + headerSize > buf.length) return NO_DATA
    const length =
      type === 0xc4 ? buf[at + 1]! : type === 0xc5 ? buf.readUInt16BE(at + 1) : buf.readUInt32BE(at + 1)
    if (at + headerSize + length !== buf.length) return NO_DATA
    return buf.subarray(at + headerSize)
  }
  if ((type >= 0xa0 && type <= 0xbf) || type === 0xd9 || type === 0xda) {
    const value = reader.str(Number.MAX_SAFE_INTEGER)
    return value !== null && reader.at === buf.length ? value : NO_DATA
  }
  if (control) {
    const flat = readFlat(buf, at, buf.length)
    if (flat) return flat.value
  }
  return unpack(buf, at, buf.length)
}

/**
 * Reads our canonical envelope layout. Returns null when the body has another layout (the caller then uses the
 * generic codec + parseEnvelope, which also produces the precise validation error). Throws only when `data`
 * itself is undecodable.
 */
export function decodeEnvelopeFast(body: Buffer, frameTopic: string): Envelope | null {
  if (body[0] !== 0x86) return null
  const reader = new Reader(body)
  reader.at = 1
  if (!reader.key(K_COMMAND)) return null
  const command = reader.command()
  if (command === null || command.length === 0 || !reader.key(K_TOPIC)) return null
  if (!reader.strEquals(frameTopic) || !reader.key(K_TIMESTAMP)) return null
  const topic = frameTopic
  const timestamp = reader.number()
  if (timestamp === null || !Number.isFinite(timestamp) || !reader.key(K_TTL)) return null
  const ttl = reader.number()
  if (ttl === null || ttl > 255 || !reader.key(K_UUID)) return null
  const uuid = reader.id(64)
  if (uuid === null || uuid.length === 0 || !reader.key(K_DATA)) return null
  const data = readData(reader, topic === 'All')
  if (data === NO_DATA) return null
  return { command, topic, data, timestamp, ttl, uuid }
}
