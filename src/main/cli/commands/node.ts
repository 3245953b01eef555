// `chaski node`: one ChaskiNode in the foreground. This file turns flags into validated node options (through the
// library's own validation) and hands them to ../foreground-node.ts, which runs the node until SIGINT/SIGTERM.
import { resolve } from 'node:path'
import type { ChaskiNodeOptions, LanOptions } from '../../chaski/index'
import { lanDefaults, normalizeOptions } from '../../chaski/index'
import { DEFAULT_DISCOVERY_TIMEOUT_MS } from '../../chaski/constants'
import { normalizeLanOptions } from '../../chaski/lan/index'
import {
  CliUsageError,
  parseCommandArgs,
  parseInteger,
  parseList,
  parsePeerAddress,
  parseSeconds,
  usageErrorFromOption
} from '../args'
import type { ParsedArgs } from '../args'
import type { Command } from '../command'
import { RANGES } from '../../../shared/limits'
import { TRUST_POLICIES, type TrustPolicy } from '../../chaski/trust'
import { runForegroundNode } from '../foreground-node'
import type { NodeCommandConfig } from '../node-config'

export { effectiveLanInterfaces, type NodeCommandConfig } from '../node-config'

const DEFAULT_LATENCY_EVERY_S = 5

/** Library option → the flag that sets it, so validation errors name what the person typed. */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  ip: 'ip',
  port: 'port',
  name: 'name',
  subscriptions: 'subscribe',
  ttl: 'ttl',
  maxConnections: 'max-connections',
  maxEdges: 'max-edges',
  reconnections: 'reconnections',
  keepAliveIntervalMs: 'keepalive'
}

export const nodeCommand: Command = {
  name: 'node',
  summary: 'run one node in the foreground until Ctrl-C',
  // Every flag, in the order of the table below (a test checks that none is missing).
  usage: [
    [
      'node [--name <name>] [--ip <address>] [--port <port>] [--subscribe <A,B>] [--root] [--paired]',
      '              [--ttl <hops>] [--max-connections <n>] [--max-edges <n>] [--reconnections <n>]',
      '              [--keepalive <seconds>] [--connect <host:port>]...',
      '              [--discover [--on-pair <none|disconnect>] [--timeout <seconds>]]',
      '              [--lan [interface]] [--auto-connect] [--lan-port <port>] [--latency-every <seconds>]',
      '              [--key <file>] [--trust <open|tofu|approve>] [--insecure] [--network-key-file <file>] [--json]'
    ].join('\n')
  ],
  description: [
    'Starts a ChaskiNode (TCP links and UDP status on the same port) and prints where it listens (for 0.0.0.0',
    'or ::, every address of this machine, loopback marked), every link added or removed, pairings, and the',
    'round trips of each link (at most one line per link every few seconds). A --connect target is kept',
    'linked: a failed first try, and every later loss (a graceful stop of the peer included), is retried with',
    'backoff for as long as this node runs, unless the peer itself closes the link on purpose. Ctrl-C or',
    'SIGTERM closes every link deliberately. With --json, every line is one JSON object {"event": ..., ...}.',
    'Links are TLS 1.3, each node proving the key of its id (docs/PROTOCOL.md §3a); the id is printed at start.',
    'Without --key the node has a new key, so a new id, every run; plaintext (protocol version 1) peers are',
    'refused unless --insecure.',
    'With --network-key-file, the node links only with nodes proving on the link that they hold the same key,',
    'and hears only LAN beacons authenticated with it. The file (mode 0600) holds one key, 64 hex digits:',
    '`(umask 077; openssl rand -hex 32 > fleet.key)`. To rotate without splitting the fleet: give every node a',
    'file with the new key on the first line and the old one on the second, restart them one by one; once all',
    'run with both, remove the old line everywhere and restart again (docs/PROTOCOL.md §3a "Network key").'
  ].join('\n'),
  flags: {
    name: { type: 'string', value: '<name>', help: 'display name (default: the node id)' },
    ip: {
      type: 'string',
      value: '<address>',
      help: 'IPv4/IPv6 address to listen on (default 127.0.0.1; 0.0.0.0 for all)'
    },
    port: {
      type: 'string',
      value: '<port>',
      help: 'port for TCP and UDP, 0 = any free port (default 0;\nroot nodes try 8511-8516 first)'
    },
    subscribe: {
      type: 'string',
      multiple: true,
      value: '<A,B>',
      help: 'topics to subscribe to, comma-separated'
    },
    root: { type: 'boolean', help: 'root node: receives every topic and always forwards discovery' },
    paired: { type: 'boolean', help: 'start paired for every subscription' },
    ttl: {
      type: 'string',
      value: '<hops>',
      help: 'hop limit of discovery and propagated messages (default 64)'
    },
    'max-connections': {
      type: 'string',
      value: '<n>',
      help: 'links sharing a topic a paired node accepts (default 5)'
    },
    'max-edges': {
      type: 'string',
      value: '<n>',
      help: 'links this node keeps at once; further peers are refused (default 256)'
    },
    reconnections: {
      type: 'string',
      value: '<n>',
      help: 'retries after an unexpected loss, 0 = never (default 32)'
    },
    keepalive: {
      type: 'string',
      value: '<seconds>',
      help: 'mean keep-alive ping period, 0 = off (default 7)'
    },
    connect: {
      type: 'string',
      multiple: true,
      value: '<host:port>',
      help: 'connect to this node once listening'
    },
    discover: { type: 'boolean', help: 'after connecting, search the network for a partner per topic' },
    'on-pair': {
      type: 'string',
      value: '<none|disconnect>',
      help: 'with --discover: keep (none) or drop (disconnect)\nthe link the search went through once paired (default none)'
    },
    timeout: {
      type: 'string',
      value: '<seconds>',
      help: `with --discover: upper bound of the search (default ${DEFAULT_DISCOVERY_TIMEOUT_MS / 1000})`
    },
    lan: {
      type: 'string',
      multiple: true,
      optionalValue: true,
      value: 'interface',
      help: 'find peers on the LAN with multicast beacons, on the\nnamed interfaces (names or addresses, comma-separated;\ndefault all), capped by CHASKI_LAN_INTERFACES'
    },
    'auto-connect': { type: 'boolean', help: 'with --lan: connect to LAN peers sharing a topic' },
    'lan-port': {
      type: 'string',
      value: '<port>',
      help: `with --lan: UDP port of the beacons, the same for every node\n(default ${lanDefaults.DEFAULT_BEACON_PORT})`
    },
    'latency-every': {
      type: 'string',
      value: '<seconds>',
      help: `at most one latency line per link this often (default ${DEFAULT_LATENCY_EVERY_S})`
    },
    key: {
      type: 'string',
      value: '<file>',
      help:
        "the node's identity key: read, or made on first start (mode 0600);\nthe same file keeps the same id; " +
        'its trusted and revoked peers are kept\nbeside it in <file>.trust.json'
    },
    trust: {
      type: 'string',
      value: '<open|tofu|approve>',
      help:
        'tofu: pin the first key met at each address and refuse another\none there later; open: any key; approve: hold a new peer\n' +
        'as pending, printing the code both sides show (default tofu)'
    },
    insecure: {
      type: 'boolean',
      help: 'also link with plaintext (protocol version 1) peers, unencrypted\nand unauthenticated (off by default)'
    },
    'network-key-file': {
      type: 'string',
      value: '<file>',
      help: 'link only with nodes holding this network key, and hear only\nbeacons authenticated with it (mode 0600; never with --insecure)'
    },
    json: { type: 'boolean', help: 'one JSON event per line instead of text' }
  },
  examples: [
    'chaski node --name hub --root --port 8511',
    'chaski node --name a --subscribe A,B --connect 127.0.0.1:8511 --discover --on-pair disconnect',
    'chaski node --subscribe B --lan --auto-connect --json',
    'chaski node --name hub --key ~/.config/chaski/hub.key',
    'chaski node --key node.key --network-key-file fleet.key --lan --auto-connect --subscribe T'
  ],

  async run(argv, context) {
    const config = parseNodeArgs(parseCommandArgs(this.flags, argv))
    return runForegroundNode(config, context)
  }
}

/** Flags → validated config. Throws CliUsageError (exit 2) for anything wrong on the command line. */
export function parseNodeArgs(args: ParsedArgs): NodeCommandConfig {
  const options: ChaskiNodeOptions = { run: false }
  const name = args.string('name')
  if (name !== undefined) options.name = name
  const ip = args.string('ip')
  if (ip !== undefined) options.ip = ip.replace(/^\[(.*)\]$/, '$1')
  const port = args.string('port')
  if (port !== undefined) options.port = parseInteger('port', port)
  if (args.has('subscribe')) options.subscriptions = parseList('subscribe', args.strings('subscribe'))
  if (args.flag('root')) options.root = true
  if (args.flag('paired')) options.paired = true
  if (args.flag('insecure')) options.insecure = true
  const trust = args.string('trust') ?? 'tofu'
  if (!(TRUST_POLICIES as readonly string[]).includes(trust))
    throw new CliUsageError(`--trust must be one of ${TRUST_POLICIES.join(', ')}, got '${trust}'`)
  options.trust = trust as TrustPolicy
  const ttl = args.string('ttl')
  if (ttl !== undefined) options.ttl = parseInteger('ttl', ttl)
  // The same ranges as the desktop app and `chaski serve` (src/shared/limits.ts).
  const maxConnections = args.string('max-connections')
  if (maxConnections !== undefined)
    options.maxConnections = parseInteger('max-connections', maxConnections, RANGES.maxConnections)
  const maxEdges = args.string('max-edges')
  if (maxEdges !== undefined) options.maxEdges = parseInteger('max-edges', maxEdges)
  const reconnections = args.string('reconnections')
  if (reconnections !== undefined)
    options.reconnections = parseInteger('reconnections', reconnections, RANGES.reconnections)
  const keepalive = args.string('keepalive')
  if (keepalive !== undefined) {
    const ms = parseSeconds('keepalive', keepalive, 0, 86_400)
    if (ms === 0) options.keepAlive = false
    else options.keepAliveIntervalMs = ms
  }

  const lan = parseLan(args)
  if (lan) {
    options.lan = {
      interfaces: lan.interfaces.length ? lan.interfaces : undefined,
      autoConnect: lan.autoConnect,
      port: lan.port
    } satisfies LanOptions
  }
  try {
    normalizeOptions(options)
  } catch (err) {
    throw usageErrorFromOption(err, FLAG_OF_OPTION)
  }

  const connect = parseList('connect', args.strings('connect')).map((text) =>
    parsePeerAddress('--connect', text)
  )
  const keyFile = args.string('key')
  if (keyFile !== undefined && keyFile.trim() === '') throw new CliUsageError('--key needs a file name')
  const networkKeyFile = args.string('network-key-file')
  if (networkKeyFile !== undefined && networkKeyFile.trim() === '')
    throw new CliUsageError('--network-key-file needs a file name')
  if (networkKeyFile !== undefined && options.insecure) {
    throw new CliUsageError(
      '--network-key-file cannot be combined with --insecure: a plaintext peer cannot prove the network key'
    )
  }
  return {
    options,
    keyFile: keyFile === undefined ? null : resolve(keyFile),
    networkKeyFile: networkKeyFile === undefined ? null : resolve(networkKeyFile),
    connect,
    discover: parseDiscover(args),
    lan,
    json: args.flag('json'),
    latencyEveryMs: args.has('latency-every')
      ? parseSeconds('latency-every', args.string('latency-every')!, 0, 3_600)
      : DEFAULT_LATENCY_EVERY_S * 1000
  }
}

function parseDiscover(args: ParsedArgs): NodeCommandConfig['discover'] {
  const onPair = args.string('on-pair')
  const timeout = args.string('timeout')
  if (!args.flag('discover')) {
    if (onPair !== undefined) throw new CliUsageError('--on-pair only applies to a search: add --discover')
    if (timeout !== undefined) throw new CliUsageError('--timeout only applies to a search: add --discover')
    return null
  }
  if (onPair !== undefined && onPair !== 'none' && onPair !== 'disconnect') {
    throw new CliUsageError(`--on-pair must be 'none' or 'disconnect', got '${onPair}'`)
  }
  return {
    onPair: onPair === 'disconnect' ? 'disconnect' : 'none',
    timeoutMs:
      timeout === undefined ? DEFAULT_DISCOVERY_TIMEOUT_MS : parseSeconds('timeout', timeout, 0.001, 3_600)
  }
}

function parseLan(args: ParsedArgs): NodeCommandConfig['lan'] {
  if (!args.has('lan')) {
    if (args.flag('auto-connect')) {
      throw new CliUsageError('--auto-connect connects to peers found on the LAN: add --lan')
    }
    if (args.has('lan-port')) throw new CliUsageError('--lan-port is the port of LAN beacons: add --lan')
    return null
  }
  // `--lan` alone reads as '' (every interface); `--lan eth0,wlan0` or repeated --lan name some.
  const interfaces = args
    .strings('lan')
    .flatMap((value) => value.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '')
  const portText = args.string('lan-port')
  const lan = {
    interfaces,
    autoConnect: args.flag('auto-connect'),
    port: portText === undefined ? undefined : parseInteger('lan-port', portText)
  }
  try {
    normalizeLanOptions({ ...lan, interfaces: interfaces.length ? interfaces : undefined })
  } catch (err) {
    const message = (err as Error).message
    throw new CliUsageError(message.replace(/^lan\.interfaces/, '--lan').replace(/^lan\.port/, '--lan-port'))
  }
  return lan
}
