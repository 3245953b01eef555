// The comparison code's properties, on fixed inputs (so no assertion depends on chance) and on many counted ones.
import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import {
  checkComparisonReveal,
  comparisonCode,
  createComparisonCommitment,
  createComparisonNonce
} from '../../../../src/main/chaski/security/comparison-code'

/** Deterministic 32-byte values (and stand-ins for keys: the code treats keys as bytes). */
const bytes = (label: string, n = 32): Buffer => createHash('sha512').update(label).digest().subarray(0, n)

const base = {
  channelBinding: bytes('binding'),
  keys: [bytes('key A', 91), bytes('key B', 91)] as [Buffer, Buffer],
  diallerNonce: bytes('dialler nonce'),
  acceptorNonce: bytes('acceptor nonce')
}

describe('comparisonCode', () => {
  it('is six digits in two groups, the same whichever end computes it (keys in either order), every time', () => {
    const code = comparisonCode(base)
    expect(code).toMatch(/^\d{3} \d{3}$/)
    expect(comparisonCode({ ...base, keys: [base.keys[1], base.keys[0]] })).toBe(code)
    expect(comparisonCode({ ...base })).toBe(code)
  })

  it('changes with either key, the link, or either nonce', () => {
    const code = comparisonCode(base)
    const variants = [
      { ...base, keys: [bytes('key M', 91), base.keys[1]] as [Buffer, Buffer] },
      { ...base, keys: [base.keys[0], bytes('key M', 91)] as [Buffer, Buffer] },
      { ...base, channelBinding: bytes('another link') },
      { ...base, diallerNonce: bytes('another dialler nonce') },
      { ...base, acceptorNonce: bytes('another acceptor nonce') },
      // The nonces' roles matter: swapping them is another code.
      { ...base, diallerNonce: base.acceptorNonce, acceptorNonce: base.diallerNonce }
    ]
    for (const variant of variants) expect(comparisonCode(variant)).not.toBe(code)
  })

  it('spreads over its million values: 20,000 different links give nearly 20,000 different codes', () => {
    const codes = new Set<string>()
    const firstDigits = new Array<number>(10).fill(0)
    for (let i = 0; i < 20_000; i++) {
      const code = comparisonCode({ ...base, channelBinding: bytes(`link ${i}`) })
      codes.add(code)
      firstDigits[Number(code[0])]!++
    }
    // Uniform codes collide about n²/2m = 200 times; a code with a few bits less would collide far more.
    expect(codes.size).toBeGreaterThan(19_600)
    for (const count of firstDigits) expect(count).toBeGreaterThan(1_700)
  })
})

describe('commit, then reveal', () => {
  const binding = bytes('binding')

  it("accepts the dialler's revealed nonce when it matches its commitment on this link", () => {
    const { nonce, commitment } = createComparisonCommitment(binding)
    expect(() => checkComparisonReveal(binding, commitment, nonce)).not.toThrow()
    expect(createComparisonNonce()).toHaveLength(32)
  })

  it('refuses another nonce, the commitment of another link, and malformed values', () => {
    const { nonce, commitment } = createComparisonCommitment(binding)
    const other = createComparisonCommitment(binding)
    const refusals: [unknown, unknown, Buffer][] = [
      [commitment, other.nonce, binding],
      [commitment, nonce, bytes('another link')],
      [commitment.subarray(0, 31), nonce, binding],
      [commitment, 'a nonce', binding],
      [null, nonce, binding],
      [[...commitment], nonce, binding]
    ]
    for (const [c, n, b] of refusals) {
      expect(() => checkComparisonReveal(b, c, n)).toThrow(
        expect.objectContaining({ name: 'ComparisonCommitmentError' })
      )
    }
  })

  it('does not reveal the nonce: two commitments to fresh nonces differ', () => {
    const a = createComparisonCommitment(binding)
    const b = createComparisonCommitment(binding)
    expect(a.commitment.equals(b.commitment)).toBe(false)
    expect(a.commitment.includes(a.nonce)).toBe(false)
  })
})
