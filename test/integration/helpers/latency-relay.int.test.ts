// The user-space delay relay (test/helpers/latency-relay.ts) over real sockets: a round trip through it takes twice the
// configured delay plus what the same round trip takes without it, bytes arrive whole and in order (with jitter,
// under backpressure), and a close travels behind the data. The tolerance is measured on this machine first: how
// late its timers fire and how long a plain loopback round trip takes.
import { createHash, randomBytes } from 'node:crypto'
import dgram from 'node:dgram'
import net from 'node:net'
import { performance } from 'node:perf_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import {
  startDelayRelay,
  startTcpDelayRelay,
  startUdpDelayRelay,
  type DelayRelay
} from '../../helpers/latency-relay'
import { useNodes } from '../../helpers/nodes'
import { seededRandom } from '../../helpers/seeded-random'
import { requestStatus } from '../../../src/main/chaski/index'

const opened: { close(): unknown }[] = []
afterEach(async () => {
  for (const each of opened.splice(0).reverse()) await each.close()
})
const newNode = useNodes()

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

/** How late a setTimeout of `ms` fires now (a relay's delay rides on one timer per chunk and direction). */
async function timerLateness(ms: number): Promise<number> {
  const start = performance.now()
  await new Promise((resolve) => setTimeout(resolve, ms))
  return performance.now() - start - ms
}

function quantile(values: number[], q: number): number {
  const sorted = values.slice().sort((a, b) => a - b)
  return sorted[Math.floor(q * (sorted.length - 1))]!
}

async function tcpEchoServer(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    socket.pipe(socket)
  })
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()))
  opened.push({ close: () => new Promise((resolve) => server.close(resolve)) })
  return server
}

async function connectTo(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  opened.push({ close: () => socket.destroy() })
  return socket
}

/** Round trips of a 1-byte message echoed back, one at a time, in ms. */
async function tcpRoundTrips(socket: net.Socket, count: number): Promise<number[]> {
  const rtts: number[] = []
  for (let i = 0; i < count; i++) {
    const start = performance.now()
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve())
      socket.write('x')
    })
    rtts.push(performance.now() - start)
  }
  return rtts
}

async function tcpRelay(target: number, delayMs: number, jitterMs = 0): Promise<DelayRelay> {
  const relay = await startTcpDelayRelay({
    target: { host: '127.0.0.1', port: target },
    delayMs,
    jitterMs,
    random: seededRandom(1).next
  })
  opened.push(relay)
  return relay
}

describe('TCP delay relay', () => {
  it('a round trip through it takes 2 × delay + the direct round trip, within the timers’ lateness', async () => {
    const echo = (await tcpEchoServer().then((server) => server.address())) as net.AddressInfo
    const direct = await connectTo(echo.port)
    for (const delayMs of [5, 20]) {
      const relayed = await connectTo((await tcpRelay(echo.port, delayMs)).port)
      // Interleaved, so that the machine's load weighs on all three alike: direct round trip, a timer's lateness,
      // round trip through the relay.
      const base: number[] = []
      const late: number[] = []
      const rtts: number[] = []
      for (let i = 0; i < 16; i++) {
        base.push(...(await tcpRoundTrips(direct, 1)))
        late.push(await timerLateness(delayMs))
        rtts.push(...(await tcpRoundTrips(relayed, 1)))
      }
      const allowed = 2 * delayMs + median(base) + 2 * median(late) + 2
      const context = `delay ${delayMs} ms, direct ${median(base).toFixed(2)} ms, timer lateness ${median(late).toFixed(2)} ms, rtts ${rtts.map((rtt) => rtt.toFixed(1)).join(' ')}`
      // Never early: each byte is held at least the delay, each way.
      for (const rtt of rtts) expect(rtt, context).toBeGreaterThanOrEqual(2 * delayMs)
      // Late by no more than the direct round trip, two timers' lateness (one per direction) and 2 ms: asserted on
      // the lower quartile, which a burst of load from other processes on this shared machine does not reach.
      expect(quantile(rtts, 0.25), context).toBeLessThanOrEqual(allowed)
    }
  })

  it('with jitter, round trips spread within delay ± jitter each way, and bytes stay in order', async () => {
    const echo = (await tcpEchoServer().then((server) => server.address())) as net.AddressInfo
    const relay = await tcpRelay(echo.port, 10, 5)
    const rtts = await tcpRoundTrips(await connectTo(relay.port), 30)
    const context = rtts.map((rtt) => rtt.toFixed(1)).join(' ')
    for (const rtt of rtts) expect(rtt, context).toBeGreaterThanOrEqual(10)
    expect(quantile(rtts, 0.25), context).toBeLessThanOrEqual(20 + 2 * (await timerLateness(10)) + 2)
    expect(quantile(rtts, 0.75), context).toBeLessThanOrEqual(30 + 2 * (await timerLateness(10)) + 10)
    expect(Math.max(...rtts) - Math.min(...rtts), context).toBeGreaterThan(3)
    // Numbered messages sent one per event-loop turn, so that each leaves as its own segment and gets its own
    // jitter: a relay that let a chunk overtake the one before it would scramble them.
    const socket = await connectTo(relay.port)
    let received = ''
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()))
    let sent = ''
    for (let i = 0; i < 300; i++) {
      socket.write(`${i},`)
      sent += `${i},`
      await new Promise((resolve) => setImmediate(resolve))
    }
    await waitUntil(() => received.length >= sent.length)
    expect(received).toBe(sent)
  })

  it('carries 16 MiB whole, holding at most about 4 MiB at a time, then the half-close behind it', async () => {
    const sink = net.createServer({ allowHalfOpen: true }, (socket) => {
      const hash = createHash('sha256')
      let bytes = 0
      socket.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        hash.update(chunk)
      })
      socket.on('end', () => socket.end(`${bytes} ${hash.digest('hex')}`))
    })
    await new Promise<void>((resolve) => sink.listen({ host: '127.0.0.1', port: 0 }, () => resolve()))
    opened.push({ close: () => new Promise((resolve) => sink.close(resolve)) })
    const relay = await tcpRelay((sink.address() as net.AddressInfo).port, 20)
    const payload = randomBytes(16 * 1024 * 1024)
    const socket = net.connect({ host: '127.0.0.1', port: relay.port, allowHalfOpen: true })
    opened.push({ close: () => socket.destroy() })
    let answer = ''
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
    const ended = new Promise<void>((resolve) => socket.on('end', () => resolve()))
    socket.end(payload)
    await ended
    expect(answer).toBe(`${payload.length} ${createHash('sha256').update(payload).digest('hex')}`)
    // Reading pauses past 4 MiB held; what was already in the socket's read buffer still arrives (≤ 1 MiB here).
    expect(relay.peakHeldBytes).toBeGreaterThan(1024 * 1024)
    expect(relay.peakHeldBytes).toBeLessThanOrEqual(5 * 1024 * 1024)
  })

  it('a reset reaches the other side no sooner than the delay', async () => {
    const server = net.createServer((socket) => {
      socket.on('error', () => {})
      socket.once('data', () => socket.destroy())
    })
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()))
    opened.push({ close: () => new Promise((resolve) => server.close(resolve)) })
    // Through the fixed-delay form (main's first relay helper's signature).
    const relay = await startDelayRelay(
      { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port },
      15
    )
    opened.push(relay)
    const socket = await connectTo(relay.port)
    socket.on('error', () => {})
    const start = performance.now()
    const closed = new Promise<number>((resolve) =>
      socket.on('close', () => resolve(performance.now() - start))
    )
    socket.write('bye')
    expect(await closed).toBeGreaterThanOrEqual(30)
    await waitUntil(() => relay.connections === 0)
  })

  it('setDelay changes the delay of what is sent next', async () => {
    const echo = (await tcpEchoServer().then((server) => server.address())) as net.AddressInfo
    const relay = await tcpRelay(echo.port, 2)
    const socket = await connectTo(relay.port)
    expect(median(await tcpRoundTrips(socket, 5))).toBeLessThan(20)
    relay.setDelay(15)
    for (const rtt of await tcpRoundTrips(socket, 5)) expect(rtt).toBeGreaterThanOrEqual(30)
    expect(() => relay.setDelay(-1)).toThrow(RangeError)
  })
})

describe('UDP delay relay', () => {
  it('delays each datagram both ways, in order, and a node answers a status request through it', async () => {
    const echo = dgram.createSocket('udp4')
    echo.on('message', (message, from) => echo.send(message, from.port, from.address))
    await new Promise<void>((resolve) => echo.bind({ address: '127.0.0.1', port: 0 }, () => resolve()))
    opened.push({ close: () => new Promise<void>((resolve) => echo.close(() => resolve())) })
    const relay = await startUdpDelayRelay({
      target: { host: '127.0.0.1', port: echo.address().port },
      delayMs: 10
    })
    opened.push(relay)
    const client = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => client.bind({ address: '127.0.0.1', port: 0 }, () => resolve()))
    opened.push({ close: () => new Promise<void>((resolve) => client.close(() => resolve())) })
    const received: string[] = []
    const arrivals: number[] = []
    client.on('message', (message) => {
      received.push(message.toString())
      arrivals.push(performance.now())
    })
    const start = performance.now()
    for (let i = 0; i < 50; i++) client.send(String(i), relay.port, '127.0.0.1')
    await waitUntil(() => received.length === 50)
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => String(i)))
    expect(arrivals[0]! - start).toBeGreaterThanOrEqual(20)
    expect(relay.connections).toBe(1)

    // A ChaskiNode's UDP status side channel through a relay: the answer arrives, no sooner than 2 × delay.
    const node = await newNode({ name: 'behind-relay' })
    const statusRelay = await startUdpDelayRelay({
      target: { host: '127.0.0.1', port: node.port },
      delayMs: 10
    })
    opened.push(statusRelay)
    const asked = performance.now()
    const status = await requestStatus('127.0.0.1', statusRelay.port, { timeoutMs: 2000 })
    expect(performance.now() - asked).toBeGreaterThanOrEqual(20)
    expect(status.name).toBe('behind-relay')
  })
})

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
