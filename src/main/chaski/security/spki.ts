// The SubjectPublicKeyInfo DER of a P-256 key, which node ids hash (node-id.ts), without OpenSSL's key encoder. Under
// Node's OpenSSL 3, KeyObject.export({ type: 'spki', format: 'der' }) goes through the provider encoder framework and
// costs about a millisecond of CPU (measured 1.08 ms against 0.03 ms for a JWK export): every secure link paid it
// at both ends to learn the peer's id, a third of what a link costs beyond raw TLS. For a named-curve P-256 key the
// DER is fixed bytes around the point (RFC 5480 §2, X9.62 uncompressed form), so it is put together from the key's
// coordinates as OpenSSL exports them to JWK. No cryptography here: an encoding, checked against OpenSSL's own
// export on the first key of each process (a mismatch throws, so a wrong id is never derived).
import { createPublicKey, type KeyObject } from 'node:crypto'

/**
 * SEQUENCE (89) { SEQUENCE (19) { OID id-ecPublicKey 1.2.840.10045.2.1, OID prime256v1 1.2.840.10045.3.1.7 },
 * BIT STRING (66, no unused bits) }: what precedes the point in every P-256 SPKI.
 */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex')
const COORDINATE_BYTES = 32
/** X9.62 uncompressed point marker. */
const UNCOMPRESSED = 0x04
export const P256_SPKI_BYTES = P256_SPKI_PREFIX.length + 1 + 2 * COORDINATE_BYTES

let checkedAgainstOpenSsl = false

/**
 * The SPKI DER of an EC P-256 key (public or private: a private key gives its public half's), byte for byte what
 * `key.export({ type: 'spki', format: 'der' })` gives. Throws for any other kind of key.
 */
export function p256Spki(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' })
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new Error(`not a P-256 key (${String(jwk.kty)} ${String(jwk.crv)})`)
  }
  const spki = Buffer.allocUnsafe(P256_SPKI_BYTES)
  let at = P256_SPKI_PREFIX.copy(spki, 0)
  spki[at++] = UNCOMPRESSED
  for (const coordinate of [jwk.x, jwk.y]) {
    // JWK coordinates are the field size in bytes, leading zeros kept (RFC 7518 §6.2.1.2).
    if (Buffer.byteLength(coordinate, 'base64url') !== COORDINATE_BYTES) {
      throw new Error('a P-256 coordinate that is not 32 bytes')
    }
    at += spki.write(coordinate, at, COORDINATE_BYTES, 'base64url')
  }
  if (!checkedAgainstOpenSsl) {
    const publicKey = key.type === 'private' ? createPublicKey(key) : key
    const expected = publicKey.export({ type: 'spki', format: 'der' })
    if (!expected.equals(spki)) throw new Error('the P-256 SPKI encoding differs from OpenSSL’s export')
    checkedAgainstOpenSsl = true
  }
  return spki
}
