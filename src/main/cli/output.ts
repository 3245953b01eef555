// How commands talk to the person (or script) running them: human-readable lines, or with --json one JSON object
// per line on stdout (`{"event": ..., "time": ..., ...fields}`), so scripts can follow a node line by line.
import { braceEscape, displayText, escapeUnsafeInJson } from '../../shared/display-text'
import { previewValue } from '../../shared/value-preview'

/** Where a command writes; injectable so commands can be driven without a real terminal. */
export interface CliStreams {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

export const processStreams: CliStreams = { stdout: process.stdout, stderr: process.stderr }

export interface EventPrinter {
  readonly json: boolean
  /** One event: JSON mode prints `fields` as one line; human mode prints `human` (with a time prefix if asked). */
  event(name: string, fields: Record<string, unknown>, human: string): void
  /** A failure worth reporting: JSON mode prints an 'error' event on stdout; human mode a line on stderr. */
  error(name: string, fields: Record<string, unknown>, human: string): void
  /** Plain human text that has no JSON form (summaries, tables): printed only in human mode. */
  text(human: string): void
}

export interface PrinterInit {
  json: boolean
  streams?: CliStreams
  /** Prefix human lines with the local time (useful for a long-running node). @default false */
  timestamps?: boolean
  now?: () => Date
}

export function createPrinter(init: PrinterInit): EventPrinter {
  const streams = init.streams ?? processStreams
  const now = init.now ?? (() => new Date())
  const human = (line: string): string => (init.timestamps ? `${clock(now())}  ${line}` : line)
  const jsonLine = (name: string, fields: Record<string, unknown>): string => {
    const record = { event: name, time: now().toISOString(), ...fields }
    let text: string
    try {
      text = JSON.stringify(record, jsonReplacer)
    } catch {
      // A value from the network that JSON cannot hold (nested too deep for the stack, a cycle from a custom
      // deserializer): that field becomes its bounded preview text, and the line is still printed.
      const safe: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(record))
        safe[key] = jsonFits(value) ? value : previewValue(value, { maxChars: 4096, quoteStrings: true })
      text = JSON.stringify(safe, jsonReplacer)
    }
    return escapeUnsafeInJson(text) + '\n'
  }
  return {
    json: init.json,
    event(name, fields, text) {
      streams.stdout.write(init.json ? jsonLine(name, fields) : human(text) + '\n')
    },
    error(name, fields, text) {
      if (init.json) streams.stdout.write(jsonLine(name, fields))
      else streams.stderr.write(human(text) + '\n')
    },
    text(text) {
      if (!init.json) streams.stdout.write(text + '\n')
    }
  }
}

function jsonFits(value: unknown): boolean {
  try {
    JSON.stringify(value, jsonReplacer)
    return true
  } catch {
    return false
  }
}

/** Errors become `{ name, message }` (the form that survives IPC too); sets become lists; bigints numbers. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (value instanceof Set) return [...value]
  if (value instanceof Map) return Object.fromEntries(value)
  if (typeof value === 'bigint') return Number(value)
  return value
}

function clock(date: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0')
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

/**
 * Names, topics, close reasons and message previews come from the network: before they reach a terminal, control
 * characters (escape sequences), bidi overrides and invisible characters are shown as \u{...} escapes
 * (src/shared/display-text.ts, the dashboard's rule too) so a peer cannot rewrite, reorder or hide what is printed.
 * JSON lines keep the text exactly, with those characters as JSON \u escapes (escapeUnsafeInJson).
 */
export function sanitize(text: unknown): string {
  return displayText(String(text), { escape: braceEscape })
}

/** Milliseconds with a precision that suits the size: 0.043 ms, 1.27 ms, 35.2 ms, 1204 ms. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-'
  if (ms < 1) return ms.toFixed(3)
  if (ms < 10) return ms.toFixed(2)
  if (ms < 100) return ms.toFixed(1)
  return ms.toFixed(0)
}

/** A list of topics for human lines: 'A, B' or '(none)'. */
export function formatTopics(topics: Iterable<string>): string {
  const list = [...topics].map(sanitize)
  return list.length ? list.join(', ') : '(none)'
}

/** Plain object for JSON output of an error: `{ name, message }`. */
export function errorFields(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message }
  return { name: 'Error', message: String(err) }
}
