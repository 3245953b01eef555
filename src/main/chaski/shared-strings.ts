// Strings a node keeps from the wire for long (ids, names, addresses, topics of stored adverts), kept flat and shared
// by every node of the process. msgpackr's native string extraction decodes a whole run of strings at once and hands
// out slices of it: a slice that is kept holds the whole run alive (a few hundred bytes per stored advert), and each
// node that stores the same advert would keep its own copy of the same ids.

/** Bounded: past it the table starts over (strings already handed out stay valid; only sharing is lost). */
const MAX_SHARED = 16_384
/** V8 makes a slice of a string of this length or more a view into its parent (SlicedString::kMinLength). */
const SLICE_MIN_LENGTH = 13

const shared = new Map<string, string>()

/** The process's one flat copy of `value` (equal to it). */
export function sharedString(value: string): string {
  const known = shared.get(value)
  if (known !== undefined) return known
  // A fresh sequential string: a round trip through bytes never returns a slice of its input.
  const flat = value.length < SLICE_MIN_LENGTH ? value : Buffer.from(value, 'utf8').toString('utf8')
  if (shared.size >= MAX_SHARED) shared.clear()
  shared.set(flat, flat)
  return flat
}
