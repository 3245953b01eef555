// `chaski <command> [options]`: the command table, top-level help, and the mapping of failures to exit codes
// (0 done, 1 the operation failed, 2 the command line was wrong). The process entry is ./index.ts.
import { CliUsageError } from './args'
import type { Command, CommandContext } from './command'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, renderHelp } from './command'
import { idCommand } from './commands/id'
import { nodeCommand } from './commands/node'
import { pingCommand } from './commands/ping'
import { serveCommand } from './commands/serve'
import { statusCommand } from './commands/status'
import { mapCommand } from './commands/map'
import { trustCommand } from './commands/trust'
import { sanitize } from './output'

export const COMMANDS: readonly Command[] = [
  nodeCommand,
  statusCommand,
  pingCommand,
  mapCommand,
  serveCommand,
  idCommand,
  trustCommand
]

export function topLevelHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 4
  return [
    `chaski ${version}: run and inspect ChaskiNode peers from a terminal`,
    '',
    'Usage: chaski <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    "Run 'chaski <command> --help' for a command's options.",
    'Exit codes: 0 done, 1 the operation failed, 2 the command line was wrong.',
    'Set CHASKI_DEBUG=1 (or a logger prefix such as chaski:discovery) for library debug logs on stderr.',
    ''
  ].join('\n')
}

function hasHelpFlag(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end >= 0 ? argv.slice(0, end) : argv).some((arg) => arg === '--help' || arg === '-h')
}

/** Runs one command line; resolves with the exit code. Never throws. */
export async function runCli(
  argv: readonly string[],
  context: CommandContext,
  version = 'dev'
): Promise<number> {
  const { stdout, stderr } = context.streams
  const [name, ...rest] = argv
  if (name === undefined) {
    stderr.write(topLevelHelp(version))
    return EXIT_USAGE
  }
  if (name === '--help' || name === '-h') {
    stdout.write(topLevelHelp(version))
    return EXIT_OK
  }
  if (name === '--version' || name === '-v') {
    stdout.write(`${version}\n`)
    return EXIT_OK
  }
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((command) => command.name === rest[0])
    if (rest[0] !== undefined && !topic) return unknownCommand(rest[0], context)
    stdout.write(topic ? renderHelp(topic) : topLevelHelp(version))
    return EXIT_OK
  }
  const command = COMMANDS.find((candidate) => candidate.name === name)
  if (!command) return unknownCommand(name, context)
  if (hasHelpFlag(rest)) {
    stdout.write(renderHelp(command))
    return EXIT_OK
  }
  try {
    return await command.run(rest, context)
  } catch (err) {
    if (err instanceof CliUsageError) {
      stderr.write(`chaski ${command.name}: ${err.message}\nRun 'chaski ${command.name} --help' for usage.\n`)
      return EXIT_USAGE
    }
    const error = err instanceof Error ? err : new Error(String(err))
    stderr.write(`chaski ${command.name}: ${error.name}: ${sanitize(error.message)}\n`)
    if (process.env.CHASKI_DEBUG && error.stack) stderr.write(`${error.stack}\n`)
    return EXIT_FAILURE
  }
}

function unknownCommand(name: string, { streams }: CommandContext): number {
  const names = COMMANDS.map((command) => command.name)
  streams.stderr.write(
    `chaski: unknown command '${sanitize(name)}'. Commands: ${names.join(', ')}.\nRun 'chaski --help' for usage.\n`
  )
  return EXIT_USAGE
}
