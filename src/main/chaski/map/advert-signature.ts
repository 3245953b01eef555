// Signed neighbour adverts (docs/PROTOCOL.md §12 "Signatures"): a secure node signs its advert with its node key
// (ECDSA P-256, SHA-256, the 64-byte r‖s form) and carries its public key as a compressed point (33 bytes), so any
// node, however far, checks that the key gives the advert's origin id and that the signature covers what it reads.
// Relays forward `key` and `sig` unchanged: they cannot alter what they carry, nor invent adverts of other nodes.
import { createPublicKey, ECDH, sign, verify, type KeyObject } from 'node:crypto'
import { packValue } from '../codec'
import type { NeighboursData } from '../commands/neighbours'
import { nodeIdOf } from '../security/node-id'

/** What the signature covers first, so an advert signature can never pass for any other signed thing. */
export const ADVERT_SIGNATURE_CONTEXT = 'chaski-neighbours-v1'
const CURVE = 'prime256v1'
/** Parsed keys kept (parsing one costs more than verifying a signature with it). */
const KEY_CACHE_SIZE = 1024

/**
 * The bytes an advert's signature covers: the msgpack array `[context, origin, seq, ttl0, name, ip, port, interval,
 * coord, n, more, topics, tmore]` as our encoder writes it (integers in their shortest form, other numbers as float
 * 64, strings and arrays with their shortest headers). Every field but the envelope (ttl, uuid: they change hop by
 * hop) and the key itself (which must give `origin`).
 */
export function advertSignedBytes(data: NeighboursData): Uint8Array {
  return packValue([
    ADVERT_SIGNATURE_CONTEXT,
    data.origin,
    data.seq,
    data.ttl0,
    data.name,
    data.ip,
    data.port,
    data.interval,
    data.coord,
    data.n,
    data.more,
    data.topics,
    data.tmore
  ])
}

/** A public key as adverts carry it: its compressed point. */
export function advertKeyBytes(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' })
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(jwk.y!, 'base64url')
  ])
  return ECDH.convertKey(point, CURVE, undefined, undefined, 'compressed') as Buffer
}

/** Signs `data` (whose `key` the caller sets) with the node's private key. */
export function signAdvert(data: NeighboursData, privateKey: KeyObject): Buffer {
  return sign('sha256', advertSignedBytes(data), { key: privateKey, dsaEncoding: 'ieee-p1363' })
}

export type AdvertCheck = 'ok' | 'wrong-key' | 'bad-signature'

/** Checks signed adverts, keeping the keys it parsed (bounded, oldest first out). */
export class AdvertVerifier {
  private readonly keys = new Map<string, { key: KeyObject; id: string } | null>()

  /** 'wrong-key': `key` is not a P-256 point, or not the key of `origin`; 'bad-signature': it does not verify. */
  check(data: NeighboursData, key: Uint8Array, sig: Uint8Array): AdvertCheck {
    const parsed = this.parse(key)
    if (parsed === null || parsed.id !== data.origin) return 'wrong-key'
    const good = verify(
      'sha256',
      advertSignedBytes(data),
      { key: parsed.key, dsaEncoding: 'ieee-p1363' },
      sig
    )
    return good ? 'ok' : 'bad-signature'
  }

  private parse(bytes: Uint8Array): { key: KeyObject; id: string } | null {
    const hex = Buffer.from(bytes).toString('hex')
    const cached = this.keys.get(hex)
    if (cached !== undefined) return cached
    let parsed: { key: KeyObject; id: string } | null
    try {
      // convertKey refuses a point that is not on the curve; the JWK import checks it again.
      const point = ECDH.convertKey(bytes, CURVE, undefined, undefined, 'uncompressed') as Buffer
      const key = createPublicKey({
        key: {
          kty: 'EC',
          crv: 'P-256',
          x: point.subarray(1, 33).toString('base64url'),
          y: point.subarray(33).toString('base64url')
        },
        format: 'jwk'
      })
      parsed = { key, id: nodeIdOf(key) }
    } catch {
      parsed = null
    }
    if (this.keys.size >= KEY_CACHE_SIZE) this.keys.delete(this.keys.keys().next().value!)
    this.keys.set(hex, parsed)
    return parsed
  }
}
