// Body codec (spec §2): msgpack via msgpackr by default, pluggable. Never a format that executes code.
import { Packr } from 'msgpackr'

export interface Codec {
  encode(value: unknown): Uint8Array
  decode(bytes: Uint8Array): unknown
}

export type Serializer = (value: unknown) => Uint8Array
export type Deserializer = (bytes: Uint8Array) => unknown

// One shared Packr: its scratch buffer is process-wide, so 1000 nodes cost no extra memory.
// useRecords: false keeps the stream plain msgpack (no structure records shared between frames);
// mapsAsObjects: true decodes maps to plain objects (msgpackr renames a '__proto__' key).
const packr = new Packr({ useRecords: false, mapsAsObjects: true })

export const msgpackCodec: Codec = {
  encode: (value) => packr.pack(value),
  decode: (bytes) => packr.unpack(bytes as Buffer)
}

/** Packs one value with the default codec (used inside hand-written envelopes). */
export function packValue(value: unknown): Uint8Array {
  return packr.pack(value)
}

/** Unpacks exactly one value spanning buf[start, end) with the default codec (throws on trailing bytes). */
export function unpackRange(buf: Buffer, start: number, end: number): unknown {
  return packr.unpack(buf, { start, end })
}

export function createCodec(serializer?: Serializer, deserializer?: Deserializer): Codec {
  if (!serializer && !deserializer) return msgpackCodec
  return {
    encode: serializer ?? msgpackCodec.encode,
    decode: deserializer ?? msgpackCodec.decode
  }
}
