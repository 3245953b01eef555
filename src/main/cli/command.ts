// What a `chaski` sub-command is, and how its --help is rendered from the same flag table that parses it.
import type { FlagSpec, FlagTable } from './args'
import type { CliStreams } from './output'

/** Exit codes: 0 done, 1 the operation failed (peer unreachable, timeout...), 2 the command line was wrong. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
/** Stopped by Ctrl-C / SIGTERM before finishing (shell convention 128 + SIGINT). */
export const EXIT_INTERRUPTED = 130

export interface CommandContext {
  streams: CliStreams
  /** Resolved when the process is asked to stop (SIGINT/SIGTERM); long-running commands listen to it. */
  signal: AbortSignal
}

export interface Command {
  name: string
  /** One line for `chaski --help`. */
  summary: string
  /** Usage lines without the leading 'chaski '. */
  usage: string[]
  /** Paragraph(s) under the usage. */
  description: string
  flags: FlagTable
  examples?: string[]
  /** Runs the command; resolves with the exit code. Throws CliUsageError for command-line mistakes. */
  run(argv: readonly string[], context: CommandContext): Promise<number>
}

export function renderHelp(command: Command): string {
  const lines: string[] = []
  lines.push(`Usage: ${command.usage.map((usage) => `chaski ${usage}`).join('\n       ')}`, '')
  lines.push(command.description, '')
  const helpFlag: FlagSpec = { type: 'boolean', short: 'h', help: 'show this help' }
  const rows = Object.entries({ ...command.flags, help: helpFlag }).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    '
    const value =
      spec.type === 'string'
        ? ` ${spec.optionalValue ? `[${spec.value ?? 'value'}]` : (spec.value ?? '<value>')}`
        : ''
    return [`  ${short}--${name}${value}`, spec.help + (spec.multiple ? ' (repeatable)' : '')] as const
  })
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2)
  lines.push('Options:')
  const indent = ' '.repeat(width)
  for (const [left, right] of rows) {
    const text = right.split('\n').join(`\n${indent}`)
    lines.push(left.length >= width ? `${left}\n${indent}${text}` : left.padEnd(width) + text)
  }
  if (command.examples?.length) {
    lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`))
  }
  return lines.join('\n') + '\n'
}
