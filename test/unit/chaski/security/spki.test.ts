import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { P256_SPKI_BYTES, p256Spki } from '../../../../src/main/chaski/security/spki'

function p256(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
}

const opensslSpki = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' })

describe('p256Spki', () => {
  it('gives the bytes OpenSSL exports, for public and private keys', () => {
    for (let i = 0; i < 50; i++) {
      const { publicKey, privateKey } = p256()
      const expected = opensslSpki(publicKey)
      expect(expected.length).toBe(P256_SPKI_BYTES)
      expect(p256Spki(publicKey).equals(expected)).toBe(true)
      expect(p256Spki(privateKey).equals(expected)).toBe(true)
    }
  })

  it('keeps the leading zero bytes of a coordinate (the field size, not the number)', () => {
    // About one key in 128 has a coordinate starting with 0x00: look until both kinds were seen.
    const seen = { x: false, y: false }
    for (let i = 0; i < 20_000 && !(seen.x && seen.y); i++) {
      const { publicKey } = p256()
      const expected = opensslSpki(publicKey)
      const x0 = expected[27] === 0
      const y0 = expected[59] === 0
      if (!x0 && !y0) continue
      seen.x ||= x0
      seen.y ||= y0
      expect(p256Spki(publicKey).equals(expected)).toBe(true)
    }
    expect(seen).toEqual({ x: true, y: true })
  })

  it('refuses keys that are not P-256', () => {
    const ed = generateKeyPairSync('ed25519').publicKey
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey
    expect(() => p256Spki(ed)).toThrow(/not a P-256 key/)
    expect(() => p256Spki(p384)).toThrow(/not a P-256 key/)
  })
})
