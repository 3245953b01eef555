// Node ids derived from public keys (issue #13 "Identity"): the id is the lowercase base32 of SHA-256 over the key's
// SubjectPublicKeyInfo DER, so whoever proves the key on a link proves the id, and nothing else can. The display form
// groups it as Syncthing shows device ids (uppercase, a Luhn mod 32 check character per 13 characters, groups of 7),
// so a typo in a typed or read-out id is caught; its first two groups are the short id people compare.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { DISPLAY_GROUP_DATA_CHARS, NODE_ID_LENGTH, SHORT_ID_GROUPS } from './constants'
import { InvalidNodeIdError } from './errors'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]))
/** 256 bits in 52 characters leave 4 zero bits in the last one: only these two letters can end an id. */
const LAST_CHARS = new Set(['a', 'q'])
/** Read-out and typing confusions mapped as Syncthing does (digits that base32 does not use). */
const CONFUSABLE: Record<string, string> = { '0': 'o', '1': 'i', '8': 'b' }
const GROUP_CHARS = 7

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

/** True for a canonical node id: 52 lowercase base32 characters, the last one `a` or `q`. */
export function isNodeId(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== NODE_ID_LENGTH) return false
  for (const c of value) if (!VALUE.has(c)) return false
  return LAST_CHARS.has(value[NODE_ID_LENGTH - 1]!)
}

/** Luhn mod 32 check character of a group (the standard Luhn mod N, doubling from the rightmost character). */
function luhnCheck(group: string): string {
  let sum = 0
  let factor = 2
  for (let i = group.length - 1; i >= 0; i--) {
    const addend = factor * VALUE.get(group[i]!)!
    sum += Math.floor(addend / 32) + (addend % 32)
    factor = factor === 2 ? 1 : 2
  }
  return ALPHABET[(32 - (sum % 32)) % 32]!
}

/** `ABCDEFG-HIJKLMN-…`: 8 groups of 7 (the id's 52 characters plus 4 check characters), as Syncthing shows ids. */
export function formatNodeId(id: string): string {
  if (!isNodeId(id)) throw new InvalidNodeIdError(`not a node id: ${JSON.stringify(id.slice(0, 80))}`)
  let checked = ''
  for (let at = 0; at < NODE_ID_LENGTH; at += DISPLAY_GROUP_DATA_CHARS) {
    const group = id.slice(at, at + DISPLAY_GROUP_DATA_CHARS)
    checked += group + luhnCheck(group)
  }
  const groups: string[] = []
  for (let at = 0; at < checked.length; at += GROUP_CHARS) groups.push(checked.slice(at, at + GROUP_CHARS))
  return groups.join('-').toUpperCase()
}

/** The first groups of the display form (`ABCDEFG-HIJKLMN`): what a person reads to compare two ids. */
export function shortNodeId(id: string): string {
  return formatNodeId(id).split('-').slice(0, SHORT_ID_GROUPS).join('-')
}

/**
 * Reads a node id typed or pasted by a person: the canonical form, or the display form (any case, with or without
 * dashes and spaces, whose check characters must match). Throws InvalidNodeIdError saying what is wrong.
 */
export function parseNodeId(input: string): string {
  const compact = [...input.replace(/[\s-]/g, '').toLowerCase()].map((c) => CONFUSABLE[c] ?? c).join('')
  const shown = JSON.stringify(input.slice(0, 80))
  if (compact.length === NODE_ID_LENGTH) {
    if (isNodeId(compact)) return compact
    throw new InvalidNodeIdError(`not a node id: ${shown} (52 characters a–z and 2–7 expected)`)
  }
  const checkedLength = NODE_ID_LENGTH + NODE_ID_LENGTH / DISPLAY_GROUP_DATA_CHARS
  if (compact.length !== checkedLength) {
    throw new InvalidNodeIdError(
      `not a node id: ${shown} has ${compact.length} characters (52, or 56 with check characters, expected)`
    )
  }
  let id = ''
  for (let at = 0; at < checkedLength; at += DISPLAY_GROUP_DATA_CHARS + 1) {
    const group = compact.slice(at, at + DISPLAY_GROUP_DATA_CHARS)
    const check = compact[at + DISPLAY_GROUP_DATA_CHARS]
    if ([...group, check].some((c) => c === undefined || !VALUE.has(c)))
      throw new InvalidNodeIdError(`not a node id: ${shown} (characters a–z and 2–7 expected)`)
    if (luhnCheck(group) !== check) {
      throw new InvalidNodeIdError(
        `node id ${shown} has a typo: group ${(at / 14) * 2 + 2} ends with the wrong check character`
      )
    }
    id += group
  }
  if (!isNodeId(id)) throw new InvalidNodeIdError(`not a node id: ${shown}`)
  return id
}
