// Advert signatures (docs/PROTOCOL.md §12 "Signatures"): the library's signer agrees with the document (the test
// helper written from it), and the checker tells a key that is not the origin's, or not a point at all, from a
// signature that does not verify.
import { describe, expect, it } from 'vitest'
import { readNeighbours, type NeighboursData } from '../../../../src/main/chaski/commands/neighbours'
import { msgpackCodec } from '../../../../src/main/chaski/codec'
import { AdvertVerifier, advertKeyBytes, signAdvert } from '../../../../src/main/chaski/map/advert-signature'
import { generateNodeKey } from '../../../../src/main/chaski/security/index'
import { compressedKey, signAdvertAs } from '../../../helpers/advert-signer'

const key = generateNodeKey()
const body: NeighboursData = {
  origin: key.id,
  seq: 1_765_000_000_123,
  ttl0: 2,
  name: 'nodo ñ',
  ip: '127.0.0.1',
  port: 4000,
  interval: 30,
  coord: [0.5, -0.0001, 0.00002, 0.001, -0.0025, 0, 0, 0.3, 0, 0, 1e-7],
  n: [['peer-a', 123, null, 0, 1]],
  more: 0,
  topics: ['alpha', 'beta'],
  tmore: 3
}

/** What a receiver reads from `data` sent over the wire. */
const overWire = (data: unknown): NeighboursData =>
  readNeighbours(msgpackCodec.decode(msgpackCodec.encode(data)))

describe('advert signatures', () => {
  it('the library signs what the document says, and checks what a document-written signer signs', () => {
    expect(advertKeyBytes(key.publicKey).equals(compressedKey(key))).toBe(true)
    const verifier = new AdvertVerifier()
    const ours = overWire({
      ...body,
      key: advertKeyBytes(key.publicKey),
      sig: signAdvert(body, key.privateKey)
    })
    expect(verifier.check(ours, ours.key!, ours.sig!)).toBe('ok')
    const theirs = overWire(signAdvertAs(key, body as unknown as Record<string, unknown>))
    expect(verifier.check(theirs, theirs.key!, theirs.sig!)).toBe('ok')
  })

  it("tells another node's key and a non-point from a bad signature", () => {
    const verifier = new AdvertVerifier()
    const other = generateNodeKey()
    const signed = overWire(signAdvertAs(key, body as unknown as Record<string, unknown>))
    // Another key that signs correctly, but is not the origin's.
    const byOther = overWire(signAdvertAs(other, body as unknown as Record<string, unknown>))
    expect(verifier.check(byOther, byOther.key!, byOther.sig!)).toBe('wrong-key')
    // 33 bytes that are no point of P-256 (x = 2^256 − 1 is beyond the field).
    const notAPoint = Buffer.alloc(33, 0xff)
    notAPoint[0] = 2
    expect(verifier.check(signed, notAPoint, signed.sig!)).toBe('wrong-key')
    // Each field changes what is signed.
    for (const change of [
      { seq: body.seq + 1 },
      { ttl0: 3 },
      { port: 4001 },
      { coord: null },
      { n: [] },
      { more: 1 },
      { topics: ['alpha'] },
      { tmore: 4 }
    ]) {
      expect(verifier.check({ ...signed, ...change }, signed.key!, signed.sig!), JSON.stringify(change)).toBe(
        'bad-signature'
      )
    }
  })
})
