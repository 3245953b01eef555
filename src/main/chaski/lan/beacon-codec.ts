// LAN beacon wire format, version 1 (docs/PROTOCOL.md, "LAN beacons"). Compact, fixed-order binary so that a
// receiver can check every length against the datagram before reading it, and nothing is ever allocated from a
// length it has not checked. All integers are big-endian.
//
//   off len  field
//   0   4    magic 'CKLB'
//   4   1    beacon format version (1)
//   5   1    kind: 1 announce, 2 goodbye
//   6   1    flags: bit0 paired, bit1 root, bit2 subscriptions truncated, bit3 name truncated (others must be 0)
//   7   1    node protocol version (the TCP handshake's `v`)
//   8   2    listening port (1..65535)
//   10  2    announcement interval in ms (MIN_INTERVAL_MS..MAX_INTERVAL_MS): receivers derive the loss deadline
//   12  4    sequence number (per sender, wraps)
//   16  ...  id, ip, name: each a 1-byte length + bytes; then a 1-byte topic count and each topic as length + bytes
// The datagram must end exactly after the last topic.
import { isIP } from 'node:net'
import type { Identity } from '../identity'
import {
  BEACON_BUDGET_BYTES,
  MAX_BEACON_BYTES,
  MAX_ID_BYTES,
  MAX_INTERVAL_MS,
  MAX_NAME_BYTES,
  MAX_TOPIC_BYTES,
  MAX_TOPICS,
  MIN_INTERVAL_MS
} from './constants'
import { BeaconEncodeError } from './errors'
import type { BeaconRejectReason } from './errors'

export const BEACON_MAGIC = Buffer.from('CKLB', 'ascii')
export const BEACON_FORMAT_VERSION = 1
const HEADER_BYTES = 16
const KIND_CODES = { announce: 1, goodbye: 2 } as const
const FLAG_PAIRED = 1
const FLAG_ROOT = 2
const FLAG_TOPICS_TRUNCATED = 4
const FLAG_NAME_TRUNCATED = 8
const KNOWN_FLAGS = FLAG_PAIRED | FLAG_ROOT | FLAG_TOPICS_TRUNCATED | FLAG_NAME_TRUNCATED

export type BeaconKind = keyof typeof KIND_CODES

/**
 * What a node says about itself: its identity (identity.ts; test/unit/chaski/identity-fields.test.ts checks that
 * every identity field survives this codec) and the beacon's own fields. `ip` may be unspecified ('0.0.0.0' /
 * '::'): receivers then use the source.
 */
export interface Beacon extends Identity {
  kind: BeaconKind
  /** The node's TCP protocol version (not the beacon format version). */
  v: number
  intervalMs: number
  seq: number
  /** True when the sender had to leave out subscriptions (or shorten its name) to fit the datagram. */
  truncated: boolean
}

export type BeaconDecodeResult =
  { ok: true; beacon: Beacon } | { ok: false; reason: BeaconRejectReason; detail: string }

// C0, DEL and C1 controls (and the line/paragraph separators): no legitimate name or topic contains them, and
// they would garble logs and the UI.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Encodes a beacon, shortening the name and dropping subscriptions so the datagram fits BEACON_BUDGET_BYTES. */
export function encodeBeacon(beacon: Omit<Beacon, 'truncated'>): Buffer {
  const id = Buffer.from(beacon.id, 'utf8')
  if (id.length === 0 || id.length > MAX_ID_BYTES || CONTROL_CHARS.test(beacon.id)) {
    throw new BeaconEncodeError(
      `node id ${JSON.stringify(beacon.id)} cannot be announced (1-${MAX_ID_BYTES} bytes, no control characters)`
    )
  }
  const ip = Buffer.from(beacon.ip, 'ascii')
  if (!isUsableAnnouncedIp(beacon.ip)) throw new BeaconEncodeError(`cannot announce ip ${beacon.ip}`)
  if (!Number.isInteger(beacon.port) || beacon.port < 1 || beacon.port > 65535) {
    throw new BeaconEncodeError(`cannot announce port ${beacon.port}`)
  }
  const fullName = Buffer.from(stripControls(beacon.name), 'utf8')
  const name = truncateUtf8(fullName, MAX_NAME_BYTES)
  let flags = (beacon.paired ? FLAG_PAIRED : 0) | (beacon.root ? FLAG_ROOT : 0)
  if (name.length < fullName.length) flags |= FLAG_NAME_TRUNCATED

  let size = HEADER_BYTES + 1 + id.length + 1 + ip.length + 1 + name.length + 1
  const topics: Buffer[] = []
  const seen = new Set<string>()
  for (const topic of beacon.subscriptions) {
    const bytes = Buffer.from(topic, 'utf8')
    const fits = size + 1 + bytes.length <= BEACON_BUDGET_BYTES && topics.length < MAX_TOPICS
    if (bytes.length === 0 || bytes.length > MAX_TOPIC_BYTES || CONTROL_CHARS.test(topic) || !fits) {
      flags |= FLAG_TOPICS_TRUNCATED
      continue
    }
    if (seen.has(topic)) continue
    seen.add(topic)
    topics.push(bytes)
    size += 1 + bytes.length
  }

  const out = Buffer.allocUnsafe(size)
  BEACON_MAGIC.copy(out, 0)
  out[4] = BEACON_FORMAT_VERSION
  out[5] = KIND_CODES[beacon.kind]
  out[6] = flags
  out[7] = clampInt(beacon.v, 0, 255)
  out.writeUInt16BE(beacon.port, 8)
  out.writeUInt16BE(clampInt(beacon.intervalMs, MIN_INTERVAL_MS, MAX_INTERVAL_MS), 10)
  out.writeUInt32BE(beacon.seq >>> 0, 12)
  let at = HEADER_BYTES
  for (const field of [id, ip, name]) at = writeShortBytes(out, at, field)
  out[at++] = topics.length
  for (const topic of topics) at = writeShortBytes(out, at, topic)
  return out
}

/** Validates every length and field of an untrusted datagram; never throws. */
export function decodeBeacon(data: Buffer): BeaconDecodeResult {
  if (data.length > MAX_BEACON_BYTES) return reject('too-large', `${data.length} bytes > ${MAX_BEACON_BYTES}`)
  if (data.length < HEADER_BYTES + 4) return reject('too-short', `${data.length} bytes`)
  if (!data.subarray(0, 4).equals(BEACON_MAGIC)) return reject('bad-magic', 'not a Chaski LAN beacon')
  if (data[4] !== BEACON_FORMAT_VERSION) return reject('unsupported-version', `beacon format ${data[4]}`)
  const kind =
    data[5] === KIND_CODES.announce ? 'announce' : data[5] === KIND_CODES.goodbye ? 'goodbye' : null
  if (kind === null) return reject('bad-kind', `kind ${data[5]}`)
  const flags = data[6]!
  if ((flags & ~KNOWN_FLAGS) !== 0) return reject('bad-field', `unknown flags 0x${flags.toString(16)}`)
  const v = data[7]!
  const port = data.readUInt16BE(8)
  const intervalMs = data.readUInt16BE(10)
  const seq = data.readUInt32BE(12)
  if (port === 0) return reject('bad-field', 'port 0')
  if (intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS) {
    return reject('bad-field', `interval ${intervalMs} ms`)
  }

  const reader = { at: HEADER_BYTES }
  const id = readShortString(data, reader, MAX_ID_BYTES)
  if (id === null || id.length === 0 || CONTROL_CHARS.test(id)) return reject('bad-field', 'bad id')
  const ip = readShortString(data, reader, 45)
  if (ip === null || !isUsableAnnouncedIp(ip)) return reject('bad-field', `bad ip ${JSON.stringify(ip)}`)
  const name = readShortString(data, reader, MAX_NAME_BYTES)
  if (name === null || CONTROL_CHARS.test(name)) return reject('bad-field', 'bad name')
  if (reader.at >= data.length) return reject('malformed', 'missing topic count')
  const count = data[reader.at++]!
  const subscriptions: string[] = []
  const seen = new Set<string>()
  for (let i = 0; i < count; i++) {
    const topic = readShortString(data, reader, MAX_TOPIC_BYTES)
    if (topic === null || topic.length === 0 || CONTROL_CHARS.test(topic)) {
      return reject('bad-field', `bad topic #${i}`)
    }
    if (seen.has(topic)) continue
    seen.add(topic)
    subscriptions.push(topic)
  }
  if (reader.at !== data.length) return reject('malformed', `${data.length - reader.at} trailing bytes`)

  const beacon: Beacon = {
    kind,
    v,
    id,
    name,
    ip,
    port,
    subscriptions,
    paired: (flags & FLAG_PAIRED) !== 0,
    root: (flags & FLAG_ROOT) !== 0,
    intervalMs,
    seq,
    truncated: (flags & (FLAG_TOPICS_TRUNCATED | FLAG_NAME_TRUNCATED)) !== 0
  }
  return { ok: true, beacon }
}

/** Unicast or unspecified addresses only: multicast, broadcast and 0.x.x.x are spoofed-looking. */
export function isUsableAnnouncedIp(ip: string): boolean {
  const family = isIP(ip)
  if (family === 4) {
    if (ip === '0.0.0.0') return true
    const first = Number(ip.split('.')[0])
    return first !== 0 && first < 224
  }
  if (family === 6) return !ip.includes('%') && !/^ff/i.test(ip)
  return false
}

function reject(reason: BeaconRejectReason, detail: string): BeaconDecodeResult {
  return { ok: false, reason, detail }
}

function readShortString(data: Buffer, reader: { at: number }, maxBytes: number): string | null {
  if (reader.at >= data.length) return null
  const length = data[reader.at]!
  const start = reader.at + 1
  if (length > maxBytes || start + length > data.length) return null
  reader.at = start + length
  try {
    return utf8.decode(data.subarray(start, start + length))
  } catch {
    return null // invalid UTF-8
  }
}

function writeShortBytes(out: Buffer, at: number, bytes: Buffer): number {
  out[at] = bytes.length
  bytes.copy(out, at + 1)
  return at + 1 + bytes.length
}

/** Cuts at a character boundary: never leaves half of a multi-byte UTF-8 sequence. */
function truncateUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes
  let end = max
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  return bytes.subarray(0, end)
}

function stripControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '')
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(Number.isFinite(value) ? value : min)))
}
