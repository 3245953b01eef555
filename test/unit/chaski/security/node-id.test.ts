import { describe, expect, it } from 'vitest'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import {
  base32,
  formatNodeId,
  isNodeId,
  nodeIdFromSpki,
  nodeIdOf,
  parseNodeId,
  shortNodeId
} from '../../../../src/main/chaski/security/node-id'
import { generateNodeKey } from '../../../../src/main/chaski/security/node-key'
import { MAX_ID_LENGTH } from '../../../../src/main/chaski/constants'

describe('base32', () => {
  it('matches the RFC 4648 test vectors (lowercase, no padding)', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'my'],
      ['fo', 'mzxq'],
      ['foo', 'mzxw6'],
      ['foob', 'mzxw6yq'],
      ['fooba', 'mzxw6ytb'],
      ['foobar', 'mzxw6ytboi']
    ]
    for (const [input, output] of vectors) expect(base32(Buffer.from(input))).toBe(output)
  })
})

describe('node id', () => {
  it('is 52 lowercase base32 characters, within the protocol id limit, and the same for a key every time', () => {
    const key = generateNodeKey()
    expect(key.id).toMatch(/^[a-z2-7]{52}$/)
    expect(key.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH)
    expect(isNodeId(key.id)).toBe(true)
    // From the public key, from the private key, from the SPKI bytes: one id.
    expect(nodeIdOf(key.publicKey)).toBe(key.id)
    expect(nodeIdOf(key.privateKey)).toBe(key.id)
    expect(nodeIdFromSpki(createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' }))).toBe(
      key.id
    )
  })

  it('differs between keys', () => {
    const ids = new Set(Array.from({ length: 50 }, () => generateNodeKey().id))
    expect(ids.size).toBe(50)
  })

  it('is not a random UUID nor anything else of the wrong shape', () => {
    expect(isNodeId('3f0c7a52-9a55-4a59-a1a6-0d4c4a2f4e8a')).toBe(false)
    expect(isNodeId('a'.repeat(51))).toBe(false)
    expect(isNodeId('a'.repeat(51) + 'b')).toBe(false) // 4 padding bits set: never the output of base32
    expect(isNodeId('A'.repeat(52))).toBe(false)
    expect(isNodeId(42)).toBe(false)
  })
})

describe('display form and short id', () => {
  const id = generateNodeKey().id

  it('shows 8 uppercase groups of 7 (id + 4 check characters), the short id being the first two', () => {
    const shown = formatNodeId(id)
    expect(shown).toMatch(/^[A-Z2-7]{7}(-[A-Z2-7]{7}){7}$/)
    expect(shown.replace(/-/g, '').toLowerCase()).toContain(id.slice(0, 13))
    expect(shortNodeId(id)).toBe(shown.slice(0, 15))
    expect(shortNodeId(id)).toMatch(/^[A-Z2-7]{7}-[A-Z2-7]{7}$/)
  })

  it('reads back from what a person types: any case, dashes or spaces, the digits 0, 1, 8 for O, I, B', () => {
    const shown = formatNodeId(id)
    expect(parseNodeId(shown)).toBe(id)
    expect(parseNodeId(shown.toLowerCase().replace(/-/g, ' '))).toBe(id)
    expect(parseNodeId(` ${id} `)).toBe(id)
    expect(parseNodeId(shown.replace(/O/g, '0').replace(/I/g, '1').replace(/B/g, '8'))).toBe(id)
  })

  it('catches every single-character typo in the display form', () => {
    const compact = formatNodeId(id).replace(/-/g, '')
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
    let caught = 0
    let tried = 0
    for (let i = 0; i < compact.length; i++) {
      for (const c of alphabet) {
        if (c === compact[i]) continue
        tried++
        const typo = compact.slice(0, i) + c + compact.slice(i + 1)
        try {
          parseNodeId(typo)
        } catch (err) {
          expect((err as Error).name).toBe('InvalidNodeIdError')
          caught++
        }
      }
    }
    expect(tried).toBe(56 * 31)
    expect(caught).toBe(tried)
  })

  it('says what is wrong with something that is not an id', () => {
    expect(() => parseNodeId('hello')).toThrow(/has 5 characters/)
    expect(() => formatNodeId('not-an-id')).toThrow(/not a node id/)
  })

  it('works for keys of other kinds too (the id is only a hash of the SPKI)', () => {
    const { publicKey } = generateKeyPairSync('ed25519')
    expect(isNodeId(nodeIdOf(publicKey))).toBe(true)
  })
})
