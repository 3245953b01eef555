// The one way to show a value that came from the network (message data, and anything a custom deserializer may
// produce) as text: the dashboard's message list (through the host) and the CLI both use it. It cannot throw and its
// work is bounded whatever it is given: cycles print as [Circular], getters are never called, proxies and revoked
// proxies print as <unreadable>, nesting below `maxDepth` prints as […] / {…}, at most `maxNodes` values are visited,
// and the text stops at `maxChars`. Plain JSON data prints as compact JSON (strings quoted, except a top-level
// string in the UI); the rest gets a marker: <12 bytes>, 123n, Map{"k" => 1}, Set[1], <function>.

export interface PreviewBounds {
  /** Longest text, in characters; a cut is marked with '…'. @default 500 */
  maxChars?: number
  /** Most values visited (every array item, property and map entry counts). @default 1000 */
  maxNodes?: number
  /** Deepest nesting shown. @default 16 */
  maxDepth?: number
  /** Put a top-level string in JSON quotes (the CLI does, to show where it starts and ends). @default false */
  quoteStrings?: boolean
}

export const PREVIEW_DEFAULTS = { maxChars: 500, maxNodes: 1000, maxDepth: 16 } as const

/** Digits beyond which a BigInt is described, not printed (decimal conversion of a huge BigInt is slow). */
const BIGINT_MAX_HEX_DIGITS = 64

export function previewValue(value: unknown, bounds: PreviewBounds = {}): string {
  const maxChars = positive(bounds.maxChars, PREVIEW_DEFAULTS.maxChars)
  try {
    if (typeof value === 'string' && !bounds.quoteStrings) return cut(value, maxChars)
    const out = new Output(maxChars)
    new Walker(
      out,
      maxChars,
      positive(bounds.maxNodes, PREVIEW_DEFAULTS.maxNodes),
      positive(bounds.maxDepth, PREVIEW_DEFAULTS.maxDepth)
    ).visit(value, 0)
    return cut(out.text(), maxChars)
  } catch {
    // Nothing above should throw; if something still does (an engine limit), the caller still gets text.
    return '<value cannot be shown>'
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback
}

/** At most `max` characters, '…' when cut, never half of a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}

/** Collects text and says when it is full (one character past the limit, so the cut is visible). */
class Output {
  private readonly parts: string[] = []
  private length = 0
  full = false

  constructor(private readonly maxChars: number) {}

  write(text: string): void {
    if (this.full) return
    const room = this.maxChars + 1 - this.length
    if (text.length >= room) {
      this.parts.push(text.slice(0, room))
      this.length += room
      this.full = true
      return
    }
    this.parts.push(text)
    this.length += text.length
  }

  text(): string {
    return this.parts.join('')
  }
}

class Walker {
  private visited = 0
  /** Containers being printed (the path from the root): a value found here again is a cycle. */
  private readonly path: object[] = []

  constructor(
    private readonly out: Output,
    private readonly maxChars: number,
    private readonly maxNodes: number,
    private readonly maxDepth: number
  ) {}

  private get done(): boolean {
    return this.out.full || this.visited >= this.maxNodes
  }

  visit(value: unknown, depth: number): void {
    if (this.done) return
    this.visited++
    switch (typeof value) {
      case 'string':
        return this.out.write(quote(value, this.maxChars))
      case 'number':
      case 'boolean':
        return this.out.write(String(value))
      case 'undefined':
        return this.out.write('undefined')
      case 'bigint':
        return this.out.write(bigintText(value))
      case 'symbol':
        return this.out.write(cut(String(value), 100))
      case 'function':
        return this.out.write('<function>')
      default:
        if (value === null) return this.out.write('null')
        return this.container(value as object, depth)
    }
  }

  private container(value: object, depth: number): void {
    if (this.path.includes(value)) return this.out.write('[Circular]')
    try {
      const leaf = leafText(value)
      if (leaf !== null) return this.out.write(leaf)
      if (depth >= this.maxDepth) return this.out.write(Array.isArray(value) ? '[…]' : '{…}')
      this.path.push(value)
      try {
        if (Array.isArray(value)) this.array(value, depth)
        else if (value instanceof Map) this.map(value, depth)
        else if (value instanceof Set) this.set(value, depth)
        else this.object(value, depth)
      } finally {
        this.path.pop()
      }
    } catch {
      // A proxy whose traps throw, a revoked proxy, an exotic object: say so and go on with the rest.
      this.out.write('<unreadable>')
    }
  }

  private array(value: unknown[], depth: number): void {
    const length = (Object.getOwnPropertyDescriptor(value, 'length')?.value as number | undefined) ?? 0
    this.out.write('[')
    let i = 0
    for (; i < length && !this.done; i++) {
      if (i > 0) this.out.write(',')
      this.property(value, String(i), depth)
    }
    if (i < length) this.more(i > 0, length - i)
    this.out.write(']')
  }

  private object(value: object, depth: number): void {
    const keys = Object.keys(value)
    this.out.write('{')
    let i = 0
    for (; i < keys.length && !this.done; i++) {
      if (i > 0) this.out.write(',')
      this.out.write(`${quote(keys[i], this.maxChars)}:`)
      this.property(value, keys[i], depth)
    }
    if (i < keys.length) this.more(i > 0, keys.length - i)
    this.out.write('}')
  }

  /** Reads an own property without calling a getter. */
  private property(value: object, key: string, depth: number): void {
    let descriptor: PropertyDescriptor | undefined
    try {
      descriptor = Object.getOwnPropertyDescriptor(value, key)
    } catch {
      this.visited++
      return this.out.write('<unreadable>')
    }
    if (!descriptor) {
      this.visited++
      return this.out.write('<empty>')
    }
    if (!('value' in descriptor)) {
      this.visited++
      return this.out.write('<getter>')
    }
    this.visit(descriptor.value, depth + 1)
  }

  private map(value: Map<unknown, unknown>, depth: number): void {
    const entries = Map.prototype.entries.call(value)
    const size = Reflect.get(Map.prototype, 'size', value) as number
    this.out.write('Map{')
    let i = 0
    for (let step = entries.next(); !step.done && !this.done; step = entries.next(), i++) {
      if (i > 0) this.out.write(',')
      const [k, v] = step.value
      this.visit(k, depth + 1)
      this.out.write(' => ')
      this.visit(v, depth + 1)
    }
    if (i < size) this.more(i > 0, size - i)
    this.out.write('}')
  }

  private set(value: Set<unknown>, depth: number): void {
    const values = Set.prototype.values.call(value)
    const size = Reflect.get(Set.prototype, 'size', value) as number
    this.out.write('Set[')
    let i = 0
    for (let step = values.next(); !step.done && !this.done; step = values.next(), i++) {
      if (i > 0) this.out.write(',')
      this.visit(step.value, depth + 1)
    }
    if (i < size) this.more(i > 0, size - i)
    this.out.write(']')
  }

  private more(comma: boolean, count: number): void {
    this.out.write(`${comma ? ',' : ''}…${count} more`)
  }
}

/** Objects shown as one token (bytes, dates, regexps, errors), or null for containers. */
function leafText(value: object): string | null {
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return `<DataView ${value.byteLength} bytes>`
    const bytesPer = (value as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT
    if (bytesPer === 1) return `<${value.byteLength} bytes>`
    return `<${value.byteLength / bytesPer} × ${bytesPer}-byte numbers>`
  }
  if (value instanceof ArrayBuffer) return `<${value.byteLength} bytes>`
  if (value instanceof Date) {
    const time = Date.prototype.getTime.call(value)
    return Number.isNaN(time) ? 'Invalid Date' : JSON.stringify(new Date(time).toISOString())
  }
  if (value instanceof RegExp) return cut(RegExp.prototype.toString.call(value), 200)
  if (value instanceof Error) {
    const message = Object.getOwnPropertyDescriptor(value, 'message')?.value
    return `<Error${typeof message === 'string' ? `: ${cut(message, 200)}` : ''}>`
  }
  if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) return '<object>'
  return null
}

function bigintText(value: bigint): string {
  const hex = value.toString(16) // linear in the size, unlike the decimal conversion
  const digits = hex.startsWith('-') ? hex.length - 1 : hex.length
  if (digits > BIGINT_MAX_HEX_DIGITS) return `<${value < 0n ? 'negative ' : ''}bigint of ${digits * 4} bits>`
  return `${value.toString()}n`
}

/** A JSON string literal of at most `max` characters of `text` (JSON.stringify cannot throw on a string). */
function quote(text: string, max: number): string {
  return JSON.stringify(text.length > max ? cut(text, max) : text)
}
