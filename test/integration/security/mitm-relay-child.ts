// A man in the middle, as its own process: it terminates every TLS link dialled to it with its own node key and
// re-originates it to the target with the same key, passing the decrypted bytes both ways (so it could read and
// change every frame). Secure nodes must refuse to link through it: each side sees the relay's key under the id the
// other side claims. Run: process.execPath ['--import', 'tsx', this file, targetPort]. Prints {"port":n} once
// listening, then one JSON line per relayed connection: {"relayed":true} when both TLS legs were set up.
import net from 'node:net'
import {
  createTlsCredentials,
  generateNodeKey,
  secureAccept,
  secureDial
} from '../../../src/main/chaski/security/index'

const targetPort = Number(process.argv[2])

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`)
}

async function main(): Promise<void> {
  const credentials = await createTlsCredentials(generateNodeKey())
  const server = net.createServer((client) => {
    client.on('error', () => {})
    void (async () => {
      const inbound = await secureAccept(client, credentials)
      const upstream = net.connect({ host: '127.0.0.1', port: targetPort })
      upstream.on('error', () => {})
      const outbound = await secureDial(upstream, credentials)
      print({ relayed: true })
      inbound.socket.pipe(outbound.socket)
      outbound.socket.pipe(inbound.socket)
      inbound.socket.on('close', () => outbound.socket.destroy())
      outbound.socket.on('close', () => inbound.socket.destroy())
    })().catch((error: Error) => {
      print({ failed: error.name })
      client.destroy()
    })
  })
  server.listen(0, '127.0.0.1', () => print({ port: (server.address() as net.AddressInfo).port }))
}

void main()
process.on('SIGTERM', () => process.exit(0))
