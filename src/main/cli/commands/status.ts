// `chaski status host:port`: asks a node for its status over the UDP side channel (spec §5) and prints it.
import { formatAddress, requestStatus } from '../../chaski/index'
import type { StatusResponse } from '../../chaski/index'
import { CliUsageError, parsePeerAddress, parseCommandArgs, parseSeconds } from '../args'
import type { Command } from '../command'
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from '../command'
import { createPrinter, errorFields, sanitize } from '../output'
import { abortable } from '../signals'

const DEFAULT_TIMEOUT_S = 2

export const statusCommand: Command = {
  name: 'status',
  summary: 'ask a running node for its status (UDP side channel)',
  usage: ['status <host:port> [--timeout <seconds>] [--json]'],
  description:
    'Sends one status request to the node listening on host:port (UDP, same port as its TCP links) and prints\n' +
    'its name, whether it is serving, which topics it is paired for, and whether it is reconnecting to a peer.\n' +
    'Exits 1 when no answer arrives in time.',
  flags: {
    timeout: {
      type: 'string',
      value: '<seconds>',
      help: `how long to wait for the answer (default ${DEFAULT_TIMEOUT_S})`
    },
    json: { type: 'boolean', help: 'print one JSON object instead of text' }
  },
  examples: ['chaski status 127.0.0.1:8511', 'chaski status [::1]:8511 --timeout 5 --json'],

  async run(argv, { streams, signal }) {
    const args = parseCommandArgs(this.flags, argv, 1)
    const target = args.positionals[0]
    if (target === undefined)
      throw new CliUsageError('which node? give its address, e.g. chaski status 127.0.0.1:8511')
    const { ip, port } = parsePeerAddress('status', target)
    const timeoutText = args.string('timeout')
    const timeoutMs =
      timeoutText === undefined ? DEFAULT_TIMEOUT_S * 1000 : parseSeconds('timeout', timeoutText, 0.01, 600)
    const printer = createPrinter({ json: args.flag('json'), streams })
    const address = formatAddress(ip, port)

    let status: StatusResponse
    try {
      status = await abortable(requestStatus(ip, port, { timeoutMs }), signal)
    } catch (err) {
      if ((err as Error).name === 'InterruptedError') return EXIT_INTERRUPTED
      const human =
        (err as Error).name === 'StatusTimeoutError'
          ? `chaski status: no answer from ${address} within ${timeoutMs / 1000} s. Is a chaski node running there? ` +
            'Check the address and port (the node prints them when it starts), or wait longer with --timeout.'
          : `chaski status: ${sanitize((err as Error).message)}`
      printer.error('error', { target: address, error: errorFields(err) }, human)
      return EXIT_FAILURE
    }
    const paired = Object.entries(status.paired)
    printer.event(
      'status',
      {
        target: address,
        name: status.name,
        serving: status.serving,
        paired: Object.fromEntries(paired),
        reconnecting: status.reconnecting
      },
      [
        `${sanitize(status.name)} at ${address}`,
        `  serving:      ${status.serving ? 'yes' : 'no'}`,
        `  paired:       ${paired.length ? paired.map(([topic, yes]) => `${sanitize(topic)} ${yes ? 'yes' : 'no'}`).join(', ') : '(no topics)'}`,
        `  reconnecting: ${status.reconnecting ? 'yes (a link was lost and is being retried)' : 'no'}`
      ].join('\n')
    )
    return EXIT_OK
  }
}
