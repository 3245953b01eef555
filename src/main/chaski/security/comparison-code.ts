// The comparison code of approve mode (issue #13): both people see the same six digits on their screens when, and
// only when, their two nodes are linked to each other directly, with no relay in the middle.
//
// Why not a code from the two public keys alone: keys are public and fixed, so a relay can prepare, before any link,
// two keys of its own M1 and M2 with code(A, M1) = code(M2, B); for 6 digits that takes about a thousand key pairs on
// each side (a birthday search, a fraction of a second). Even a code bound to the TLS link (its exporter) can be
// searched by the relay's TLS server side, which picks its handshake values after seeing the dialler's.
// So the code also covers two nonces, exchanged in a commit-then-reveal order (as in ZRTP's or Bluetooth's numeric
// comparison): the dialler sends a commitment to its nonce first, the acceptor answers with its own nonce, then the
// dialler reveals its nonce, which must match the commitment. Neither end can choose its nonce after seeing the
// other's, so a relay running two links matches the two codes with probability 10^-6 per attempt, and every failed
// attempt shows the two people different codes.
//
// Messages (in the secure handshake, once TLS is up): dialler → `commit` (32 bytes); acceptor → `nonce` (32 bytes);
// dialler → `reveal` (its 32-byte nonce). Then both compute comparisonCode().
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import {
  CHANNEL_BINDING_BYTES,
  COMPARISON_CODE_DIGITS,
  COMPARISON_CODE_LABEL,
  COMPARISON_COMMIT_LABEL,
  COMPARISON_COMMITMENT_BYTES,
  COMPARISON_NONCE_BYTES
} from './constants'
import { ComparisonCommitmentError } from './errors'

export interface ComparisonCommitment {
  /** Kept by the dialler until it reveals it. */
  readonly nonce: Buffer
  /** Sent first. */
  readonly commitment: Buffer
}

function commit(channelBinding: Buffer, nonce: Uint8Array): Buffer {
  return createHash('sha256').update(COMMIT_PREFIX).update(channelBinding).update(nonce).digest()
}

const COMMIT_PREFIX = Buffer.from(`${COMPARISON_COMMIT_LABEL}\0`)
const CODE_PREFIX = Buffer.from(`${COMPARISON_CODE_LABEL}\0`)

/** The dialler's nonce and its commitment (bound to this link's channel binding). */
export function createComparisonCommitment(channelBinding: Buffer): ComparisonCommitment {
  const nonce = randomBytes(COMPARISON_NONCE_BYTES)
  return { nonce, commitment: commit(channelBinding, nonce) }
}

/** The acceptor's nonce. */
export function createComparisonNonce(): Buffer {
  return randomBytes(COMPARISON_NONCE_BYTES)
}

function isBytes(value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.byteLength === length
}

/**
 * The acceptor's check of the dialler's reveal against the commitment it received first (both untrusted). Throws
 * ComparisonCommitmentError when either is malformed or they do not match.
 */
export function checkComparisonReveal(channelBinding: Buffer, commitment: unknown, nonce: unknown): void {
  if (!isBytes(commitment, COMPARISON_COMMITMENT_BYTES) || !isBytes(nonce, COMPARISON_NONCE_BYTES)) {
    throw new ComparisonCommitmentError(
      `comparison commitment and nonce must be ${COMPARISON_NONCE_BYTES} bytes each`
    )
  }
  if (!timingSafeEqual(commit(channelBinding, nonce), commitment)) {
    throw new ComparisonCommitmentError(
      "the peer's revealed nonce does not match the commitment it sent first"
    )
  }
}

export interface ComparisonInput {
  /** The link's channel binding (tls-link.ts): equal at both ends of one link only. */
  readonly channelBinding: Buffer
  /** Both nodes' public keys (SubjectPublicKeyInfo DER), in either order. */
  readonly keys: readonly [Uint8Array, Uint8Array]
  readonly diallerNonce: Uint8Array
  readonly acceptorNonce: Uint8Array
}

/** Six digits shown as `123 456`: the same at both ends of one direct link, whichever end computes it. */
export function comparisonCode(input: ComparisonInput): string {
  if (input.channelBinding.length !== CHANNEL_BINDING_BYTES) throw new Error('not a channel binding')
  const [a, b] = [...input.keys].sort(Buffer.compare)
  const hash = createHash('sha256').update(CODE_PREFIX).update(input.channelBinding)
  for (const field of [a!, b!, input.diallerNonce, input.acceptorNonce]) {
    // Length-prefixed, so no two different inputs hash alike by shifting bytes between fields.
    const length = Buffer.alloc(4)
    length.writeUInt32BE(field.byteLength)
    hash.update(length).update(field)
  }
  // 64 bits reduced modulo 10^6: the bias (10^6 / 2^64) is far below anything a person could notice.
  const value = hash.digest().readBigUInt64BE(0) % 10n ** BigInt(COMPARISON_CODE_DIGITS)
  const digits = value.toString().padStart(COMPARISON_CODE_DIGITS, '0')
  return `${digits.slice(0, 3)} ${digits.slice(3)}`
}
