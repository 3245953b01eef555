// Connect + handshake: time from connect() until it resolves with a registered edge (spec §3), median of 50,
// against a bare TCP connect and against a connect followed by one echoed frame. The second is the floor of any
// handshake in which the initiator waits for the acceptor's answer, as spec §3's does: it says how much of the
// figure is protocol work and how much is this machine. Samples alternate so background load hits all alike.
//
// Like the ping and throughput benches, the median is taken once the JIT has compiled the connect path of both
// sides: 2000 warm-up connects each, as many as the ping bench's pings. One connect runs each function once, so
// it takes hundreds to thousands before V8 has optimised them all (measured: ours/floor 1.4 after 1000, 1.27
// after 2000, flat beyond); Node's own net code is in the same position, which is why the raw figures drop too.
// The first 50 connects of the run are reported on a row of their own: what an app that connects now and then
// sees.
import { RawConnectTimer } from './raw-baseline'
import { loadChaski, startNode, stopNodes, type Chaski, type ChaskiNodeInstance } from './chaski'
import { median, percentile, roundSummary, summarize } from './stats'
import { withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric } from './types'

const ORIGINAL_CONNECT_MS = 1.2
/** Echoed after the raw connect: about the size of our handshake frame (identity of a node with a short name). */
const HANDSHAKE_SIZE = 160
/** Client nodes live one batch at a time, so 1000 warm-up connects never hold 1000 nodes' sockets open. */
const BATCH = 100

interface Samples {
  bare: number[]
  floor: number[]
  ours: number[]
}

const emptySamples = (): Samples => ({ bare: [], floor: [], ours: [] })

/** One round: a raw bare connect, a raw connect + echo, then one of ours (client → server). */
async function round(
  raw: RawConnectTimer,
  client: ChaskiNodeInstance,
  target: string,
  into: Samples
): Promise<void> {
  into.bare.push(await raw.sample())
  into.floor.push(await raw.sampleWithEcho(HANDSHAKE_SIZE))
  const t0 = performance.now()
  await withTimeout(client.connect(target), 10_000, `connect to ${target}`)
  into.ours.push(performance.now() - t0)
}

/** `total` rounds, with client nodes created and stopped BATCH at a time; `pick` says where round i's samples go. */
async function rounds(
  ctx: BenchContext,
  chaski: Chaski,
  raw: RawConnectTimer,
  target: string,
  total: number,
  pick: (i: number) => Samples | null
): Promise<void> {
  for (let start = 0; start < total; start += BATCH) {
    const size = Math.min(BATCH, total - start)
    const clients = await Promise.all(
      Array.from({ length: size }, (_, i) =>
        startNode(chaski, { name: `connect-client-${start + i}`, subscriptions: ['A'] })
      )
    )
    try {
      for (let i = 0; i < size; i++) await round(raw, clients[i], target, pick(start + i) ?? emptySamples())
    } finally {
      await stopNodes(clients, (msg) => ctx.progress(msg))
    }
  }
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const count = ctx.quick ? 10 : 50
  const warmup = ctx.quick ? 20 : 2000
  const raw = await RawConnectTimer.open()
  const cold = emptySamples()
  const warm = emptySamples()
  let oursError: string | undefined
  let server: ChaskiNodeInstance | undefined
  try {
    const chaski = await loadChaski()
    server = await startNode(chaski, { name: 'connect-server', subscriptions: ['A'] })
    const target = `127.0.0.1:${server.port}`
    ctx.progress(
      `${warmup} warm-up connects each (the first ${count} kept as the cold figure), raw/ours alternating`
    )
    await rounds(ctx, chaski, raw, target, warmup, (i) => (i < count ? cold : null))
    ctx.progress(`${count} measured connects each`)
    await rounds(ctx, chaski, raw, target, count, () => warm)
  } catch (err) {
    oursError = (err as Error).message
  } finally {
    await raw.close()
    if (server) await stopNodes([server], (msg) => ctx.progress(msg))
  }
  const oursOf = (s: Samples): number | null => (s.ours.length === count ? median(s.ours) : null)
  return [
    {
      id: 'connect.median',
      label: `connect + handshake, median of ${count}`,
      kind: 'duration',
      ours: oursOf(warm),
      raw: median(warm.bare),
      original: ORIGINAL_CONNECT_MS,
      target: { of: 'ours', op: '<=', value: 0.5, text: '≤ 0.5 ms' },
      note: oursError ?? `after ${warmup} warm-up connects; raw = bare TCP connect (no handshake)`,
      detail: {
        warmup,
        ours: roundSummary(summarize(warm.ours)),
        raw: roundSummary(summarize(warm.bare)),
        oursP90: percentile(warm.ours, 90)
      }
    },
    {
      id: 'connect.floor',
      label: `connect + handshake vs connect + 1 echo, median of ${count}`,
      kind: 'duration',
      ours: oursOf(warm),
      raw: median(warm.floor),
      original: null,
      note: `raw = TCP connect, then one ${HANDSHAKE_SIZE}-byte frame echoed: the least a handshake that waits for the acceptor's answer costs`,
      detail: { raw: roundSummary(summarize(warm.floor)) }
    },
    {
      id: 'connect.cold',
      label: `connect + handshake, first ${count} of the run`,
      kind: 'duration',
      ours: oursOf(cold),
      raw: median(cold.bare),
      original: ORIGINAL_CONNECT_MS,
      note: 'JIT cold (no warm-up): what an app that connects now and then sees; raw = bare TCP connect',
      detail: {
        ours: roundSummary(summarize(cold.ours)),
        raw: roundSummary(summarize(cold.bare)),
        floor: roundSummary(summarize(cold.floor))
      }
    }
  ]
}

const bench: BenchModule = {
  name: 'connect',
  description: 'connect + handshake time vs a bare TCP connect and a connect + one echo',
  run
}
export default bench
