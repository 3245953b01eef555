// Does the hand-written msgpack path pay for itself? The same library, in the same run, two ways: "ours" is the
// default codec (envelope encoder writing straight into the link's batch, fast envelope decoder, pre-encoded
// handshake and pong identity); "raw" here is NOT node:net but the same nodes given msgpackr as a custom
// serializer/deserializer pair, so every frame goes through msgpackr's pack/unpack of the whole envelope and the
// generic validators (wire.ts's custom-codec path). Connect, ping, throughput 64 B / 4 KiB and memory per node of
// a 1000-node star, alternating the two so background load hits both alike.
import { randomBytes } from 'node:crypto'
import { loadChaski, startNode, stopNodes, type Chaski, type ChaskiNodeInstance } from './chaski'
import { libraryBundle } from './library-build'
import type { StarResult } from './star-child'
import { runStarChild } from './star-launcher'
import { median, round } from './stats'
import { withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric } from './types'

type Path = 'fast' | 'msgpackr'

const TOPIC = 'A'
const BASELINE = 'the raw column is the same library with msgpackr as its serializer (no hand-written path)'

function codecOptions(chaski: Chaski, which: Path): Record<string, unknown> {
  if (which === 'fast') return {}
  return { serializer: chaski.msgpackCodec.encode, deserializer: chaski.msgpackCodec.decode }
}

function start(chaski: Chaski, which: Path, name: string): Promise<ChaskiNodeInstance> {
  return startNode(chaski, { name, subscriptions: [TOPIC], ...codecOptions(chaski, which) })
}

/** Median connect + handshake (ms) after `warmup` connects, clients made BATCH at a time. */
async function connectMedians(chaski: Chaski, count: number, warmup: number): Promise<Record<Path, number>> {
  const servers = {
    fast: await start(chaski, 'fast', 'cs-fast'),
    msgpackr: await start(chaski, 'msgpackr', 'cs-m')
  }
  const samples: Record<Path, number[]> = { fast: [], msgpackr: [] }
  const BATCH = 100
  try {
    const total = warmup + count
    for (let from = 0; from < total; from += BATCH) {
      const size = Math.min(BATCH, total - from)
      const clients: Record<Path, ChaskiNodeInstance[]> = {
        fast: await Promise.all(
          Array.from({ length: size }, (_, i) => start(chaski, 'fast', `c${from + i}`))
        ),
        msgpackr: await Promise.all(
          Array.from({ length: size }, (_, i) => start(chaski, 'msgpackr', `m${from + i}`))
        )
      }
      try {
        for (let i = 0; i < size; i++) {
          for (const which of ['fast', 'msgpackr'] as const) {
            const t0 = performance.now()
            await withTimeout(clients[which][i].connect(servers[which]), 10_000, 'codec: connect')
            if (from + i >= warmup) samples[which].push(performance.now() - t0)
          }
        }
      } finally {
        await stopNodes([...clients.fast, ...clients.msgpackr], () => {})
      }
    }
  } finally {
    await stopNodes([servers.fast, servers.msgpackr], () => {})
  }
  return { fast: median(samples.fast), msgpackr: median(samples.msgpackr) }
}

interface Pair {
  a: ChaskiNodeInstance
  b: ChaskiNodeInstance
}

async function pairOf(chaski: Chaski, which: Path): Promise<Pair> {
  const a = await start(chaski, which, `pa-${which}`)
  const b = await start(chaski, which, `pb-${which}`)
  await withTimeout(a.connect(b), 10_000, 'codec: pair connect')
  return { a, b }
}

/** Median ping round trip (ms), rounds alternating between the two paths. */
async function pingMedians(
  pairs: Record<Path, Pair>,
  total: number,
  warmup: number
): Promise<Record<Path, number>> {
  const samples: Record<Path, number[]> = { fast: [], msgpackr: [] }
  const rounds = 10
  for (const which of ['fast', 'msgpackr'] as const) {
    const { a } = pairs[which]
    const edge = a.edges[0]!
    for (let i = 0; i < warmup; i++) await a.ping(edge)
  }
  for (let r = 0; r < rounds; r++) {
    for (const which of ['fast', 'msgpackr'] as const) {
      const { a } = pairs[which]
      const edge = a.edges[0]!
      for (let i = 0; i < total / rounds; i++) {
        const t0 = performance.now()
        await a.ping(edge)
        samples[which].push(performance.now() - t0)
      }
    }
  }
  return { fast: median(samples.fast), msgpackr: median(samples.msgpackr) }
}

/** Messages per second, one-way, `count` messages of `size` bytes; median of `trials`, alternating paths. */
async function throughputMedians(
  pairs: Record<Path, Pair>,
  size: number,
  count: number,
  trials: number
): Promise<Record<Path, number>> {
  const payload = randomBytes(size)
  const rates: Record<Path, number[]> = { fast: [], msgpackr: [] }
  const trial = async (pair: Pair): Promise<number> => {
    let received = 0
    let all!: () => void
    const done = new Promise<void>((resolve) => (all = resolve))
    const onMessage = (): void => {
      if (++received === count) all()
    }
    pair.b.on('message', onMessage)
    const t0 = performance.now()
    for (let i = 0; i < count; i++) await pair.a.publish(TOPIC, payload)
    await withTimeout(done, 120_000, `codec: throughput ${size} B`)
    const elapsed = performance.now() - t0
    pair.b.off('message', onMessage)
    return (count * 1000) / elapsed
  }
  for (const which of ['fast', 'msgpackr'] as const) await trial(pairs[which]) // warm-up
  for (let t = 0; t < trials; t++) {
    for (const which of ['fast', 'msgpackr'] as const) rates[which].push(await trial(pairs[which]))
  }
  return { fast: median(rates.fast), msgpackr: median(rates.msgpackr) }
}

function starChild(ctx: BenchContext, count: number, which: Path): Promise<StarResult> {
  return runStarChild<StarResult>(
    ctx,
    'star-child.ts',
    count,
    ['node', String(count), '1', which],
    `star (${which})`
  )
}

function metric(
  id: string,
  label: string,
  kind: Metric['kind'],
  values: Record<Path, number> | null,
  note: string,
  detail?: Record<string, unknown>
): Metric {
  return {
    id,
    label,
    kind,
    ours: values?.fast ?? null,
    raw: values?.msgpackr ?? null,
    original: null,
    note,
    ...(detail ? { detail } : {})
  }
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const chaski = await loadChaski()
  await libraryBundle()
  const quick = ctx.quick
  ctx.progress('connect + handshake, both paths alternating')
  const connect = await connectMedians(chaski, quick ? 10 : 50, quick ? 20 : 1000)
  const pairs = { fast: await pairOf(chaski, 'fast'), msgpackr: await pairOf(chaski, 'msgpackr') }
  let ping: Record<Path, number>
  let small: Record<Path, number>
  let large: Record<Path, number>
  try {
    ctx.progress('ping, both paths alternating')
    ping = await pingMedians(pairs, quick ? 200 : 1000, quick ? 200 : 2000)
    ctx.progress('throughput 64 B')
    small = await throughputMedians(pairs, 64, quick ? 2000 : 20_000, quick ? 1 : 5)
    ctx.progress('throughput 4 KiB')
    large = await throughputMedians(pairs, 4096, quick ? 2000 : 20_000, quick ? 1 : 5)
  } finally {
    await stopNodes([pairs.fast.a, pairs.fast.b, pairs.msgpackr.a, pairs.msgpackr.b], () => {})
  }
  const count = quick ? 200 : 1000
  ctx.progress(`star of ${count}, default codec (child process)`)
  const starFast = await starChild(ctx, count, 'fast').catch(
    (err: Error) => ({ error: err.message }) as StarResult
  )
  ctx.progress(`star of ${count}, msgpackr as serializer (child process)`)
  const starM = await starChild(ctx, count, 'msgpackr').catch(
    (err: Error) => ({ error: err.message }) as StarResult
  )
  const star = (key: 'rssPerNode' | 'heapUsedPerNode'): Record<Path, number> | null =>
    starFast.error || starM.error ? null : { fast: starFast[key], msgpackr: starM[key] }
  return [
    metric('codec.connect', 'codec paths: connect + handshake, median of 50', 'duration', connect, BASELINE),
    metric('codec.ping', 'codec paths: ping round trip, median of 1000', 'duration', ping, BASELINE),
    metric('codec.64B', 'codec paths: throughput 64 B one-way', 'rate', small, BASELINE),
    metric('codec.4KiB', 'codec paths: throughput 4 KiB one-way', 'rate', large, BASELINE),
    metric(
      'codec.rssPerNode',
      `codec paths: star of ${count}, resident memory per node`,
      'bytes',
      star('rssPerNode'),
      starFast.error ?? starM.error ?? BASELINE,
      {
        fast: { ...starFast, rssPerNode: round(starFast.rssPerNode) },
        msgpackr: { ...starM, rssPerNode: round(starM.rssPerNode) }
      }
    ),
    metric(
      'codec.heapPerNode',
      `codec paths: star of ${count}, JS heap per node`,
      'bytes',
      star('heapUsedPerNode'),
      BASELINE
    )
  ]
}

const bench: BenchModule = {
  name: 'codec',
  description: 'the hand-written msgpack path vs msgpackr alone, same library, same run',
  run
}
export default bench
