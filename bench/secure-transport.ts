// Which secure channel for links (issue #13; module `channel`, the choice docs/PROTOCOL.md explains): node:tls (TLS 1.3, OpenSSL, in Node) against a Noise candidate
// (@hyperswarm/secret-stream, when installed: `npm install --no-save @hyperswarm/secret-stream@6.9.2`), each beside
// plain node:net, over the same 4-byte length-prefixed frames (raw-baseline.ts), in one run, alternating sample by
// sample (connects, echoes) or trial by trial (throughput) so background load hits all alike:
// - connect + one echo: a new TCP connection, the secure handshake with both keys checked, one 160-byte frame
//   echoed (about our handshake frame): the floor of a secure ChaskiNode connect;
// - echo: a 16-byte frame's round trip on an open link (the floor of a ping);
// - one-way throughput of 64 B and 4 KiB frames, batched as our links batch (one write per 64 KiB);
// - memory per node at 1000 nodes in a star, each transport in a fresh child (secure-star-child.ts).
// Each row puts the secure transport in "ours" and plain node:net in "raw".
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import type { Duplex } from 'node:stream'
import { encodeRawFrame, RawFrameReader } from './raw-baseline'
import {
  loadNoise,
  netTransport,
  noiseIdentity,
  noiseTransport,
  NOISE_INSTALL,
  tlsIdentity,
  tlsTransport,
  type StreamServer,
  type StreamTransport,
  type TransportName
} from './secure-streams'
import { runStarChild } from './star-launcher'
import type { SecureStarResult } from './secure-star-child'
import { median, percentile, round, roundSummary, summarize } from './stats'
import { withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric } from './types'

const CONNECT_ECHO_BYTES = 160
const ECHO_BYTES = 16
/** Frames are gathered and written once per this many bytes, as a link flushes its per-tick batch (§2). */
const BATCH_BYTES = 64 * 1024

type PerTransport<T> = Partial<Record<TransportName, T>>

/** One transport's echo and sink servers, kept for the whole module. */
interface Bench {
  transport: StreamTransport
  echo: StreamServer
  sink: StreamServer
  /** Set by a throughput trial: called with each frame's payload the sink receives. */
  onSinkFrame: ((payload: Buffer) => void) | null
}

function serveFrames(stream: Duplex, onFrame: (frame: Buffer, payload: Buffer) => void): void {
  const reader = new RawFrameReader(onFrame)
  stream.on('data', (chunk: Buffer) => reader.push(chunk))
}

async function openBench(transport: StreamTransport): Promise<Bench> {
  const bench: Bench = { transport, echo: null!, sink: null!, onSinkFrame: null }
  bench.echo = await transport.listen((stream) => serveFrames(stream, (frame) => stream.write(frame)))
  bench.sink = await transport.listen((stream) =>
    serveFrames(stream, (_frame, payload) => bench.onSinkFrame?.(payload))
  )
  return bench
}

/** Resolves on the next whole frame `stream` receives (one request in flight at a time). */
class EchoWaiter {
  private waiting: (() => void) | null = null

  constructor(stream: Duplex) {
    serveFrames(stream, () => {
      const done = this.waiting
      this.waiting = null
      done?.()
    })
  }

  next(): Promise<void> {
    return new Promise((resolve) => (this.waiting = resolve))
  }
}

/** Milliseconds from dial until one echoed frame is back, on a new connection (closed afterwards, not timed). */
async function connectAndEcho(bench: Bench, frame: Buffer): Promise<number> {
  const t0 = performance.now()
  const stream = await bench.transport.dial(bench.echo.port)
  const waiter = new EchoWaiter(stream)
  const answered = waiter.next()
  stream.write(frame)
  await withTimeout(answered, 5_000, `${bench.transport.name} echo after connect`)
  const elapsed = performance.now() - t0
  stream.destroy()
  return elapsed
}

class EchoClient {
  private constructor(
    private readonly stream: Duplex,
    private readonly waiter: EchoWaiter
  ) {}

  static async open(bench: Bench): Promise<EchoClient> {
    const stream = await bench.transport.dial(bench.echo.port)
    return new EchoClient(stream, new EchoWaiter(stream))
  }

  async roundTrip(frame: Buffer): Promise<number> {
    const t0 = performance.now()
    const answered = this.waiter.next()
    this.stream.write(frame)
    await withTimeout(answered, 5_000, 'echo')
    return performance.now() - t0
  }

  close(): void {
    this.stream.destroy()
  }
}

/** Frames per second of one trial: `count` frames of `size` bytes, batched, until the sink counted the last. */
async function throughputTrial(bench: Bench, count: number, size: number): Promise<number> {
  let received = 0
  let allReceived!: () => void
  const done = new Promise<void>((resolve) => (allReceived = resolve))
  bench.onSinkFrame = (payload) => {
    if (payload.length !== size) throw new Error(`sink got ${payload.length} bytes, expected ${size}`)
    if (++received === count) allReceived()
  }
  const stream = await bench.transport.dial(bench.sink.port)
  const payload = randomBytes(size)
  try {
    const t0 = performance.now()
    let batch: Buffer[] = []
    let batched = 0
    const flush = async (): Promise<void> => {
      const chunk = Buffer.concat(batch, batched)
      batch = []
      batched = 0
      if (!stream.write(chunk)) await once(stream, 'drain')
    }
    for (let i = 0; i < count; i++) {
      // One allocation per frame, like a sender encoding each message on its own; one write per batch.
      const frame = encodeRawFrame(payload)
      batch.push(frame)
      batched += frame.length
      if (batched >= BATCH_BYTES) await flush()
    }
    if (batched > 0) await flush()
    await withTimeout(done, 60_000, `${bench.transport.name} throughput ${count}×${size} B (got ${received})`)
    return (count * 1000) / (performance.now() - t0)
  } finally {
    bench.onSinkFrame = null
    stream.destroy()
  }
}

interface StarOutcome extends Partial<SecureStarResult> {
  error?: string
}

function runStar(ctx: BenchContext, kind: TransportName, count: number): Promise<StarOutcome> {
  return runStarChild<SecureStarResult>(
    ctx,
    'secure-star-child.ts',
    count,
    [kind, String(count)],
    `${kind} star`
  ).catch((err: Error) => ({ error: err.message }))
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const quick = ctx.quick
  const connects = quick ? 50 : 200
  const connectWarmup = quick ? 50 : 500
  const echoes = quick ? 200 : 2_000
  const echoWarmup = quick ? 200 : 2_000
  const trials = quick ? 3 : 5
  const cases = [
    { size: 64, count: quick ? 20_000 : 200_000 },
    { size: 4096, count: quick ? 2_000 : 20_000 }
  ]
  const starCount = quick ? 200 : 1000

  const transports: StreamTransport[] = [netTransport()]
  transports.push(tlsTransport(await tlsIdentity(), await tlsIdentity()))
  const SecretStream = loadNoise()
  if (SecretStream) {
    transports.push(noiseTransport(SecretStream, noiseIdentity(SecretStream), noiseIdentity(SecretStream)))
  } else ctx.progress(`Noise candidate not installed: its rows stay empty (${NOISE_INSTALL})`)
  const names = transports.map((t) => t.name)

  const benches: Bench[] = []
  const connectMs: PerTransport<number[]> = {}
  /** CPU time (user + system, both ends: they share this process) of each connect + echo, in ms. */
  const connectCpuMs: PerTransport<number[]> = {}
  const echoMs: PerTransport<number[]> = {}
  const rates: PerTransport<number[]>[] = cases.map(() => ({}))
  const stars: PerTransport<StarOutcome> = {}
  try {
    for (const t of transports) benches.push(await openBench(t))

    const connectFrame = encodeRawFrame(randomBytes(CONNECT_ECHO_BYTES))
    ctx.progress(
      `connect + echo: ${connectWarmup} warm-up, then ${connects} samples each (${names.join(', ')})`
    )
    for (let i = 0; i < connectWarmup + connects; i++) {
      for (const b of benches) {
        const cpu = process.cpuUsage()
        const ms = await connectAndEcho(b, connectFrame)
        const used = process.cpuUsage(cpu)
        if (i < connectWarmup) continue
        ;(connectMs[b.transport.name] ??= []).push(ms)
        ;(connectCpuMs[b.transport.name] ??= []).push((used.user + used.system) / 1000)
      }
    }

    ctx.progress(`echo of ${ECHO_BYTES} B: ${echoWarmup} warm-up, then ${echoes} samples each`)
    const echoFrame = encodeRawFrame(randomBytes(ECHO_BYTES))
    const clients = await Promise.all(benches.map((b) => EchoClient.open(b)))
    try {
      const rounds = 10
      for (let i = 0; i < echoWarmup; i++) for (const c of clients) await c.roundTrip(echoFrame)
      for (let r = 0; r < rounds; r++) {
        for (const [k, c] of clients.entries()) {
          const into = (echoMs[names[k]!] ??= [])
          for (let i = 0; i < echoes / rounds; i++) into.push(await c.roundTrip(echoFrame))
        }
      }
    } finally {
      for (const c of clients) c.close()
    }

    for (const [k, c] of cases.entries()) {
      ctx.progress(`throughput ${c.size} B: warm-up, then ${trials} trials of ${c.count} frames each`)
      for (const b of benches) await throughputTrial(b, Math.min(c.count, 20_000), c.size)
      for (let t = 0; t < trials; t++) {
        for (const b of benches)
          (rates[k]![b.transport.name] ??= []).push(await throughputTrial(b, c.count, c.size))
      }
    }
  } finally {
    for (const b of benches) await Promise.all([b.echo.close(), b.sink.close()])
  }

  for (const name of names) {
    ctx.progress(`memory: star of ${starCount} ${name} nodes (child process)`)
    stars[name] = await runStar(ctx, name, starCount)
  }

  const noiseNote = SecretStream ? undefined : `Noise candidate not installed (${NOISE_INSTALL})`
  const med = (samples: number[] | undefined): number | null => (samples?.length ? median(samples) : null)
  const metrics: Metric[] = []
  const pair = (
    id: string,
    label: string,
    kind: Metric['kind'],
    values: PerTransport<number[]>,
    pick: (s: number[] | undefined) => number | null,
    note: string
  ): void => {
    for (const secure of ['tls', 'noise'] as const) {
      metrics.push({
        id: `secure.${secure}.${id}`,
        label: `${secure === 'tls' ? 'TLS 1.3' : 'Noise'} ${label}`,
        kind,
        ours: pick(values[secure]),
        raw: pick(values.net),
        original: null,
        note: secure === 'noise' ? (noiseNote ?? note) : note,
        detail: values[secure] ? { summary: roundSummary(summarize(values[secure])) } : undefined
      })
    }
  }
  pair(
    'connectEcho',
    'connect + handshake + 1 echo, median',
    'duration',
    connectMs,
    med,
    `${connects} new connections each, mutual key check, ${CONNECT_ECHO_BYTES}-byte frame echoed`
  )
  pair(
    'connectCpu',
    'connect + handshake + 1 echo, CPU of both ends, median',
    'duration',
    connectCpuMs,
    med,
    'process CPU time (user + system) around each sample: less sensitive to a busy machine than the wall time'
  )
  pair(
    'connectEchoP99',
    'connect + handshake + 1 echo, p99',
    'duration',
    connectMs,
    (s) => (s?.length ? percentile(s, 99) : null),
    ''
  )
  pair(
    'echo',
    `echo of ${ECHO_BYTES} B, median`,
    'duration',
    echoMs,
    med,
    `${echoes} round trips on an open link`
  )
  for (const [k, c] of cases.entries()) {
    pair(
      `throughput${c.size}`,
      `one-way ${c.size} B frames, batched`,
      'rate',
      rates[k]!,
      med,
      `median of ${trials} trials of ${c.count} frames, one write per ${BATCH_BYTES / 1024} KiB`
    )
  }
  const starRow = (key: 'rssPerNode' | 'createRssPerNode', label: string, note: string): void => {
    for (const secure of ['tls', 'noise'] as const) {
      const s = stars[secure]
      const r = stars.net
      metrics.push({
        id: `secure.${secure}.${key}`,
        label: `${secure === 'tls' ? 'TLS 1.3' : 'Noise'} star of ${starCount}: ${label}`,
        kind: 'bytes',
        ours: s && !s.error ? (s[key] ?? null) : null,
        raw: r && !r.error ? (r[key] ?? null) : null,
        original: null,
        note: s?.error ?? (secure === 'noise' ? noiseNote : undefined) ?? note,
        detail:
          key === 'rssPerNode' && s ? { ours: roundedStar(s), raw: r ? roundedStar(r) : null } : undefined
      })
    }
  }
  starRow(
    'rssPerNode',
    'resident memory per node',
    'RSS delta after GC / nodes: listener, own key (TLS: + certificate, SecureContext), one link to the hub (both ends)'
  )
  starRow('createRssPerNode', 'of which before any link', 'the same nodes measured before the leaves link')
  return metrics
}

function roundedStar(s: StarOutcome): Record<string, unknown> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]))
}

const bench: BenchModule = {
  name: 'channel',
  description:
    'the secure channel: TLS 1.3 (node:tls) and a Noise candidate vs plain node:net: connect, echo, throughput, memory',
  run
}
export default bench
