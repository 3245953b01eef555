// How node ids read to people (issue #13): a node id is the lowercase base32 of SHA-256 over its public key (52
// characters, src/main/chaski/security/node-id.ts). Shown grouped as Syncthing shows device ids: uppercase, a Luhn
// mod 32 check character per 13 characters, groups of 7, so a typo in a typed or read-out id is caught; the first
// two groups are the short id people compare. Pure text, no crypto: the library, the host, the CLI and the dashboard
// all format and read ids with this one module.

export const NODE_ID_LENGTH = 52
/** Characters of the id per check character (as in Syncthing). */
const GROUP_DATA_CHARS = 13
/** Characters per group of the display form. */
const GROUP_CHARS = 7
/** Groups shown as the short id: 2 × 7 characters, 65 bits of the id. */
export const SHORT_ID_GROUPS = 2

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]))
/** 256 bits in 52 characters leave 4 zero bits in the last one: only these two letters can end an id. */
const LAST_CHARS = new Set(['a', 'q'])
/** Read-out and typing confusions mapped as Syncthing does (digits that base32 does not use). */
const CONFUSABLE: Record<string, string> = { '0': 'o', '1': 'i', '8': 'b' }

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

/** `ABCDEFG-HIJKLMN-…` (8 groups of 7: the 52 characters plus 4 check characters); null for what is not a node id. */
export function groupNodeId(id: string): string | null {
  if (!isNodeId(id)) return null
  let checked = ''
  for (let at = 0; at < NODE_ID_LENGTH; at += GROUP_DATA_CHARS) {
    const group = id.slice(at, at + GROUP_DATA_CHARS)
    checked += group + luhnCheck(group)
  }
  const groups: string[] = []
  for (let at = 0; at < checked.length; at += GROUP_CHARS) groups.push(checked.slice(at, at + GROUP_CHARS))
  return groups.join('-').toUpperCase()
}

/** The first groups of the display form (`ABCDEFG-HIJKLMN`); null for what is not a node id. */
export function shortGroupedNodeId(id: string): string | null {
  return groupNodeId(id)?.split('-').slice(0, SHORT_ID_GROUPS).join('-') ?? null
}

/** An id as people see it: grouped when it is a key id; an older id (a UUID from before secure links) as it is. */
export function displayNodeId(id: string): string {
  return groupNodeId(id) ?? id
}

/** The grouped form split in its groups, for layouts that wrap between groups; [id] for other ids. */
export function nodeIdGroups(id: string): string[] {
  return groupNodeId(id)?.split('-') ?? [id]
}

/**
 * Reads a node id typed or pasted by a person: the canonical form, or the display form (any case, with or without
 * dashes and spaces, whose check characters must match). The error says what is wrong.
 */
export function parseNodeIdText(input: string): { ok: true; id: string } | { ok: false; message: string } {
  const compact = [...input.replace(/[\s-]/g, '').toLowerCase()].map((c) => CONFUSABLE[c] ?? c).join('')
  const shown = JSON.stringify(input.slice(0, 80))
  const bad = (message: string) => ({ ok: false as const, message })
  if (compact.length === NODE_ID_LENGTH) {
    if (isNodeId(compact)) return { ok: true, id: compact }
    return bad(`not a node id: ${shown} (52 characters a–z and 2–7 expected)`)
  }
  const checkedLength = NODE_ID_LENGTH + NODE_ID_LENGTH / GROUP_DATA_CHARS
  if (compact.length !== checkedLength)
    return bad(
      `not a node id: ${shown} has ${compact.length} characters (52, or 56 with check characters, expected)`
    )
  let id = ''
  for (let at = 0; at < checkedLength; at += GROUP_DATA_CHARS + 1) {
    const group = compact.slice(at, at + GROUP_DATA_CHARS)
    const check = compact[at + GROUP_DATA_CHARS]
    if ([...group, check].some((c) => c === undefined || !VALUE.has(c)))
      return bad(`not a node id: ${shown} (characters a–z and 2–7 expected)`)
    if (luhnCheck(group) !== check)
      return bad(
        `node id ${shown} has a typo: group ${(at / 14) * 2 + 2} ends with the wrong check character`
      )
    id += group
  }
  if (!isNodeId(id)) return bad(`not a node id: ${shown}`)
  return { ok: true, id }
}
