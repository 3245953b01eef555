// `chaski id`: prints a node's id from its key file (--key), or the ids of the nodes a settings file runs (--config:
// their keys are in <settings dir>/keys/), in the form people compare (grouped, with check characters) and short.
// Reads only: a missing key is reported, never made.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { formatNodeId, readNodeKeyFile, shortNodeId } from '../../chaski/security/index'
import { CliUsageError, parseCommandArgs } from '../args'
import type { Command } from '../command'
import { EXIT_FAILURE, EXIT_OK } from '../command'
import { createPrinter, errorFields, sanitize } from '../output'

export const idCommand: Command = {
  name: 'id',
  summary: "print a node's id (from its key file, or a settings file's nodes)",
  usage: ['id --key <file> [--json]', 'id --config <settings.json> [--json]'],
  description:
    "Reads a node's identity key and prints its id: the SHA-256 of its public key (docs/PROTOCOL.md §3a), in\n" +
    'groups with check characters, and its short form (the first two groups) to compare by voice. The id is the\n' +
    "key's fingerprint. With --config, every key of the nodes the desktop app or `chaski serve --config` runs\n" +
    'from that settings file. Nothing is created or changed.',
  flags: {
    key: { type: 'string', value: '<file>', help: 'a node key file (chaski node --key)' },
    config: {
      type: 'string',
      value: '<file>',
      help: 'a settings file: its nodes keep their keys in keys/ beside it'
    },
    json: { type: 'boolean', help: 'one JSON object per key instead of text' }
  },
  examples: ['chaski id --key hub.key', 'chaski id --config ~/.config/Chaski/settings.json'],

  async run(argv, { streams }) {
    const args = parseCommandArgs(this.flags, argv)
    const keyFile = args.string('key')
    const config = args.string('config')
    if ((keyFile === undefined) === (config === undefined))
      throw new CliUsageError('give one of --key <file> or --config <settings.json>')
    const printer = createPrinter({ json: args.flag('json'), streams })
    let files: string[]
    if (keyFile !== undefined) files = [path.resolve(keyFile)]
    else {
      const folder = path.join(path.dirname(path.resolve(config!)), 'keys')
      try {
        files = readdirSync(folder)
          .filter((name) => name.endsWith('.key'))
          .sort()
          .map((name) => path.join(folder, name))
      } catch (err) {
        printer.error(
          'error',
          { folder, error: errorFields(err) },
          `chaski id: no node keys beside ${sanitize(config!)} (${sanitize(folder)}): ${sanitize((err as Error).message)}`
        )
        return EXIT_FAILURE
      }
    }
    let failed = false
    for (const file of files) {
      try {
        const key = await readNodeKeyFile(file)
        printer.event(
          'id',
          { file, id: key.id, display: formatNodeId(key.id), short: shortNodeId(key.id) },
          `${formatNodeId(key.id)}  (short ${shortNodeId(key.id)})  ${sanitize(file)}`
        )
      } catch (err) {
        failed = true
        printer.error(
          'error',
          { file, error: errorFields(err) },
          `chaski id: ${sanitize((err as Error).message)}`
        )
      }
    }
    return failed ? EXIT_FAILURE : EXIT_OK
  }
}
