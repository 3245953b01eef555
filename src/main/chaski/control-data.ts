// Encoders of the control data sent most often (spec §6): every ping and pong. Written straight into one buffer
// in the key order of docs/PROTOCOL.md §4 (the same bytes msgpackr gives for the same map, at a fraction of the
// cost per ping). The frame then copies these bytes as they are (EncodedValue).
import { EncodedValue, binHeaderSize, uintSize, writeBinHeader, writeUint } from './envelope-encoder'

function encodedKey(name: string): Buffer {
  return Buffer.from([0xa0 | name.length, ...Buffer.from(name, 'latin1')])
}

const PING_ID = encodedKey('ping_id')
const LATENCY_UPDATE = encodedKey('latency_update')
const DUMMY_DATA = encodedKey('dummy_data')

/** A ping id: a uint up to 2^32 - 1, a float64 beyond (docs/PROTOCOL.md §2, integer encoding). */
function pingIdSize(id: number): number {
  return id <= 0xffffffff ? uintSize(id) : 9
}

function writePingId(buf: Buffer, at: number, id: number): number {
  if (id <= 0xffffffff) return writeUint(buf, at, id)
  buf[at] = 0xcb
  buf.writeDoubleBE(id, at + 1)
  return at + 9
}

/** `ping` data: `{ping_id, latency_update, dummy_data}`. */
export function encodePingData(pingId: number, latencyUpdate: boolean, dummy: Buffer | null): EncodedValue {
  const dummySize = dummy === null ? 1 : binHeaderSize(dummy.length) + dummy.length
  const bytes = Buffer.allocUnsafe(
    1 + PING_ID.length + pingIdSize(pingId) + LATENCY_UPDATE.length + 1 + DUMMY_DATA.length + dummySize
  )
  bytes[0] = 0x83
  bytes.set(PING_ID, 1)
  let at = writePingId(bytes, 1 + PING_ID.length, pingId)
  bytes.set(LATENCY_UPDATE, at)
  at += LATENCY_UPDATE.length
  bytes[at++] = latencyUpdate ? 0xc3 : 0xc2
  bytes.set(DUMMY_DATA, at)
  at += DUMMY_DATA.length
  if (dummy === null) bytes[at] = 0xc0
  else bytes.set(dummy, writeBinHeader(bytes, at, dummy.length))
  return new EncodedValue(bytes)
}

/**
 * `pong` data: the ping id first, then a node's identity as map entries encoded once (`count` of them, fewer
 * than 15: the whole map is a fixmap), so the receiver can compare the identity bytes (envelope-decoder.ts).
 */
export function encodePongData(pingId: number, entries: Buffer, count: number): EncodedValue {
  const bytes = Buffer.allocUnsafe(1 + PING_ID.length + pingIdSize(pingId) + entries.length)
  bytes[0] = 0x80 | (count + 1)
  bytes.set(PING_ID, 1)
  bytes.set(entries, writePingId(bytes, 1 + PING_ID.length, pingId))
  return new EncodedValue(bytes)
}
