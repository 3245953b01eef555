// Body codec (spec §2): msgpack via msgpackr by default, pluggable. Never a format that executes code.
// Plain data only (docs/PROTOCOL.md §2): bytes are checked by plain-msgpack.ts before msgpackr reads them, and what
// we pack is checked before it is sent, so no extension type (record, structured clone, BigInt, Date...) is ever
// decoded from the wire or written to it.
import { Packr } from 'msgpackr'
import { ProtocolError, UnsupportedDataError } from './errors'
import { plainMsgpackProblem } from './plain-msgpack'

export interface Codec {
  encode(value: unknown): Uint8Array
  decode(bytes: Uint8Array): unknown
}

export type Serializer = (value: unknown) => Uint8Array
export type Deserializer = (bytes: Uint8Array) => unknown

// One shared Packr: its scratch buffer is process-wide, so 1000 nodes cost no extra memory.
// useRecords: false keeps the stream plain msgpack (no structure records shared between frames);
// mapsAsObjects: true decodes maps to plain objects (msgpackr renames a '__proto__' key);
// int64AsType 'number': a uint64/int64 (Python writes millisecond timestamps so) is a number (the check below
// refuses those outside the safe range); encodeUndefinedAsNil: undefined is sent as nil, not as an extension.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: 'number',
  encodeUndefinedAsNil: true
})

const problemOf = plainMsgpackProblem

/** Packs one value with the default codec; throws UnsupportedDataError when it is not plain data. */
export function packValue(value: unknown): Uint8Array {
  const bytes = packr.pack(value)
  const problem = problemOf(bytes, 0, bytes.length)
  if (problem !== null) {
    throw new UnsupportedDataError(
      `this value cannot be sent: it is not plain msgpack (${problem}). Send null, booleans, numbers, strings, ` +
        'Uint8Array, arrays and plain objects only (e.g. a Date as date.getTime(), a Set as an array)'
    )
  }
  return bytes
}

/**
 * Unpacks exactly one value spanning buf[start, end) with the default codec. Throws ProtocolError when the bytes
 * are not plain msgpack (checked before msgpackr reads anything) or trail after the value.
 */
export function unpackRange(buf: Uint8Array, start: number, end: number): unknown {
  const problem = problemOf(buf, start, end)
  if (problem !== null) throw new ProtocolError(`not plain msgpack: ${problem}`)
  return packr.unpack(buf as Buffer, { start, end })
}

export const msgpackCodec: Codec = {
  encode: packValue,
  decode: (bytes) => unpackRange(bytes, 0, bytes.length)
}

export function createCodec(serializer?: Serializer, deserializer?: Deserializer): Codec {
  if (!serializer && !deserializer) return msgpackCodec
  return {
    encode: serializer ?? msgpackCodec.encode,
    decode: deserializer ?? msgpackCodec.decode
  }
}
