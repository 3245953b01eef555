// Message ids (the envelope's `uuid`, spec §2): a random 64-bit process prefix plus a counter. Unique across
// nodes (random prefix) and cheap enough for every frame; randomUUID() per message was a measurable cost.
// Frames that never need the id as a string (control frames, publish without propagation) get it written
// straight into the frame as bytes (writeNextMessageId): no string is built, concatenated or flattened.
import { randomBytes } from 'node:crypto'

const prefix = randomBytes(8).toString('hex') + '-'
const PREFIX_BYTES = Buffer.from(prefix, 'latin1')
const ZERO = 0x30
const NINE = 0x39
const A = 0x61
const Z = 0x7a
let counter = 0
// Digits of `counter` in base 36, kept up to date so a frame's size is known without converting the number.
let digits = 1
let nextDigitAt = 36
/** `counter` in base 36 as ASCII, most significant first (digits of them used), counted up with it. */
const COUNTER_TEXT = Buffer.alloc(12, ZERO)

function next(): number {
  counter++
  if (counter === Number.MAX_SAFE_INTEGER) {
    counter = 0
    digits = 1
    nextDigitAt = 36
    COUNTER_TEXT[0] = ZERO
  } else if (!countUp()) {
    // A carry out of the first digit: counter is 36^digits, written 1 followed by zeros.
    digits++
    nextDigitAt *= 36
    COUNTER_TEXT[0] = ZERO + 1
    COUNTER_TEXT[digits - 1] = ZERO
  }
  return counter
}

/** COUNTER_TEXT + 1 (an odometer: no division per id); false when it carried out of the first digit. */
function countUp(): boolean {
  for (let i = digits - 1; i >= 0; i--) {
    const c = COUNTER_TEXT[i]!
    if (c === Z) {
      COUNTER_TEXT[i] = ZERO
      continue
    }
    COUNTER_TEXT[i] = c === NINE ? A : c + 1
    return true
  }
  return false
}

export function nextMessageId(): string {
  return prefix + next().toString(36)
}

/** Encoded size (msgpack header included) of the id writeNextMessageId() writes next. */
export function nextMessageIdSize(): number {
  const after = counter + 1
  const n = after === Number.MAX_SAFE_INTEGER ? 1 : after === nextDigitAt ? digits + 1 : digits
  return 1 + PREFIX_BYTES.length + n
}

/**
 * Writes the next id as a msgpack string (fixstr header + ASCII bytes: the same bytes nextMessageId() would
 * give) at `at` and returns the offset after it. Room for nextMessageIdSize() bytes must be reserved.
 */
export function writeNextMessageId(buf: Uint8Array, at: number): number {
  // The header announces the length the next id will have (digits may grow by one when it is taken).
  buf[at] = 0xa0 | (nextMessageIdSize() - 1)
  // A native copy: a byte loop is slower until the JIT has optimized it (handshakes come before that).
  buf.set(PREFIX_BYTES, at + 1)
  return writeNextMessageIdDigits(buf, at + 1 + PREFIX_BYTES.length)
}

/** The process's id prefix as bytes (ids are `<prefix><counter in base 36>`). */
export function messageIdPrefix(): Buffer {
  return PREFIX_BYTES
}

/**
 * Takes the next id and writes only its counter digits at `at` (the caller wrote the fixstr header for
 * nextMessageIdSize() and the prefix before them); returns the offset after them.
 */
export function writeNextMessageIdDigits(buf: Uint8Array, at: number): number {
  next()
  const n = digits
  for (let i = 0; i < n; i++) buf[at + i] = COUNTER_TEXT[i]!
  return at + n
}
