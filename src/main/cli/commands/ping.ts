// `chaski ping host:port`: a short-lived node connects to the peer, pings it (spec §6: ping/pong over the TCP link),
// prints every round trip and min/median/mean/p95/p99/max and jitter, then closes deliberately so the peer does not reconnect.
import { isIP } from 'node:net'
import { ChaskiNode, formatAddress } from '../../chaski/index'
import type { Edge } from '../../chaski/index'
import { MAX_PING_SIZE } from '../../chaski/constants'
import { CliUsageError, parseCommandArgs, parseInteger, parsePeerAddress, parseSeconds } from '../args'
import type { Command } from '../command'
import { EXIT_FAILURE, EXIT_OK } from '../command'
import type { EventPrinter } from '../output'
import { createPrinter, errorFields, formatMs, sanitize } from '../output'
import { summarizeRtts } from '../rtt-stats'
import { abortable } from '../signals'

const DEFAULT_COUNT = 10
const DEFAULT_INTERVAL_S = 0.2
const DEFAULT_TIMEOUT_S = 2

export const pingCommand: Command = {
  name: 'ping',
  summary: 'connect to a node, measure round trips, print statistics',
  usage: [
    'ping <host:port> [--count <n>] [--interval <seconds>] [--size <bytes>] [--timeout <seconds>] [--ip <address>] [--json]'
  ],
  description: [
    'Starts a temporary node, connects to the node at host:port (TCP handshake), sends --count pings one after',
    'the other and prints each round trip, then min/median/mean/p95/p99/max and jitter, and closes the link deliberately.',
    'Exits 1 when the node cannot be reached or no ping is answered.'
  ].join('\n'),
  flags: {
    count: { type: 'string', short: 'c', value: '<n>', help: `pings to send (default ${DEFAULT_COUNT})` },
    interval: {
      type: 'string',
      short: 'i',
      value: '<seconds>',
      help: `pause between pings (default ${DEFAULT_INTERVAL_S})`
    },
    size: { type: 'string', short: 's', value: '<bytes>', help: 'random payload per ping (default 0)' },
    timeout: {
      type: 'string',
      value: '<seconds>',
      help: `wait this long for each pong (default ${DEFAULT_TIMEOUT_S})`
    },
    ip: {
      type: 'string',
      value: '<address>',
      help: 'local address of the temporary node (default: the loopback\nfor a loopback target, else 0.0.0.0 / ::)'
    },
    json: { type: 'boolean', help: 'one JSON event per line instead of text' }
  },
  examples: ['chaski ping 127.0.0.1:8511', 'chaski ping [::1]:8511 --count 100 --interval 0 --json'],

  async run(argv, { streams, signal }) {
    const args = parseCommandArgs(this.flags, argv, 1)
    const targetText = args.positionals[0]
    if (targetText === undefined)
      throw new CliUsageError('which node? give its address, e.g. chaski ping 127.0.0.1:8511')
    const target = parsePeerAddress('ping', targetText)
    const count = args.has('count')
      ? parseInteger('count', args.string('count')!, { min: 1, max: 1_000_000 })
      : DEFAULT_COUNT
    const intervalMs = args.has('interval')
      ? parseSeconds('interval', args.string('interval')!, 0, 3_600)
      : DEFAULT_INTERVAL_S * 1000
    const size = args.has('size')
      ? parseInteger('size', args.string('size')!, { min: 0, max: MAX_PING_SIZE })
      : 0
    const timeoutMs = args.has('timeout')
      ? parseSeconds('timeout', args.string('timeout')!, 0.001, 600)
      : DEFAULT_TIMEOUT_S * 1000
    const localIp = args.string('ip') ?? defaultLocalIp(target.ip)
    if (isIP(localIp) === 0) throw new CliUsageError(`--ip must be an IPv4 or IPv6 address, got '${localIp}'`)
    if (isIP(localIp) !== isIP(target.ip)) {
      throw new CliUsageError(`--ip ${localIp} and the target ${targetText} are of different IP families`)
    }

    const printer = createPrinter({ json: args.flag('json'), streams })
    const address = formatAddress(target.ip, target.port)
    const node = new ChaskiNode({
      ip: localIp,
      name: 'chaski-ping',
      run: false,
      reconnections: 0,
      keepAlive: false
    })
    try {
      await node.start()
      const edge = await abortable(node.connect(address), signal)
      return await pingLoop(node, edge, { count, intervalMs, size, timeoutMs }, printer, signal)
    } catch (err) {
      if ((err as Error).name !== 'InterruptedError') {
        printer.error(
          'error',
          { target: address, error: errorFields(err) },
          `chaski ping: cannot reach ${address}: ${sanitize((err as Error).message)}`
        )
      }
      return EXIT_FAILURE
    } finally {
      await node.stop()
    }
  }
}

interface PingPlan {
  count: number
  intervalMs: number
  size: number
  timeoutMs: number
}

async function pingLoop(
  node: ChaskiNode,
  edge: Edge,
  plan: PingPlan,
  printer: EventPrinter,
  signal: AbortSignal
): Promise<number> {
  const label = `${sanitize(edge.name)}@${edge.address}`
  const peer = {
    id: edge.id,
    name: edge.name,
    ip: edge.ip,
    port: edge.port,
    address: `${edge.name}@${edge.address}`
  }
  printer.event(
    'connected',
    { peer, count: plan.count, size: plan.size },
    `PING ${label}: ${plan.count} pings of ${plan.size} bytes`
  )
  const rtts: number[] = []
  let sent = 0
  for (let seq = 1; seq <= plan.count && !signal.aborted; seq++) {
    if (seq > 1 && plan.intervalMs > 0 && !(await pause(plan.intervalMs, signal))) break
    sent++
    try {
      const rttMs = await node.ping(edge, { size: plan.size, timeoutMs: plan.timeoutMs })
      rtts.push(rttMs)
      printer.event('pong', { seq, rttMs }, `pong from ${label}: seq=${seq} rtt=${formatMs(rttMs)} ms`)
    } catch (err) {
      const error = err as Error
      if (error.name === 'PingTimeoutError') {
        printer.event(
          'timeout',
          { seq, timeoutMs: plan.timeoutMs },
          `no pong from ${label}: seq=${seq} (timeout ${plan.timeoutMs / 1000} s)`
        )
        continue
      }
      printer.error(
        'error',
        { seq, error: errorFields(error) },
        `link to ${label} closed: ${sanitize(error.message)}`
      )
      break
    }
  }
  const stats = summarizeRtts(rtts)
  const lost = sent - rtts.length
  const lossPercent = sent ? Math.round((lost / sent) * 1000) / 10 : 0
  printer.event(
    'summary',
    { peer, sent, received: rtts.length, lost, lossPercent, rtt: stats },
    `--- ${label}: ${sent} sent, ${rtts.length} received, ${lossPercent}% lost ---` +
      (stats
        ? `\nrtt min/median/mean/p95/p99/max = ${[stats.minMs, stats.medianMs, stats.meanMs, stats.p95Ms, stats.p99Ms, stats.maxMs].map(formatMs).join('/')} ms, jitter ${formatMs(stats.jitterMs)} ms (how much they spread)`
        : '')
  )
  return rtts.length > 0 ? EXIT_OK : EXIT_FAILURE
}

/** Loopback targets are pinged from the same loopback; anything else from the unspecified address of its family. */
function defaultLocalIp(targetIp: string): string {
  if (targetIp.startsWith('127.')) return '127.0.0.1'
  if (targetIp === '::1') return '::1'
  return isIP(targetIp) === 6 ? '::' : '0.0.0.0'
}

/** Waits between pings; false when interrupted (Ctrl-C still prints the summary, like ping(8)). */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (completed: boolean): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(completed)
    }
    const onAbort = (): void => done(false)
    const timer = setTimeout(() => done(true), ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
