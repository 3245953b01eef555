// A ChaskiNode in its own process (for a network namespace), dialling its peers through delay relays it runs itself,
// so the added latency sits on this host's side of the veth. For the Vivaldi namespace test.
// Usage: node --import tsx test/helpers/latency-peer-process.ts '{"ip":"10.231.16.1","name":"grid-0"}'
// Prints one JSON object per line: {type:'ready', id, port} first, then one answer per command.
// Reads JSON commands on stdin, each with a request number `rid` that its answer repeats:
//   {cmd:'link', rid, host, port, delayMs}  relay on our own address to host:port, dial through it -> {type:'linked'}
//   {cmd:'ping', rid, peers:[id...]}        ping those edges at once (waits ≤ 5 s for each) -> {type:'pinged', rtts}
//   {cmd:'stop'}                            relays closed, node stopped, exit 0 (SIGTERM too)
// A failure answers {type:'failed', rid, error}.
import { createInterface } from 'node:readline'
import { ChaskiNode, setLogLevel, type Edge } from '../../src/main/chaski/index'
import { startTcpDelayRelay, type DelayRelay } from './latency-relay'

setLogLevel('silent')
const config = JSON.parse(process.argv[2] ?? '{}') as { ip: string; name?: string }
const node = new ChaskiNode({ ip: config.ip, port: 0, keepAlive: false, name: config.name })
const relays: DelayRelay[] = []

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n')
}

async function edgeTo(id: string): Promise<Edge> {
  const deadline = Date.now() + 5000
  for (;;) {
    const edge = node.edges.find((each) => each.id === id)
    if (edge) return edge
    if (Date.now() > deadline) throw new Error(`no edge to ${id}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

interface Command {
  cmd?: string
  rid?: number
  host?: string
  port?: number
  delayMs?: number
  peers?: string[]
}

async function handle(command: Command): Promise<unknown> {
  if (command.cmd === 'link') {
    const relay = await startTcpDelayRelay({
      host: config.ip,
      target: { host: command.host!, port: command.port! },
      delayMs: command.delayMs!
    })
    relays.push(relay)
    const edge = await node.connect(relay.address)
    return { type: 'linked', rid: command.rid, peer: edge.id }
  }
  if (command.cmd === 'ping') {
    const edges = await Promise.all((command.peers ?? []).map(edgeTo))
    const rtts = await Promise.all(edges.map((edge) => node.ping(edge)))
    return { type: 'pinged', rid: command.rid, rtts }
  }
  throw new Error(`unknown command ${String(command.cmd)}`)
}

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  await Promise.all(relays.map((relay) => relay.close()))
  await node.stop()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())

createInterface({ input: process.stdin }).on('line', (line) => {
  let command: Command
  try {
    command = JSON.parse(line) as Command
  } catch {
    return
  }
  if (command.cmd === 'stop') return void stop()
  handle(command).then(print, (error: Error) =>
    print({ type: 'failed', rid: command.rid, error: error.message })
  )
})

node.ready.then(
  () => print({ type: 'ready', id: node.id, port: node.port }),
  (error: Error) => {
    print({ type: 'failed', error: `${error.name}: ${error.message}` })
    process.exit(1)
  }
)
