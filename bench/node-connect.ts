// Connect + handshake: time from connect() until it resolves with a registered edge (spec §3), median of 50,
// against a bare TCP connect and against a connect followed by one echoed frame. The second is the floor of any
// handshake in which the initiator waits for the acceptor's answer, as spec §3's does: it says how much of the
// figure is protocol work and how much is this machine. Samples alternate so background load hits all alike.
import { RawConnectTimer } from './raw-baseline'
import { loadChaski, startNode, stopNodes, type ChaskiNodeInstance } from './chaski'
import { median, percentile, roundSummary, summarize } from './stats'
import { withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric } from './types'

const ORIGINAL_CONNECT_MS = 1.2
/** Echoed after the raw connect: about the size of our handshake frame (identity of a node with a short name). */
const HANDSHAKE_SIZE = 160

async function run(ctx: BenchContext): Promise<Metric[]> {
  const count = ctx.quick ? 10 : 50
  const warmup = ctx.quick ? 5 : 30
  const raw = await RawConnectTimer.open()
  const rawSamples: number[] = []
  const floorSamples: number[] = []
  const ourSamples: number[] = []
  let oursError: string | undefined
  const nodes: ChaskiNodeInstance[] = []
  try {
    let server: ChaskiNodeInstance | undefined
    let clients: ChaskiNodeInstance[] = []
    try {
      const chaski = await loadChaski()
      ctx.progress(`creating 1 server + ${warmup + count} client nodes`)
      server = await startNode(chaski, { name: 'connect-server', subscriptions: ['A'] })
      nodes.push(server)
      clients = await Promise.all(
        Array.from({ length: warmup + count }, (_, i) =>
          startNode(chaski, { name: `connect-client-${i}`, subscriptions: ['A'] })
        )
      )
      nodes.push(...clients)
    } catch (err) {
      oursError = (err as Error).message
    }
    ctx.progress(`${warmup} warm-up + ${count} connects each, alternating raw/ours`)
    for (let i = 0; i < warmup + count; i++) {
      const rawMs = await raw.sample()
      const floorMs = await raw.sampleWithEcho(HANDSHAKE_SIZE)
      if (i >= warmup) {
        rawSamples.push(rawMs)
        floorSamples.push(floorMs)
      }
      if (server && oursError === undefined) {
        const target = `127.0.0.1:${server.port}`
        const t0 = performance.now()
        try {
          await withTimeout(clients[i].connect(target), 10_000, `connect to ${target}`)
          if (i >= warmup) ourSamples.push(performance.now() - t0)
        } catch (err) {
          oursError = (err as Error).message
        }
      }
    }
  } finally {
    await raw.close()
    await stopNodes(nodes, (msg) => ctx.progress(msg))
  }
  const ours = ourSamples.length === count ? median(ourSamples) : null
  const rawMedian = median(rawSamples)
  return [
    {
      id: 'connect.median',
      label: `connect + handshake, median of ${count}`,
      kind: 'duration',
      ours,
      raw: rawMedian,
      original: ORIGINAL_CONNECT_MS,
      target: { of: 'ours', op: '<=', value: 0.5, text: '≤ 0.5 ms' },
      note: oursError ?? 'raw = bare TCP connect (no handshake)',
      detail: {
        ours: roundSummary(summarize(ourSamples)),
        raw: roundSummary(summarize(rawSamples)),
        oursP90: percentile(ourSamples, 90)
      }
    },
    {
      id: 'connect.floor',
      label: `connect + handshake vs connect + 1 echo, median of ${count}`,
      kind: 'duration',
      ours,
      raw: median(floorSamples),
      original: null,
      note: `raw = TCP connect, then one ${HANDSHAKE_SIZE}-byte frame echoed: the least a handshake that waits for the acceptor's answer costs`,
      detail: { raw: roundSummary(summarize(floorSamples)) }
    }
  ]
}

const bench: BenchModule = {
  name: 'connect',
  description: 'connect + handshake time vs a bare TCP connect',
  run
}
export default bench
