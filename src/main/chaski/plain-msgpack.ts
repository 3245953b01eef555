// Plain data only (docs/PROTOCOL.md §2): a frame body or datagram may hold nil, bool, int, float, str, bin, array
// and map, nothing else. msgpackr also understands extension types (records, structured clone with cycles, BigInt
// 0x42, Date, Set, Error, RegExp, typed arrays...), some of which cost far more CPU than their size (a 4 MiB BigInt)
// or build values the rest of the program cannot handle (a self-referencing object). This walks the bytes once,
// without allocating, and says what is wrong before any decoder sees them: an extension is found at its first byte,
// so refusing it costs about what skipping it costs.
import { MAX_DATA_DEPTH } from './constants'

// Levels of nesting being walked: values still expected at each level (scratch, reused; the walk never re-enters).
const remaining = new Int32Array(MAX_DATA_DEPTH + 2)
/** Largest msgpack 64-bit integer that is a JS safe integer: its high 32 bits stay below 2^21. */
const SAFE_HIGH_WORD = 0x200000

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`
}

function u16(buf: Uint8Array, at: number): number {
  return (buf[at]! << 8) | buf[at + 1]!
}

function u32(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0
}

/**
 * Checks that buf[start, end) is exactly one plain msgpack value (also: 64-bit integers within ±(2^53 − 1), at
 * most MAX_DATA_DEPTH levels of arrays and maps). Returns null when it is, else what is wrong, in words.
 */
export function plainMsgpackProblem(buf: Uint8Array, start: number, end: number): string | null {
  const after = plainValueEnd(buf, start, end)
  if (after < 0) return walkProblem
  return after === end ? null : `${end - after} trailing byte(s) after the value`
}

/** What the last plainValueEnd() that returned -1 found wrong. */
let walkProblem = ''

/** Why the last plainValueEnd() returned -1, in words. */
export function plainValueProblem(): string {
  return walkProblem
}

/**
 * The offset right after the plain msgpack value that starts at `start` (bytes after it, up to `end`, are not
 * looked at), or -1 when the bytes there are not one (plainValueProblem() says why). Same checks as
 * plainMsgpackProblem().
 */
export function plainValueEnd(buf: Uint8Array, start: number, end: number): number {
  const problem = walk(buf, start, end)
  if (problem === null) return walkEnd
  walkProblem = problem
  return -1
}

/** Where the last successful walk() stopped. */
let walkEnd = 0

function walk(buf: Uint8Array, start: number, end: number): string | null {
  let at = start
  let depth = 0
  remaining[0] = 1
  for (;;) {
    while (remaining[depth] === 0) {
      if (depth === 0) {
        walkEnd = at
        return null
      }
      depth--
    }
    remaining[depth]!--
    if (at >= end) return 'truncated value'
    const type = buf[at++]!
    // fixint, negative fixint
    if (type < 0x80 || type >= 0xe0) continue
    // fixstr
    if (type >= 0xa0 && type <= 0xbf) {
      at += type & 0x1f
      if (at > end) return 'truncated string'
      continue
    }
    let items = -1
    if (type <= 0x8f) items = (type & 0x0f) * 2
    else if (type <= 0x9f) items = type & 0x0f
    else {
      let size: number
      switch (type) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          continue
        case 0xcc:
        case 0xd0:
          size = 1
          break
        case 0xcd:
        case 0xd1:
          size = 2
          break
        case 0xca:
        case 0xce:
        case 0xd2:
          size = 4
          break
        case 0xcb:
          size = 8
          break
        case 0xcf:
        case 0xd3: {
          if (at + 8 > end) return 'truncated integer'
          const high = u32(buf, at)
          const low = u32(buf, at + 4)
          const safe =
            type === 0xcf
              ? high < SAFE_HIGH_WORD
              : high < SAFE_HIGH_WORD || (high >= 0xffe00000 && (high > 0xffe00000 || low > 0))
          if (!safe) return 'a 64-bit integer outside ±(2^53 − 1)'
          size = 8
          break
        }
        case 0xc4:
        case 0xd9:
          if (at + 1 > end) return 'truncated length'
          size = 1 + buf[at]!
          break
        case 0xc5:
        case 0xda:
          if (at + 2 > end) return 'truncated length'
          size = 2 + u16(buf, at)
          break
        case 0xc6:
        case 0xdb:
          if (at + 4 > end) return 'truncated length'
          size = 4 + u32(buf, at)
          break
        case 0xdc:
          if (at + 2 > end) return 'truncated length'
          items = u16(buf, at)
          size = 2
          break
        case 0xdd:
          if (at + 4 > end) return 'truncated length'
          items = u32(buf, at)
          size = 4
          break
        case 0xde:
          if (at + 2 > end) return 'truncated length'
          items = u16(buf, at) * 2
          size = 2
          break
        case 0xdf:
          if (at + 4 > end) return 'truncated length'
          items = u32(buf, at) * 2
          size = 4
          break
        case 0xc1:
          return `the reserved byte 0xc1 at offset ${at - 1 - start}`
        default:
          return extensionProblem(buf, type, at, end, at - 1 - start)
      }
      at += size
      if (at > end) return 'truncated value'
      if (items < 0) continue
    }
    if (items === 0) continue
    // Every item takes at least one byte: a count above the bytes left is a lie (and never worth walking).
    if (items > end - at) return 'a length beyond the end of the data'
    if (depth === MAX_DATA_DEPTH) return `arrays or maps nested more than ${MAX_DATA_DEPTH} deep`
    remaining[++depth] = items
  }
}

/** ext 8/16/32 (0xc7–0xc9) and fixext 1–16 (0xd4–0xd8): named by their type byte. */
function extensionProblem(buf: Uint8Array, type: number, at: number, end: number, offset: number): string {
  const typeAt = type === 0xc7 ? at + 1 : type === 0xc8 ? at + 2 : type === 0xc9 ? at + 4 : at
  const extType = typeAt < end ? (buf[typeAt]! << 24) >> 24 : null
  const what = extType === null ? hex(type) : `type ${extType}`
  return `msgpack extension ${what} at offset ${offset} (plain data only: nil, bool, int, float, str, bin, array, map)`
}
