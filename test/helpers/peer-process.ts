// A ChaskiNode in a child process, for tests that kill peers (SIGKILL) and restart them on the same port.
// Run: process.execPath ['--import', 'tsx', 'test/helpers/peer-process.ts', JSON options]
// Prints one JSON line {"ready":true,"port":...,"id":...} on stdout, then one JSON line per event of interest.
// Reads JSON commands on stdin: {"cmd":"connect","target":"ip:port"} | {"cmd":"close-all"} | {"cmd":"stop"}.
// Stops cleanly on SIGTERM.
import { createInterface } from 'node:readline'
import { ChaskiNode, setLogLevel, type ChaskiNodeOptions } from '../../src/main/chaski/index'
import { loadOrCreateNodeKey } from '../../src/main/chaski/security/index'

setLogLevel('silent')

async function main(): Promise<void> {
  // `keyFile`: the node's identity is kept there, so a restarted peer is the same node (the same id and key).
  const { keyFile, ...options } = JSON.parse(process.argv[2] ?? '{}') as ChaskiNodeOptions & {
    keyFile?: string
  }
  const key = keyFile === undefined ? undefined : (await loadOrCreateNodeKey(keyFile)).key
  const node = new ChaskiNode({ ip: '127.0.0.1', ...options, ...(key === undefined ? {} : { key }) })

  function print(value: unknown): void {
    process.stdout.write(JSON.stringify(value) + '\n')
  }

  node.on('edge-added', ({ edge }) => print({ event: 'edge-added', peer: edge.address, name: edge.name }))
  node.on('edge-removed', ({ edge, reason }) => print({ event: 'edge-removed', peer: edge.address, reason }))
  node.on('message', ({ topic, data }) => print({ event: 'message', topic, data }))

  let stopping = false
  async function stop(code: number): Promise<void> {
    if (stopping) return
    stopping = true
    await node.stop()
    process.exit(code)
  }

  process.on('SIGTERM', () => void stop(0))
  process.on('SIGINT', () => void stop(0))

  createInterface({ input: process.stdin }).on('line', (line) => {
    let command: { cmd?: string; target?: string; topic?: string; data?: unknown }
    try {
      command = JSON.parse(line) as typeof command
    } catch {
      return
    }
    if (command.cmd === 'connect' && command.target) {
      node.connect(command.target).then(
        (edge) => print({ event: 'connected', peer: edge.address }),
        (error: Error) => print({ event: 'connect-failed', error: error.name })
      )
    } else if (command.cmd === 'close-all') {
      void Promise.all(node.edges.map((edge) => node.closeConnection(edge))).then(() =>
        print({ event: 'closed-all' })
      )
    } else if (command.cmd === 'publish' && command.topic) {
      void node.publish(command.topic, command.data)
    } else if (command.cmd === 'stop') {
      void stop(0)
    }
  })

  node.ready.then(
    () => print({ ready: true, port: node.port, id: node.id }),
    (error: Error) => {
      print({ ready: false, error: `${error.name}: ${error.message}` })
      process.exit(1)
    }
  )
}

void main()
