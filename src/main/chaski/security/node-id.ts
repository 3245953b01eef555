// Node ids derived from public keys (issue #13 "Identity"): the id is the lowercase base32 of SHA-256 over the key's
// SubjectPublicKeyInfo DER, so whoever proves the key on a link proves the id, and nothing else can. The display form
// groups it as Syncthing shows device ids (uppercase, a Luhn mod 32 check character per 13 characters, groups of 7),
// so a typo in a typed or read-out id is caught; its first two groups are the short id people compare. The text forms
// live in src/shared/node-id-text.ts (the dashboard shows ids the same way); this module adds the crypto.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { InvalidNodeIdError } from './errors'
import { groupNodeId, isNodeId, parseNodeIdText, shortGroupedNodeId } from '../../../shared/node-id-text'

export { isNodeId }

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/** RFC 4648 base32, lowercase, without padding. */
export function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

/** The node id of a public key given as SubjectPublicKeyInfo DER. */
export function nodeIdFromSpki(spki: Uint8Array): string {
  return base32(createHash('sha256').update(spki).digest())
}

/** The node id of a public key (a private key gives its public half's id). */
export function nodeIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  return nodeIdFromSpki(publicKey.export({ type: 'spki', format: 'der' }))
}

/** `ABCDEFG-HIJKLMN-…`: 8 groups of 7 (the id's 52 characters plus 4 check characters), as Syncthing shows ids. */
export function formatNodeId(id: string): string {
  const grouped = groupNodeId(id)
  if (grouped === null) throw new InvalidNodeIdError(`not a node id: ${JSON.stringify(id.slice(0, 80))}`)
  return grouped
}

/** The first groups of the display form (`ABCDEFG-HIJKLMN`): what a person reads to compare two ids. */
export function shortNodeId(id: string): string {
  formatNodeId(id) // throws for what is not a node id
  return shortGroupedNodeId(id)!
}

/**
 * Reads a node id typed or pasted by a person: the canonical form, or the display form (any case, with or without
 * dashes and spaces, whose check characters must match). Throws InvalidNodeIdError saying what is wrong.
 */
export function parseNodeId(input: string): string {
  const parsed = parseNodeIdText(input)
  if (!parsed.ok) throw new InvalidNodeIdError(parsed.message)
  return parsed.id
}
