// Shared argument parsing for every `chaski` command: node:util parseArgs driven by one flag table per command
// (the same table renders --help), friendly usage errors (exit code 2), and value helpers that defer to the
// library's own validation (options.ts, address.ts) wherever it has one.
import { parseArgs } from 'node:util'
import { parseAddress } from '../chaski/index'
import type { PeerAddress } from '../chaski/index'

/** Thrown when the command line is wrong: the dispatcher prints it with a pointer to --help and exits 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError'
}

export interface FlagSpec {
  type: 'string' | 'boolean'
  short?: string
  /** May be given several times (values accumulate). */
  multiple?: boolean
  /** Value placeholder shown in help, e.g. '<host:port>'. */
  value?: string
  /** The value may be left out (`--lan` or `--lan eth0`); left out it reads as ''. */
  optionalValue?: boolean
  help: string
}

export type FlagTable = Record<string, FlagSpec>

export interface ParsedArgs {
  /** True when -h/--help was given: the caller prints help and ignores everything else. */
  help: boolean
  positionals: string[]
  has(flag: string): boolean
  string(flag: string): string | undefined
  strings(flag: string): string[]
  flag(flag: string): boolean
}

const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', help: 'show this help' }

/** Parses argv against a flag table; throws CliUsageError with a sentence a person can act on. */
export function parseCommandArgs(flags: FlagTable, argv: readonly string[], maxPositionals = 0): ParsedArgs {
  const table: FlagTable = { ...flags, help: HELP_FLAG }
  // Help wins over every other mistake on the line, so `chaski node --bogus --help` still helps.
  const beforeTerminator = argv.indexOf('--') >= 0 ? argv.slice(0, argv.indexOf('--')) : argv
  if (beforeTerminator.includes('--help') || beforeTerminator.includes('-h')) return helpOnly()

  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {}
  for (const [name, spec] of Object.entries(table)) {
    options[name] = { type: spec.type, multiple: spec.multiple === true }
    if (spec.short) options[name].short = spec.short
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: fillOptionalValues(table, argv),
      options,
      allowPositionals: true,
      strict: true
    })
  } catch (err) {
    throw rephraseParseError(err, table)
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals]
    throw new CliUsageError(
      maxPositionals === 0
        ? `unexpected argument '${extra}' (this command takes only options)`
        : `unexpected extra argument '${extra}'`
    )
  }
  const values = parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>
  const stringsOf = (flag: string): string[] => {
    const value = values[flag]
    if (value === undefined) return []
    return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string')
  }
  return {
    help: false,
    positionals: parsed.positionals,
    has: (flag) => values[flag] !== undefined,
    string: (flag) => stringsOf(flag).at(-1),
    strings: stringsOf,
    flag: (flag) => values[flag] === true
  }
}

function helpOnly(): ParsedArgs {
  return {
    help: true,
    positionals: [],
    has: () => false,
    string: () => undefined,
    strings: () => [],
    flag: () => false
  }
}

/** parseArgs has no optional values: turn a bare `--lan` (end of line or before another option) into `--lan=`. */
function fillOptionalValues(table: FlagTable, argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]
    if (token === '--') {
      out.push(...argv.slice(i))
      break
    }
    const spec = token.startsWith('--') ? table[token.slice(2)] : undefined
    const next = argv[i + 1]
    if (spec?.optionalValue && (next === undefined || next.startsWith('-'))) out.push(`${token}=`)
    else if (spec?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      // `--ttl -1` is a negative number, not a missing value: let the range check explain what is allowed.
      out.push(`${token}=${next}`)
      i++
    } else out.push(token)
  }
  return out
}

function rephraseParseError(err: unknown, table: FlagTable): Error {
  if (!(err instanceof Error)) return new CliUsageError(String(err))
  const code = (err as { code?: string }).code
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? ''
  const flag = quoted.split(' ')[0]
  const spec = table[flag.replace(/^--?/, '')]
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const guess = closestFlag(flag, table)
      return new CliUsageError(`unknown option '${flag}'${guess ? ` (did you mean '--${guess}'?)` : ''}`)
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(err.message))
        return new CliUsageError(`option '${flag}' takes no value`)
      if (/ambiguous/.test(err.message)) {
        return new CliUsageError(
          `option '${flag}' needs a value but is followed by another option; to pass a value that starts with '-', ` +
            `write ${flag}=<value>`
        )
      }
      return new CliUsageError(`option '${flag}' needs a value: ${flag} ${spec?.value ?? '<value>'}`)
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new CliUsageError(`unexpected argument '${quoted}'`)
    default:
      return new CliUsageError(err.message)
  }
}

/** The flag nearest to a misspelling (edit distance ≤ 2), for a "did you mean" hint. */
function closestFlag(given: string, table: FlagTable): string | undefined {
  const word = given.replace(/^--?/, '').split('=')[0]
  let best: string | undefined
  let bestDistance = 3
  for (const name of Object.keys(table)) {
    const distance = editDistance(word, name)
    if (distance < bestDistance) {
      best = name
      bestDistance = distance
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]
}

/** A whole number; the range is left to the library option it feeds (or to `range`). */
export function parseInteger(flag: string, text: string, range?: { min: number; max: number }): number {
  if (!/^[+-]?\d{1,15}$/.test(text.trim()))
    throw new CliUsageError(`--${flag} must be a whole number, got '${text}'`)
  const value = Number(text)
  if (range && (value < range.min || value > range.max)) {
    throw new CliUsageError(`--${flag} must be between ${range.min} and ${range.max}, got ${value}`)
  }
  return value
}

/** Seconds (decimals allowed) → milliseconds, within [minS, maxS]. */
export function parseSeconds(flag: string, text: string, minS: number, maxS: number): number {
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text.trim())) {
    throw new CliUsageError(`--${flag} must be a number of seconds, e.g. --${flag} 2.5, got '${text}'`)
  }
  const seconds = Number(text)
  if (seconds < minS || seconds > maxS) {
    throw new CliUsageError(`--${flag} must be between ${minS} and ${maxS} seconds, got ${seconds}`)
  }
  return Math.round(seconds * 1000)
}

/** `--subscribe A,B --subscribe C` → ['A', 'B', 'C'] (empty items are a mistake, not silently dropped). */
export function parseList(flag: string, values: readonly string[]): string[] {
  const items = values.flatMap((value) => value.split(',')).map((item) => item.trim())
  if (items.some((item) => item === '')) {
    throw new CliUsageError(`--${flag} has an empty item: separate names with commas, e.g. --${flag} A,B`)
  }
  return items
}

/**
 * `host:port` of a peer, through the library's parser ('ip:port', '[v6]:port', 'Name@ip:port'). 'localhost' is
 * read as 127.0.0.1; other host names are refused rather than resolved (no DNS traffic from a CLI flag).
 */
export function parsePeerAddress(what: string, text: string): PeerAddress {
  const withLoopback = text.replace(/(^|@|\*)localhost:/i, '$1127.0.0.1:')
  try {
    return parseAddress(withLoopback)
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err)
    throw new CliUsageError(
      `bad address for ${what}: ${detail}. Give an IP address and a port, e.g. 127.0.0.1:8511 or [::1]:8511`
    )
  }
}

/**
 * The library validates options with messages like "option 'maxConnections' must be ...": say it with the flag
 * the person typed instead.
 */
export function usageErrorFromOption(err: unknown, flagOf: Readonly<Record<string, string>>): Error {
  if (!(err instanceof Error) || !/Option/i.test(err.name))
    return err instanceof Error ? err : new Error(String(err))
  const flag = (whole: string, key: string): string => (flagOf[key] ? `--${flagOf[key]}` : whole)
  const message = err.message.replace(/option '([A-Za-z]+)'/g, flag).replace(/(?<=in )'([A-Za-z]+)'/g, flag)
  return new CliUsageError(message)
}
