// A port that is free for both TCP and UDP on loopback right now (for child processes that need a fixed port).
import dgram from 'node:dgram'
import net from 'node:net'

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const server = net.createServer()
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host, port: 0 }, () => resolve((server.address() as net.AddressInfo).port))
    })
    const udp = dgram.createSocket(net.isIP(host) === 6 ? 'udp6' : 'udp4')
    const udpOk = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false))
      udp.bind({ address: host, port }, () => resolve(true))
    })
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await new Promise<void>((resolve) => {
      try {
        udp.close(() => resolve())
      } catch {
        resolve()
      }
    })
    if (udpOk) return port
  }
  throw new Error('no free TCP+UDP port found')
}
