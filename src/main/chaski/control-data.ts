// Encoders of the control data sent most often (spec §6): every ping and pong. Written straight into one buffer
// in the key order of docs/PROTOCOL.md §4, instead of walking an object (msgpack-flat.ts would give the same
// bytes, at a few times the cost per ping). The frame then copies these bytes as they are (EncodedValue).
import { EncodedValue, flatSize, writeFlat } from './msgpack-flat'

function encodedKey(name: string): Buffer {
  return Buffer.from([0xa0 | name.length, ...Buffer.from(name, 'latin1')])
}

const PING_ID = encodedKey('ping_id')
const LATENCY_UPDATE = encodedKey('latency_update')
const DUMMY_DATA = encodedKey('dummy_data')

/** `ping` data: `{ping_id, latency_update, dummy_data}`. */
export function encodePingData(pingId: number, latencyUpdate: boolean, dummy: Buffer | null): EncodedValue {
  const idSize = flatSize(pingId)
  const dummySize = flatSize(dummy)
  const bytes = Buffer.allocUnsafe(
    1 + PING_ID.length + idSize + LATENCY_UPDATE.length + 1 + DUMMY_DATA.length + dummySize
  )
  bytes[0] = 0x83
  bytes.set(PING_ID, 1)
  let at = writeFlat(bytes, 1 + PING_ID.length, pingId)
  bytes.set(LATENCY_UPDATE, at)
  at += LATENCY_UPDATE.length
  bytes[at++] = latencyUpdate ? 0xc3 : 0xc2
  bytes.set(DUMMY_DATA, at)
  writeFlat(bytes, at + DUMMY_DATA.length, dummy)
  return new EncodedValue(bytes)
}

/**
 * `pong` data: the ping id first, then a node's identity as map entries encoded once (`count` of them, fewer
 * than 15: the whole map is a fixmap), so the receiver can compare the identity bytes (envelope-decoder.ts).
 */
export function encodePongData(pingId: number, entries: Buffer, count: number): EncodedValue {
  const idSize = flatSize(pingId)
  const bytes = Buffer.allocUnsafe(1 + PING_ID.length + idSize + entries.length)
  bytes[0] = 0x80 | (count + 1)
  bytes.set(PING_ID, 1)
  bytes.set(entries, writeFlat(bytes, 1 + PING_ID.length, pingId))
  return new EncodedValue(bytes)
}
