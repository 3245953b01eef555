// A TCP relay on loopback that holds every chunk for `delayMs` in each direction: a link through it has a round trip
// of at least 2 × delayMs, a latency the test controls (tc netem is not available on these machines).
import net from 'node:net'

export interface DelayRelay {
  /** 'ip:port' to dial instead of the target. */
  address: string
  port: number
  close(): Promise<void>
}

export async function startDelayRelay(
  target: { host: string; port: number },
  delayMs: number
): Promise<DelayRelay> {
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  // Chunks leave in the order they came, each delayMs after it arrived.
  const pipeDelayed = (from: net.Socket, to: net.Socket): void => {
    from.on('data', (chunk) => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk)
      }, delayMs)
    })
    from.on('end', () => setTimeout(() => to.end(), delayMs))
    from.on('close', () => setTimeout(() => to.destroy(), delayMs))
  }
  const server = net.createServer((client) => {
    track(client)
    const upstream = net.connect(target.port, target.host)
    track(upstream)
    pipeDelayed(client, upstream)
    pipeDelayed(upstream, client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    address: `127.0.0.1:${port}`,
    port,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
