// Signs neighbour adverts as docs/PROTOCOL.md §12 "Signatures" says, written from the document (not with the
// library's signer), so tests check the format as well as the checks: the msgpack array [context, origin, seq,
// ttl0, name, ip, port, interval, coord, n, more, topics, tmore], ECDSA P-256 over SHA-256 as r‖s, and the public
// key as a compressed point.
import { sign } from 'node:crypto'
import { msgpackCodec } from '../../src/main/chaski/codec'
import type { NodeKey } from '../../src/main/chaski/security/index'

export type Advert = Record<string, unknown>

/** The key's compressed point (SEC 1): 0x02 + x when y is even, 0x03 + x when odd. */
export function compressedKey(key: NodeKey): Buffer {
  const jwk = key.publicKey.export({ format: 'jwk' })
  const x = Buffer.from(jwk.x!, 'base64url')
  const y = Buffer.from(jwk.y!, 'base64url')
  return Buffer.concat([Buffer.from([2 + (y[y.length - 1]! & 1)]), x])
}

/** `advert` with `topics`/`tmore` defaulted, signed by `key`. */
export function signAdvertAs(key: NodeKey, advert: Advert): Advert {
  const a: Advert = { topics: [], tmore: 0, ...advert }
  const bytes = msgpackCodec.encode([
    'chaski-neighbours-v1',
    a.origin,
    a.seq,
    a.ttl0,
    a.name,
    a.ip,
    a.port,
    a.interval,
    a.coord,
    a.n,
    a.more,
    a.topics,
    a.tmore
  ])
  const sig = sign('sha256', bytes, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
  return { ...a, key: compressedKey(key), sig }
}
