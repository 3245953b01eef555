// Child process of tls-link.int.test.ts "closing the TCP socket": links over TLS again and again and, as soon as the
// link is up, destroys the dialler's TCP socket and then the TLS socket on it in the same tick (what a transport's
// stop() does when it closes every socket it holds), while the acceptor's last handshake records are still arriving.
// Node 20 crashed here with a segmentation fault (exit 139) before tls-link.ts routed a destroy of the TCP socket
// through the TLS socket. Prints `survived <rounds> <fds before> <fds after>` and exits 0.
// Usage: node --import tsx test/integration/security/raw-destroy-child.ts <rounds>
import net from 'node:net'
import { once } from 'node:events'
import { readdirSync } from 'node:fs'
import { generateNodeKey } from '../../../src/main/chaski/security/node-key'
import { createTlsCredentials, secureAccept, secureDial } from '../../../src/main/chaski/security/tls-link'

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 200)
  const a = await createTlsCredentials(generateNodeKey())
  const b = await createTlsCredentials(generateNodeKey())
  const openFds = (): number => readdirSync('/proc/self/fd').length
  const before = openFds()
  for (let round = 0; round < rounds; round++) {
    const accepted: net.Socket[] = []
    const server = net.createServer((socket) => {
      accepted.push(socket)
      secureAccept(socket, b).then(
        (link) => link.socket.on('close', () => socket.destroy()),
        () => {}
      )
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const raw = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
    const closed = once(raw, 'close')
    const link = await secureDial(raw, a)
    raw.destroy()
    link.socket.destroy()
    for (const socket of accepted) socket.destroy()
    await closed
    await new Promise((resolve) => server.close(resolve))
  }
  // Let the last closes land before counting descriptors.
  await new Promise((resolve) => setTimeout(resolve, 100))
  process.stdout.write(`survived ${rounds} ${before} ${openFds()}\n`)
}

void main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`)
    process.exit(1)
  }
)
