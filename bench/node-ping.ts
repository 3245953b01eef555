// Ping round trip (spec §6): 1000 sequential node.ping(edge, { size: 0 }) calls, timed around the call, against a
// raw length-prefixed echo of a 16-byte frame (about a ping id + timestamp). Rounds alternate raw/ours.
import { randomBytes } from 'node:crypto'
import { RawEchoClient } from './raw-baseline'
import { loadChaski, startNode, stopNodes, type ChaskiNodeInstance } from './chaski'
import { median, percentile, roundSummary, summarize } from './stats'
import { withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric } from './types'

const ORIGINAL_PING_MS = 0.083
const RAW_PAYLOAD_BYTES = 16

async function run(ctx: BenchContext): Promise<Metric[]> {
  const total = ctx.quick ? 200 : 1000
  const rounds = 5
  const perRound = total / rounds
  const warmup = ctx.quick ? 200 : 2_000
  const payload = randomBytes(RAW_PAYLOAD_BYTES)
  const raw = await RawEchoClient.open()
  const rawSamples: number[] = []
  const ourSamples: number[] = []
  const reported: number[] = []
  const nodes: ChaskiNodeInstance[] = []
  let oursError: string | undefined
  try {
    let ping: ((record: boolean) => Promise<void>) | undefined
    try {
      const chaski = await loadChaski()
      const a = await startNode(chaski, { name: 'ping-a', subscriptions: ['A'] })
      const b = await startNode(chaski, { name: 'ping-b', subscriptions: ['A'] })
      nodes.push(a, b)
      const edge = await withTimeout(a.connect(b), 10_000, 'ping: connect a -> b')
      ping = async (record) => {
        const t0 = performance.now()
        const rtt = await withTimeout(a.ping(edge, { size: 0 }), 5_000, 'ping')
        const elapsed = performance.now() - t0
        if (record) {
          ourSamples.push(elapsed)
          reported.push(rtt)
        }
      }
    } catch (err) {
      oursError = (err as Error).message
    }
    ctx.progress(`warm-up ${warmup} each`)
    for (let i = 0; i < warmup; i++) {
      await raw.roundTrip(payload)
      if (ping && !oursError) await ping(false).catch((err: Error) => (oursError = err.message))
    }
    for (let r = 0; r < rounds; r++) {
      ctx.progress(`round ${r + 1}/${rounds}: ${perRound} raw echoes, ${perRound} pings`)
      for (let i = 0; i < perRound; i++) rawSamples.push(await raw.roundTrip(payload))
      for (let i = 0; i < perRound && ping && !oursError; i++) {
        await ping(true).catch((err: Error) => (oursError = err.message))
      }
    }
  } finally {
    await raw.close()
    await stopNodes(nodes, (msg) => ctx.progress(msg))
  }
  const complete = ourSamples.length === total
  const detail = {
    ours: roundSummary(summarize(ourSamples)),
    oursReportedByLibrary: roundSummary(summarize(reported)),
    raw: roundSummary(summarize(rawSamples)),
    rawPayloadBytes: RAW_PAYLOAD_BYTES
  }
  return [
    {
      id: 'ping.median',
      label: `ping round trip, median of ${total}`,
      kind: 'duration',
      ours: complete ? median(ourSamples) : null,
      raw: median(rawSamples),
      original: ORIGINAL_PING_MS,
      target: { of: 'ratio', op: '<=', value: 2, text: '≤ 2× raw' },
      note: oursError ?? `raw = echo of a ${RAW_PAYLOAD_BYTES}-byte frame; ours timed around ping()`,
      detail
    },
    {
      id: 'ping.p99',
      label: `ping round trip, p99 of ${total}`,
      kind: 'duration',
      ours: complete ? percentile(ourSamples, 99) : null,
      raw: percentile(rawSamples, 99),
      original: null
    }
  ]
}

const bench: BenchModule = {
  name: 'ping',
  description: 'sequential ping round trips vs a raw length-prefixed echo',
  run
}
export default bench
