// Added latency for tests, in user space: this kernel has no `tc netem` (/work/shared/notes/test-networks.md).
// A relay listens on its own address and forwards to a target, holding every chunk (TCP) or datagram (UDP) for a
// one-way delay, plus optional jitter, in each direction. Order is kept: a chunk never overtakes the one before it
// (jitter only lengthens a gap, as on a single link). A TCP half-close or reset travels in order behind the data,
// with the same delay. Loopback (or addresses inside a test namespace) only, like everything in the tests.
import dgram from 'node:dgram'
import net from 'node:net'
import { performance } from 'node:perf_hooks'

export interface DelayRelayOptions {
  /** The real listener the relay forwards to. */
  target: { host: string; port: number }
  /** Address the relay listens on. @default '127.0.0.1' */
  host?: string
  /** Port the relay listens on (0: any free one). @default 0 */
  port?: number
  /** Added one-way delay in ms, each direction. */
  delayMs: number
  /** Each chunk's delay is drawn uniformly from delayMs ± jitterMs (never below 0). @default 0 */
  jitterMs?: number
  /** Uniform numbers in [0, 1) for the jitter (a seeded generator makes a run repeatable). @default Math.random */
  random?: () => number
}

export interface DelayRelay {
  /** Where to dial instead of the target. */
  readonly host: string
  readonly port: number
  /** `host:port`, for `node.connect(...)`. */
  readonly address: string
  /** Changes the delay of everything sent from now on (what is in flight keeps its delay). */
  setDelay(delayMs: number, jitterMs?: number): void
  /** TCP: connections open through the relay now. UDP: client addresses being relayed. */
  readonly connections: number
  /** TCP: the most bytes one direction of one connection has held at once (reading pauses past 4 MiB). */
  readonly peakHeldBytes: number
  /** Stops listening and drops every connection (with what is still in flight). */
  close(): Promise<void>
}

// A direction pauses its reader past this many bytes in flight, and resumes below the low mark.
const HIGH_WATER_BYTES = 4 * 1024 * 1024
const LOW_WATER_BYTES = 1024 * 1024
// UDP: client addresses relayed at once; datagrams from further ones are dropped.
const MAX_UDP_CLIENTS = 256

/** The delay of each item to send, from the relay's current settings. */
interface DelaySettings {
  delayMs: number
  jitterMs: number
  random: () => number
}

function nextDelay(settings: DelaySettings): number {
  if (settings.jitterMs === 0) return settings.delayMs
  return Math.max(0, settings.delayMs + (settings.random() * 2 - 1) * settings.jitterMs)
}

/** One direction of a link: items delivered in order, each no earlier than its send time plus its delay. */
class DelayLine<T> {
  private readonly queue: { at: number; item: T }[] = []
  private timer: NodeJS.Timeout | null = null
  private lastAt = 0

  constructor(
    private readonly settings: DelaySettings,
    private readonly deliver: (item: T) => void
  ) {}

  push(item: T): void {
    // Never before the previous item: order is kept, jitter can only stretch a gap.
    const at = Math.max(performance.now() + nextDelay(this.settings), this.lastAt)
    this.lastAt = at
    this.queue.push({ at, item })
    if (this.timer === null) this.arm()
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.queue.length = 0
  }

  private arm(): void {
    const head = this.queue[0]
    if (head === undefined) return
    // A timer may fire a little early (the event loop's clock is read once per turn): flush() re-arms then.
    this.timer = setTimeout(this.flush, Math.max(0, Math.ceil(head.at - performance.now())))
  }

  private readonly flush = (): void => {
    this.timer = null
    const now = performance.now()
    while (this.queue.length > 0 && this.queue[0]!.at <= now) this.deliver(this.queue.shift()!.item)
    this.arm()
  }
}

function makeSettings(options: DelayRelayOptions): DelaySettings {
  checkDelay(options.delayMs, options.jitterMs ?? 0)
  return { delayMs: options.delayMs, jitterMs: options.jitterMs ?? 0, random: options.random ?? Math.random }
}

function checkDelay(delayMs: number, jitterMs: number): void {
  if (!(delayMs >= 0 && delayMs <= 60_000) || !(jitterMs >= 0 && jitterMs <= 60_000))
    throw new RangeError('delay and jitter must be numbers of ms in 0..60000')
}

/** The part of a relay's handle both kinds share (where it listens, its delay), around what each counts itself. */
function relayHandle(
  host: string,
  port: number,
  settings: DelaySettings,
  own: Pick<DelayRelay, 'connections' | 'peakHeldBytes' | 'close'>
): DelayRelay {
  return {
    host,
    port,
    address: formatHostPort(host, port),
    setDelay(delayMs, jitterMs = 0) {
      checkDelay(delayMs, jitterMs)
      settings.delayMs = delayMs
      settings.jitterMs = jitterMs
    },
    get connections() {
      return own.connections
    },
    get peakHeldBytes() {
      return own.peakHeldBytes
    },
    close: () => own.close()
  }
}

function formatHostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`
}

type TcpItem = Buffer | 'end' | 'reset'

/** Forwards `from` to `to` through a delay line: data, then a half-close or a reset, in order. */
function pipeDelayed(
  from: net.Socket,
  to: net.Socket,
  settings: DelaySettings,
  lines: Set<DelayLine<TcpItem>>,
  held: { peak: number }
): void {
  let inFlight = 0
  let paused = false
  const line = new DelayLine<TcpItem>(settings, (item) => {
    if (item === 'end') {
      if (!to.destroyed) to.end()
    } else if (item === 'reset') {
      // A clean close already went out as 'end' (and destroying now could drop what to still buffers).
      if (!to.writableEnded) to.destroy()
      lines.delete(line)
    } else {
      inFlight -= item.length
      if (!to.destroyed && !to.writableEnded) to.write(item)
      if (paused && inFlight < LOW_WATER_BYTES) {
        paused = false
        from.resume()
      }
    }
  })
  lines.add(line)
  from.on('data', (chunk: Buffer) => {
    inFlight += chunk.length
    held.peak = Math.max(held.peak, inFlight)
    line.push(chunk)
    if (!paused && inFlight > HIGH_WATER_BYTES) {
      paused = true
      from.pause()
    }
  })
  from.on('end', () => line.push('end'))
  from.on('close', () => line.push('reset'))
  from.on('error', () => {}) // 'close' follows and travels as a reset
}

/** A TCP relay: every connection to it opens one to the target, each byte delayed both ways. */
export async function startTcpDelayRelay(options: DelayRelayOptions): Promise<DelayRelay> {
  const settings = makeSettings(options)
  const sockets = new Set<net.Socket>()
  const lines = new Set<DelayLine<TcpItem>>()
  const held = { peak: 0 }
  const track = (socket: net.Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const upstream = net.connect({
      host: options.target.host,
      port: options.target.port,
      allowHalfOpen: true,
      noDelay: true
    })
    track(client)
    track(upstream)
    pipeDelayed(client, upstream, settings, lines, held)
    pipeDelayed(upstream, client, settings, lines, held)
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port: options.port ?? 0 }, () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  return relayHandle(host, port, settings, {
    get connections() {
      return Math.floor(sockets.size / 2)
    },
    get peakHeldBytes() {
      return held.peak
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const line of lines) line.clear()
        lines.clear()
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  })
}

/**
 * A UDP relay: datagrams from each client address go to the target from a socket of their own, so the target's
 * replies find their way back to that client; every datagram is delayed, both ways, in order.
 */
export async function startUdpDelayRelay(options: DelayRelayOptions): Promise<DelayRelay> {
  const settings = makeSettings(options)
  const host = options.host ?? '127.0.0.1'
  const type = net.isIPv6(host) ? 'udp6' : 'udp4'
  const front = dgram.createSocket(type)
  interface Mapping {
    upstream: dgram.Socket
    toTarget: DelayLine<Buffer>
    toClient: DelayLine<Buffer>
  }
  const mappings = new Map<string, Mapping>()
  front.on('error', () => {})
  front.on('message', (message, client) => {
    const key = formatHostPort(client.address, client.port)
    let mapping = mappings.get(key)
    if (mapping === undefined) {
      if (mappings.size >= MAX_UDP_CLIENTS) return
      const upstream = dgram.createSocket(type)
      upstream.on('error', () => {})
      const bound = new Promise<void>((resolve) => upstream.bind({ address: host, port: 0 }, () => resolve()))
      const toClient = new DelayLine<Buffer>(settings, (reply) =>
        front.send(reply, client.port, client.address)
      )
      const toTarget = new DelayLine<Buffer>(settings, (datagram) => {
        // Sends wait for the bind; promise callbacks run in order, so datagrams stay in order.
        void bound.then(() => upstream.send(datagram, options.target.port, options.target.host))
      })
      upstream.on('message', (reply) => toClient.push(reply))
      mapping = { upstream, toTarget, toClient }
      mappings.set(key, mapping)
    }
    mapping.toTarget.push(message)
  })
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject)
    front.bind({ address: host, port: options.port ?? 0 }, () => resolve())
  })
  const port = front.address().port
  return relayHandle(host, port, settings, {
    get connections() {
      return mappings.size
    },
    peakHeldBytes: 0,
    close: async () => {
      const closing = [...mappings.values()].map((mapping) => {
        mapping.toTarget.clear()
        mapping.toClient.clear()
        return new Promise<void>((resolve) => mapping.upstream.close(() => resolve()))
      })
      mappings.clear()
      closing.push(new Promise<void>((resolve) => front.close(() => resolve())))
      await Promise.all(closing)
    }
  })
}

/**
 * The signature of main's first relay helper (test/helpers/delay-relay.ts, added with #14), so its users can move
 * here by changing one import: a TCP relay on loopback with a fixed delay.
 */
export function startDelayRelay(
  target: { host: string; port: number },
  delayMs: number
): Promise<DelayRelay> {
  return startTcpDelayRelay({ target, delayMs })
}
