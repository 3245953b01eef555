// The optional network key (issue #13): a fleet of headless nodes shares a secret, and a node links only with nodes
// that prove they know it. The proof is an HMAC-SHA-256 with the key over the link's channel binding (tls-link.ts)
// and the sender's role: bound to this one link (a proof seen on another link, or an old one, is worth nothing) and
// to the direction (a peer cannot send our own proof back to us). Nothing in a proof reveals the key.
//
// Network-key file format (text, mode 0600): one or two keys, one per line, each 32 random bytes written as 64 hex
// digits or 43 base64url characters; blank lines and lines starting with `#` are ignored. Two keys exist only during
// a rotation (the new one first): a node proves every key it holds and accepts a peer that proves any of them.
// `generateNetworkKeyText()` writes a new file's text; `openssl rand -hex 32` gives a key too.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import {
  CHANNEL_BINDING_BYTES,
  MAX_NETWORK_KEYS,
  MIN_NETWORK_KEY_DISTINCT_BYTES,
  NETWORK_KEY_BYTES,
  NETWORK_KEY_PROOF_LABEL
} from './constants'
import { KeyFileError, KeyFilePermissionsError, NetworkKeyFileError, NetworkKeyMismatchError } from './errors'
import { readProtectedFile, type KeyFileOptions } from './protected-file'
import type { LinkRole } from './tls-link'

export interface NetworkKeySet {
  /** The keys, the preferred (newest) first; never logged. */
  readonly keys: readonly Buffer[]
  /** A short fingerprint per key (not the key: an HMAC of a fixed text), to tell which keys a node holds. */
  readonly fingerprints: readonly string[]
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}=?$/
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/

/** A new network-key file's text (one fresh key, with a comment saying what the file is). */
export function generateNetworkKeyText(): string {
  return (
    '# Chaski network key: nodes link only with nodes holding the same key. Keep it secret (mode 0600).\n' +
    `${randomBytes(NETWORK_KEY_BYTES).toString('hex')}\n`
  )
}

/** Reads the keys of a network-key file's text; throws NetworkKeyFileError naming `source` and what is wrong. */
export function parseNetworkKeyText(text: string, source: string): NetworkKeySet {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
  if (lines.length === 0) throw new NetworkKeyFileError(`the network-key file ${source} holds no key`)
  if (lines.length > MAX_NETWORK_KEYS) {
    throw new NetworkKeyFileError(
      `the network-key file ${source} holds ${lines.length} keys; at most ${MAX_NETWORK_KEYS} (the new and the old ` +
        'one, during a rotation)'
    )
  }
  const keys = lines.map((line, i) => decodeKey(line, `${source}, key ${i + 1}`))
  if (keys.length === 2 && timingSafeEqual(keys[0]!, keys[1]!)) {
    throw new NetworkKeyFileError(`the network-key file ${source} holds the same key twice`)
  }
  return { keys, fingerprints: keys.map(fingerprint) }
}

function decodeKey(line: string, where: string): Buffer {
  let key: Buffer
  if (HEX_KEY.test(line)) key = Buffer.from(line, 'hex')
  else if (BASE64URL_KEY.test(line)) key = Buffer.from(line, 'base64url')
  else if (BASE64_KEY.test(line)) key = Buffer.from(line, 'base64')
  else {
    // Never echo the line: it may be a secret in the wrong format.
    throw new NetworkKeyFileError(
      `${where} is not a network key: 32 random bytes written as 64 hex digits (or 43 base64url characters) ` +
        `expected, got a line of ${line.length} characters. Make one with \`openssl rand -hex 32\``
    )
  }
  if (new Set(key).size < MIN_NETWORK_KEY_DISTINCT_BYTES) {
    throw new NetworkKeyFileError(
      `${where} is too regular to be a random key (${new Set(key).size} distinct byte values): ` +
        'make one with `openssl rand -hex 32`'
    )
  }
  return key
}

function fingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('chaski network-key fingerprint').digest('hex').slice(0, 8)
}

/** Reads a network-key file: a regular file, mode 0600 (checked as node keys are), holding valid keys. */
export async function loadNetworkKeyFile(file: string, options: KeyFileOptions = {}): Promise<NetworkKeySet> {
  let text: string
  try {
    text = await readProtectedFile(file, 'network-key file', options)
  } catch (err) {
    if (err instanceof KeyFileError || err instanceof KeyFilePermissionsError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new NetworkKeyFileError(
      `cannot read the network-key file ${file}: ${code ?? (err as Error).message}`
    )
  }
  return parseNetworkKeyText(text, file)
}

/** What a proof is computed over: the link's channel binding, and which end the prover is. */
export interface ProofLink {
  readonly channelBinding: Buffer
  readonly role: LinkRole
}

function proof(key: Buffer, channelBinding: Buffer, proverRole: LinkRole): Buffer {
  return createHmac('sha256', key)
    .update(NETWORK_KEY_PROOF_LABEL)
    .update(Buffer.from([0, proverRole === 'dialler' ? 1 : 2]))
    .update(channelBinding)
    .digest()
}

/** Our proofs for `link` (one per key we hold), to send to the peer in our secure handshake. */
export function networkKeyProofs(set: NetworkKeySet, link: ProofLink): Buffer[] {
  return set.keys.map((key) => proof(key, link.channelBinding, link.role))
}

/**
 * Checks the peer's proofs (untrusted: anything from the wire) against every key we hold. Throws
 * NetworkKeyMismatchError when they are malformed or none was made with one of our keys on this link by the peer's
 * end of it. Returns the index of our key that matched (0 = our newest).
 */
export function verifyNetworkKeyProofs(set: NetworkKeySet, link: ProofLink, proofs: unknown): number {
  if (link.channelBinding.length !== CHANNEL_BINDING_BYTES) throw new Error('not a channel binding')
  if (
    !Array.isArray(proofs) ||
    proofs.length === 0 ||
    proofs.length > MAX_NETWORK_KEYS ||
    !proofs.every((p) => p instanceof Uint8Array && p.byteLength === NETWORK_KEY_BYTES)
  ) {
    throw new NetworkKeyMismatchError(
      `the peer's network-key proof is malformed (1 to ${MAX_NETWORK_KEYS} values of ${NETWORK_KEY_BYTES} bytes expected)`
    )
  }
  const peerRole: LinkRole = link.role === 'dialler' ? 'acceptor' : 'dialler'
  let matched = -1
  // Every pair is compared (no early exit), in constant time each.
  set.keys.forEach((key, index) => {
    const expected = proof(key, link.channelBinding, peerRole)
    for (const received of proofs as Uint8Array[]) {
      if (timingSafeEqual(expected, received) && matched === -1) matched = index
    }
  })
  if (matched === -1) throw new NetworkKeyMismatchError('the peer does not hold our network key')
  return matched
}

/** True for what parseNetworkKeyText / loadNetworkKeyFile return (options are checked with it). */
export function isNetworkKeySet(value: unknown): value is NetworkKeySet {
  const set = value as Partial<NetworkKeySet> | null
  return (
    typeof set === 'object' &&
    set !== null &&
    Array.isArray(set.keys) &&
    set.keys.length >= 1 &&
    set.keys.length <= MAX_NETWORK_KEYS &&
    set.keys.every((key) => Buffer.isBuffer(key) && key.length === NETWORK_KEY_BYTES) &&
    Array.isArray(set.fingerprints) &&
    set.fingerprints.length === set.keys.length
  )
}
