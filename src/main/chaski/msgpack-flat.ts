// A small msgpack writer/reader for control data (ping, pong, handshake, discovery...): plain values, arrays
// and string-keyed maps, a few levels deep. It allocates exactly what it returns, which keeps ping/pong cheap.
// Anything outside that subset makes the caller fall back to msgpackr. A '__proto__' key is never assigned
// (such data goes to msgpackr, which renames it); validators read own properties only.
import { utf8Slice } from './buffer-text'
import { ProtocolError } from './errors'
import { plainMsgpackProblem } from './plain-msgpack'

const MAX_DEPTH = 4

// Hoisted: per-value calls must not go through module-binding getters when run transpiled (tsx).
const utf8 = utf8Slice

/** UTF-8 length; short ASCII strings are measured without a native call. */
function byteLength(text: string): number {
  const n = text.length
  if (n <= 64) {
    let i = 0
    while (i < n && text.charCodeAt(i) < 0x80) i++
    if (i === n) return n
  }
  return Buffer.byteLength(text, 'utf8')
}

/** Writes a string of known UTF-8 length; ASCII strings (length === bytes) byte by byte. */
function writeText(buf: Buffer, text: string, at: number, bytes: number): number {
  if (bytes === text.length && bytes <= 64) {
    for (let i = 0; i < bytes; i++) buf[at + i] = text.charCodeAt(i)
    return at + bytes
  }
  return at + buf.write(text, at, bytes, 'utf8')
}

/** Field names of the protocol, returned as constants when read (no string allocation per key). */
const KNOWN_KEYS = [
  'id',
  'name',
  'ip',
  'port',
  'subscriptions',
  'paired',
  'root',
  'v',
  'vmin',
  'reconnect',
  'reason',
  'ping_id',
  'latency_update',
  'dummy_data',
  'search',
  'topic',
  'origin_id',
  'origin_name',
  'origin_ip',
  'origin_port',
  'previous_hop',
  'visited',
  'on_pair',
  'root_ip',
  'root_port',
  'wait_ms',
  'result',
  'candidates',
  'rank',
  'shared'
]
const KEYS_BY_LENGTH: { text: string; bytes: Buffer }[][] = []
for (const text of KNOWN_KEYS)
  (KEYS_BY_LENGTH[text.length] ??= []).push({ text, bytes: Buffer.from(text, 'latin1') })
/** The same names encoded (fixstr header + text): written by copying, never measured or converted. */
const ENCODED_KEYS = new Map<string, Buffer>(
  KNOWN_KEYS.map((text) => [text, Buffer.from([0xa0 | text.length, ...Buffer.from(text, 'latin1')])])
)

function copyKey(buf: Buffer, at: number, bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) buf[at + i] = bytes[i]!
  return at + bytes.length
}

// Indexed loops here and below, not for...of: a handshake is decoded a few times per connection, before the JIT
// has optimized anything, and the iterator protocol is what costs most in unoptimized code.
function knownKey(buf: Buffer, start: number, length: number): string | null {
  const candidates = KEYS_BY_LENGTH[length]
  if (!candidates) return null
  for (let c = 0; c < candidates.length; c++) {
    const bytes = candidates[c]!.bytes
    let i = 0
    while (i < length && buf[start + i] === bytes[i]) i++
    if (i === length) return candidates[c]!.text
  }
  return null
}

/**
 * A map whose trailing entries are already encoded (e.g. a node's identity, encoded once and reused by every
 * pong): `fields` are written first, then `entries` (holding `count` key/value pairs) as they are.
 */
export class PartlyEncodedMap {
  constructor(
    readonly fields: Record<string, unknown>,
    readonly entries: Buffer,
    readonly count: number
  ) {}
}

/**
 * A value already encoded as msgpack (e.g. a node's handshake data, encoded once per identity change and sent on
 * every connection): written as its bytes.
 */
export class EncodedValue {
  constructor(readonly bytes: Buffer) {}
}

/** Encodes a value of the supported subset in one allocation; null when it is outside the subset. */
export function encodeFlat(value: unknown): Buffer | null {
  const size = flatSize(value)
  if (size < 0) return null
  const bytes = Buffer.allocUnsafe(size)
  writeFlat(bytes, 0, value)
  return bytes
}

/** Encodes the entries of a plain object (no map header): pong data (control-data.ts), PartlyEncodedMap. */
export function encodeEntries(record: Record<string, unknown>): { entries: Buffer; count: number } | null {
  const keys = Object.keys(record)
  let size = 0
  for (let i = 0; i < keys.length; i++) {
    const itemSize = flatSize(record[keys[i]!], 1)
    if (itemSize < 0) return null
    size += flatSize(keys[i]!, 1) + itemSize
  }
  const entries = Buffer.allocUnsafe(size)
  let at = 0
  for (let i = 0; i < keys.length; i++) {
    at = writeFlat(entries, at, keys[i]!)
    at = writeFlat(entries, at, record[keys[i]!])
  }
  return { entries, count: keys.length }
}

/** Encoded size of `value`, or -1 when it is outside the supported subset. */
export function flatSize(value: unknown, depth = 0): number {
  if (value === null || typeof value === 'boolean') return 1
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
      return value < 128 ? 1 : value < 256 ? 2 : value < 65536 ? 3 : 5
    }
    return 9
  }
  if (typeof value === 'string') {
    const n = byteLength(value)
    return (n < 32 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5) + n
  }
  if (value instanceof Uint8Array) {
    const n = value.length
    return (n < 256 ? 2 : n < 65536 ? 3 : 5) + n
  }
  if (value instanceof EncodedValue) return value.bytes.length
  if (depth >= MAX_DEPTH) return -1
  if (value instanceof PartlyEncodedMap) {
    const fields = flatSize(value.fields, depth)
    return fields < 0 || value.count + Object.keys(value.fields).length >= 16
      ? -1
      : fields + value.entries.length
  }
  if (Array.isArray(value)) {
    if (value.length >= 65536) return -1
    let size = value.length < 16 ? 1 : 3
    for (let i = 0; i < value.length; i++) {
      const itemSize = flatSize(value[i], depth + 1)
      if (itemSize < 0) return -1
      size += itemSize
    }
    return size
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value)
    if (keys.length >= 65536) return -1
    let size = keys.length < 16 ? 1 : 3
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      const item = (value as Record<string, unknown>)[key]
      if (item === undefined) return -1
      const keySize = ENCODED_KEYS.get(key)?.length ?? flatSize(key, depth + 1)
      const itemSize = flatSize(item, depth + 1)
      if (itemSize < 0) return -1
      size += keySize + itemSize
    }
    return size
  }
  return -1
}

/** Writes a value whose flatSize() was >= 0; returns the next offset. */
export function writeFlat(buf: Buffer, at: number, value: unknown): number {
  if (value === null) {
    buf[at] = 0xc0
    return at + 1
  }
  if (value === true || value === false) {
    buf[at] = value ? 0xc3 : 0xc2
    return at + 1
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
      if (value < 128) {
        buf[at] = value
        return at + 1
      }
      if (value < 256) {
        buf[at] = 0xcc
        buf[at + 1] = value
        return at + 2
      }
      if (value < 65536) {
        buf[at] = 0xcd
        buf.writeUInt16BE(value, at + 1)
        return at + 3
      }
      buf[at] = 0xce
      buf.writeUInt32BE(value, at + 1)
      return at + 5
    }
    buf[at] = 0xcb
    buf.writeDoubleBE(value, at + 1)
    return at + 9
  }
  if (typeof value === 'string') {
    const n = byteLength(value)
    if (n < 32) buf[at++] = 0xa0 | n
    else if (n < 256) {
      buf[at++] = 0xd9
      buf[at++] = n
    } else if (n < 65536) {
      buf[at] = 0xda
      buf.writeUInt16BE(n, at + 1)
      at += 3
    } else {
      buf[at] = 0xdb
      buf.writeUInt32BE(n, at + 1)
      at += 5
    }
    return writeText(buf, value, at, n)
  }
  if (value instanceof Uint8Array) {
    const n = value.length
    if (n < 256) {
      buf[at++] = 0xc4
      buf[at++] = n
    } else if (n < 65536) {
      buf[at] = 0xc5
      buf.writeUInt16BE(n, at + 1)
      at += 3
    } else {
      buf[at] = 0xc6
      buf.writeUInt32BE(n, at + 1)
      at += 5
    }
    buf.set(value, at)
    return at + n
  }
  if (value instanceof EncodedValue) {
    buf.set(value.bytes, at)
    return at + value.bytes.length
  }
  if (value instanceof PartlyEncodedMap) {
    const start = at
    at = writeFlat(buf, at, value.fields)
    buf[start] = 0x80 | (Object.keys(value.fields).length + value.count)
    buf.set(value.entries, at)
    return at + value.entries.length
  }
  if (Array.isArray(value)) {
    if (value.length < 16) buf[at++] = 0x90 | value.length
    else {
      buf[at] = 0xdc
      buf.writeUInt16BE(value.length, at + 1)
      at += 3
    }
    for (let i = 0; i < value.length; i++) at = writeFlat(buf, at, value[i])
    return at
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  if (keys.length < 16) buf[at++] = 0x80 | keys.length
  else {
    buf[at] = 0xde
    buf.writeUInt16BE(keys.length, at + 1)
    at += 3
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const encoded = ENCODED_KEYS.get(key)
    at = encoded === undefined ? writeFlat(buf, at, key) : copyKey(buf, at, encoded)
    at = writeFlat(buf, at, record[key])
  }
  return at
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = -MAX_SAFE

/**
 * Thrown inside readFlat when the bytes use msgpack features outside the subset (the caller falls back). Bytes that
 * are not plain msgpack at all (an extension type, 0xc1) throw a ProtocolError instead.
 */
class Unsupported extends Error {}

const UNSUPPORTED = new Unsupported('outside the flat subset')

export class FlatReader {
  at: number
  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number
  ) {
    this.at = start
  }

  /** Reads exactly one value that must end at `end`; returns undefined when outside the subset. */
  static read(buf: Buffer, start: number, end: number): { value: unknown } | undefined {
    const reader = new FlatReader(buf, start, end)
    try {
      const value = reader.value(0)
      return reader.at === end ? { value } : undefined
    } catch (error) {
      if (error === UNSUPPORTED) return undefined
      throw error
    }
  }

  private need(n: number): void {
    if (this.at + n > this.end) throw UNSUPPORTED
  }

  private value(depth: number): unknown {
    this.need(1)
    const buf = this.buf
    const type = buf[this.at++]!
    if (type < 0x80) return type
    if (type >= 0xe0) return type - 0x100
    if (type >= 0xa0 && type <= 0xbf) return this.str(type & 0x1f)
    if (type >= 0x90 && type <= 0x9f) return this.array(type & 0x0f, depth)
    if (type >= 0x80 && type <= 0x8f) return this.map(type & 0x0f, depth)
    switch (type) {
      case 0xc0:
        return null
      case 0xc2:
        return false
      case 0xc3:
        return true
      case 0xc4:
        this.need(1)
        return this.bin(buf[this.at++]!)
      case 0xc5:
        this.need(2)
        this.at += 2
        return this.bin(buf.readUInt16BE(this.at - 2))
      case 0xc6:
        this.need(4)
        this.at += 4
        return this.bin(buf.readUInt32BE(this.at - 4))
      case 0xca:
        this.need(4)
        this.at += 4
        return buf.readFloatBE(this.at - 4)
      case 0xcb:
        this.need(8)
        this.at += 8
        return buf.readDoubleBE(this.at - 8)
      case 0xcc:
        this.need(1)
        return buf[this.at++]!
      case 0xcd:
        this.need(2)
        this.at += 2
        return buf.readUInt16BE(this.at - 2)
      case 0xce:
        this.need(4)
        this.at += 4
        return buf.readUInt32BE(this.at - 4)
      case 0xd0:
        this.need(1)
        return buf.readInt8(this.at++)
      case 0xd1:
        this.need(2)
        this.at += 2
        return buf.readInt16BE(this.at - 2)
      case 0xd2:
        this.need(4)
        this.at += 4
        return buf.readInt32BE(this.at - 4)
      case 0xd9:
        this.need(1)
        return this.str(buf[this.at++]!)
      case 0xda:
        this.need(2)
        this.at += 2
        return this.str(buf.readUInt16BE(this.at - 2))
      case 0xdc:
        this.need(2)
        this.at += 2
        return this.array(buf.readUInt16BE(this.at - 2), depth)
      case 0xde:
        this.need(2)
        this.at += 2
        return this.map(buf.readUInt16BE(this.at - 2), depth)
      case 0xcf:
      case 0xd3:
        return this.int64(type)
      case 0xc1:
      case 0xc7:
      case 0xc8:
      case 0xc9:
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        // Not plain data: a protocol error, never a fallback to a decoder that would build it (plain-msgpack.ts).
        throw new ProtocolError(`not plain msgpack: ${plainMsgpackProblem(buf, this.at - 1, this.end)}`)
      default:
        throw UNSUPPORTED
    }
  }

  /** uint64 / int64 (Python writes millisecond timestamps so): a number when safe, else a protocol error. */
  private int64(type: number): number {
    this.need(8)
    const buf = this.buf
    const value = type === 0xcf ? buf.readBigUInt64BE(this.at) : buf.readBigInt64BE(this.at)
    if (value > MAX_SAFE || value < MIN_SAFE)
      throw new ProtocolError('not plain msgpack: a 64-bit integer outside ±(2^53 − 1)')
    this.at += 8
    return Number(value)
  }

  private str(n: number): string {
    this.need(n)
    this.at += n
    return utf8(this.buf, this.at - n, this.at)
  }

  /** A map key: protocol field names come back as constants. */
  private key(depth: number): string {
    const type = this.buf[this.at]
    if (type !== undefined && type >= 0xa0 && type <= 0xbf) {
      const length = type & 0x1f
      if (this.at + 1 + length <= this.end) {
        const known = knownKey(this.buf, this.at + 1, length)
        if (known !== null) {
          this.at += 1 + length
          return known
        }
      }
    }
    const key = this.value(depth)
    if (typeof key !== 'string') throw UNSUPPORTED
    return key
  }

  private bin(n: number): Buffer {
    this.need(n)
    this.at += n
    return this.buf.subarray(this.at - n, this.at)
  }

  private array(n: number, depth: number): unknown[] {
    // Every element takes at least one byte: a count larger than the remaining bytes is a lie.
    if (depth >= MAX_DEPTH || n > this.end - this.at) throw UNSUPPORTED
    const out: unknown[] = new Array(n)
    for (let i = 0; i < n; i++) out[i] = this.value(depth + 1)
    return out
  }

  private map(n: number, depth: number): Record<string, unknown> {
    if (depth >= MAX_DEPTH || n * 2 > this.end - this.at) throw UNSUPPORTED
    // A plain object keeps V8's fast properties; '__proto__' is the one key that could touch a prototype, so
    // such a map is left to msgpackr (which renames it).
    const out: Record<string, unknown> = {}
    for (let i = 0; i < n; i++) {
      const key = this.key(depth + 1)
      if (key === '__proto__') throw UNSUPPORTED
      out[key] = this.value(depth + 1)
    }
    return out
  }
}
