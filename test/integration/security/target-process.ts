// The node under attack in the security tests, in a process of its own (so its memory, file descriptors and event
// loop are its own). Unlike test/helpers/peer-process.ts it prints nothing per event: a flood must cost the node,
// not this harness. Run: node --import tsx target-process.ts '<options JSON>'; prints one JSON ready line.
import { ChaskiNode, setLogLevel, type ChaskiNodeOptions } from '../../../src/main/chaski/index'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

setLogLevel('silent')
const options = JSON.parse(process.argv[2] ?? '{}') as ChaskiNodeOptions
const node = new ChaskiNode({ secure: false, ip: '127.0.0.1', port: 0, ...options })

node.ready.then(
  () => process.stdout.write(`${JSON.stringify({ ready: true, port: node.port, id: node.id })}\n`),
  (error: Error) => {
    process.stdout.write(`${JSON.stringify({ ready: false, error: `${error.name}: ${error.message}` })}\n`)
    process.exit(1)
  }
)
process.on('SIGTERM', () => void node.stop().then(() => process.exit(0)))
