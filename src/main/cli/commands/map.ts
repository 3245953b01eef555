// `chaski map host:port`: a short-lived node connects to a running node, asks for the map it holds (docs/PROTOCOL.md
// §12 "On demand": every node it knows up to --depth hops, and the links between them) and prints it as text,
// JSON or graphviz DOT, then closes the link deliberately.
import { isIP } from 'node:net'
import { ChaskiNode, MAP_MAX_DEPTH, formatAddress } from '../../chaski/index'
import type { NetworkMap } from '../../chaski/index'
import { CliUsageError, parseCommandArgs, parseInteger, parsePeerAddress, parseSeconds } from '../args'
import type { Command } from '../command'
import { EXIT_FAILURE, EXIT_OK } from '../command'
import { mapDot, mapText } from '../map-text'
import { createPrinter, errorFields, sanitize } from '../output'
import { abortable } from '../signals'

const DEFAULT_TIMEOUT_S = 5

export const mapCommand: Command = {
  name: 'map',
  summary: 'print the map of the network a running node holds',
  usage: ['map <host:port> [--depth <n>] [--max <n>] [--timeout <seconds>] [--json | --dot]'],
  description: [
    'Starts a temporary node, connects to the node at host:port and asks for the map it holds: itself, its',
    'peers, the nodes it learned from neighbour adverts, those heard on its LAN, and the links between them with',
    'their round trips (a link listed by one end only is marked). Prints it, then closes the link deliberately.',
    'Exits 1 when the node cannot be reached or does not answer in time.'
  ].join('\n'),
  flags: {
    depth: {
      type: 'string',
      value: '<n>',
      help: `hops from that node, 0–${MAP_MAX_DEPTH} (default ${MAP_MAX_DEPTH})`
    },
    max: { type: 'string', value: '<n>', help: 'most nodes, nearest first, 1–1024 (default 1024)' },
    timeout: {
      type: 'string',
      value: '<seconds>',
      help: `how long to wait for the map (default ${DEFAULT_TIMEOUT_S})`
    },
    json: { type: 'boolean', help: 'print one JSON object (the map) instead of text' },
    dot: { type: 'boolean', help: 'print graphviz DOT (e.g. | dot -Tsvg > map.svg)' }
  },
  examples: ['chaski map 127.0.0.1:8511', 'chaski map 127.0.0.1:8511 --depth 2 --dot | dot -Tsvg > map.svg'],

  async run(argv, { streams, signal }) {
    const args = parseCommandArgs(this.flags, argv, 1)
    const targetText = args.positionals[0]
    if (targetText === undefined)
      throw new CliUsageError('which node? give its address, e.g. chaski map 127.0.0.1:8511')
    const target = parsePeerAddress('map', targetText)
    const depth = args.has('depth')
      ? parseInteger('depth', args.string('depth')!, { min: 0, max: MAP_MAX_DEPTH })
      : MAP_MAX_DEPTH
    const maxNodes = args.has('max') ? parseInteger('max', args.string('max')!, { min: 1, max: 1024 }) : 1024
    const timeoutMs = args.has('timeout')
      ? parseSeconds('timeout', args.string('timeout')!, 0.01, 600)
      : DEFAULT_TIMEOUT_S * 1000
    const json = args.flag('json')
    const dot = args.flag('dot')
    if (json && dot) throw new CliUsageError('--json and --dot cannot be used together')
    const localIp = target.ip.startsWith('127.')
      ? '127.0.0.1'
      : target.ip === '::1'
        ? '::1'
        : isIP(target.ip) === 6
          ? '::'
          : '0.0.0.0'
    const printer = createPrinter({ json, streams })
    const address = formatAddress(target.ip, target.port)
    // Sends no advert of its own: it only asks.
    const node = new ChaskiNode({
      ip: localIp,
      name: 'chaski-map',
      run: false,
      reconnections: 0,
      keepAlive: false,
      adverts: false
    })
    let map: NetworkMap
    try {
      await node.start()
      const edge = await abortable(node.connect(address), signal)
      map = await abortable(
        node.requestMap(edge, { depth, maxNodes, timeoutMs: Math.round(timeoutMs) }),
        signal
      )
    } catch (err) {
      if ((err as Error).name !== 'InterruptedError') {
        const human =
          (err as Error).name === 'MapRequestTimeoutError'
            ? `chaski map: ${address} did not send its map within ${timeoutMs / 1000} s (an older node without maps?)`
            : `chaski map: cannot reach ${address}: ${sanitize((err as Error).message)}`
        printer.error('error', { target: address, error: errorFields(err) }, human)
      }
      return EXIT_FAILURE
    } finally {
      await node.stop()
    }
    // The asking node itself is in the map (a direct peer of the target): left out, it is not part of the network.
    const shown: NetworkMap = {
      ...map,
      nodes: map.nodes.filter((each) => each.id !== node.id),
      links: map.links.filter((link) => link.a !== node.id && link.b !== node.id)
    }
    if (dot) streams.stdout.write(mapDot(shown) + '\n')
    else printer.event('map', { target: address, map: shown }, mapText(shown, address))
    return EXIT_OK
  }
}
