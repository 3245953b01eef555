// One-way topic-message throughput (spec §7): a publisher node sends N messages of one payload size to a
// subscribed receiver; timed from the first publish until the receiver has counted all N 'message' events.
// Against raw one-way length-prefixed frames of the same payload size. Trials alternate raw/ours; the
// median trial is reported.
import { randomBytes } from 'node:crypto'
import { rawThroughput, type ThroughputResult } from './raw-baseline'
import { loadChaski, startNode, stopNodes, type ChaskiNodeInstance } from './chaski'
import { median, round } from './stats'
import { withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric } from './types'

const TOPIC = 'A'
/** The original's figure for small messages; it gave none for 4 KiB. */
const ORIGINAL_SMALL_PER_SECOND = 50_000

interface Case {
  id: string
  size: number
  minRatio: number
}

const CASES: Case[] = [
  { id: 'throughput.64B', size: 64, minRatio: 0.5 },
  { id: 'throughput.4KiB', size: 4096, minRatio: 0.6 }
]

/** A connected publisher/receiver pair that can run several counted trials. */
class NodePair {
  private received = 0
  private expected = 0
  private wrongSize = 0
  private onAll: (() => void) | null = null

  private constructor(
    readonly publisher: ChaskiNodeInstance,
    readonly receiver: ChaskiNodeInstance,
    private readonly size: number
  ) {
    receiver.on('message', ({ topic, data }) => {
      if (topic !== TOPIC) return
      if ((data as Uint8Array).byteLength !== this.size) this.wrongSize++
      if (++this.received === this.expected) this.onAll?.()
    })
  }

  static async open(size: number): Promise<NodePair> {
    const chaski = await loadChaski()
    const publisher = await startNode(chaski, { name: `pub-${size}`, subscriptions: [TOPIC] })
    const receiver = await startNode(chaski, { name: `sub-${size}`, subscriptions: [TOPIC] })
    try {
      await withTimeout(publisher.connect(receiver), 10_000, 'throughput: connect')
    } catch (err) {
      await stopNodes([publisher, receiver], () => {})
      throw err
    }
    return new NodePair(publisher, receiver, size)
  }

  async trial(count: number, timeoutMs: number): Promise<ThroughputResult> {
    this.received = 0
    this.wrongSize = 0
    this.expected = count
    const done = new Promise<void>((resolve) => (this.onAll = resolve))
    const payload = randomBytes(this.size)
    const t0 = performance.now()
    for (let i = 0; i < count; i++) await this.publisher.publish(TOPIC, payload)
    await withTimeout(done, timeoutMs, `throughput ${count}×${this.size} B (received ${this.received})`)
    const elapsedMs = performance.now() - t0
    this.onAll = null
    if (this.wrongSize > 0)
      throw new Error(`${this.wrongSize} message(s) arrived with a payload of the wrong size`)
    return { count, size: this.size, elapsedMs, perSecond: (count * 1000) / elapsedMs }
  }

  stop(): Promise<void> {
    return stopNodes([this.publisher, this.receiver], () => {})
  }
}

async function runCase(ctx: BenchContext, c: Case): Promise<Metric> {
  const count = ctx.quick ? 2_000 : 20_000
  const trials = ctx.quick ? 1 : 5
  const warmup = ctx.quick ? 2_000 : 20_000
  const timeoutMs = 120_000
  const rawTrials: ThroughputResult[] = []
  const ourTrials: ThroughputResult[] = []
  let oursError: string | undefined
  let pair: NodePair | undefined
  try {
    pair = await NodePair.open(c.size)
  } catch (err) {
    oursError = (err as Error).message
  }
  try {
    ctx.progress(`${c.size} B: warm-up ${warmup} each`)
    await rawThroughput(warmup, c.size, timeoutMs)
    if (pair) await pair.trial(warmup, timeoutMs).catch((err: Error) => (oursError = err.message))
    for (let t = 0; t < trials; t++) {
      ctx.progress(`${c.size} B: trial ${t + 1}/${trials}, ${count} messages each`)
      rawTrials.push(await rawThroughput(count, c.size, timeoutMs))
      if (pair && !oursError) {
        await pair
          .trial(count, timeoutMs)
          .then((r) => ourTrials.push(r))
          .catch((err: Error) => (oursError = err.message))
      }
    }
  } finally {
    await pair?.stop()
  }
  const label = c.size >= 1024 ? `${c.size / 1024} KiB` : `${c.size} B`
  return {
    id: c.id,
    label: `throughput ${label} one-way, ${count} msgs`,
    kind: 'rate',
    ours: ourTrials.length === trials ? median(ourTrials.map((r) => r.perSecond)) : null,
    raw: median(rawTrials.map((r) => r.perSecond)),
    original: c.size <= 64 ? ORIGINAL_SMALL_PER_SECOND : null,
    target: { of: 'ratio', op: '>=', value: c.minRatio, text: `≥ ${c.minRatio * 100} % raw` },
    note: oursError ?? (trials > 1 ? `median of ${trials} trials` : undefined),
    detail: {
      ours: ourTrials.map((r) => ({ elapsedMs: round(r.elapsedMs), perSecond: Math.round(r.perSecond) })),
      raw: rawTrials.map((r) => ({ elapsedMs: round(r.elapsedMs), perSecond: Math.round(r.perSecond) }))
    }
  }
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const metrics: Metric[] = []
  for (const c of CASES) {
    metrics.push(await runCase(ctx, c))
    ctx.gc()
  }
  return metrics
}

const bench: BenchModule = {
  name: 'throughput',
  description: 'one-way topic messages/s (64 B, 4 KiB) vs raw length-prefixed frames',
  run
}
export default bench
