// Vivaldi coordinates against real round trips, on loopback: eight ChaskiNodes in this process, each link through
// its own delay relay (test/helpers/latency-relay.ts), pinged with node.ping(edge). The experiment, its map and why
// that map: test/helpers/vivaldi-grid.ts. The pairs never measured must be estimated within 10 % of the round trip
// configured for them (plus what this machine adds to any relayed round trip), and of their real pings (simulated,
// this map and schedule give 2–5 %: the rest is room for a loaded machine).
import { afterEach, describe, expect, it } from 'vitest'
import type { ChaskiNode, Edge } from '../../../src/main/chaski/index'
import { startTcpDelayRelay, type DelayRelay } from '../../helpers/latency-relay'
import { useNodes } from '../../helpers/nodes'
import { GRID_NODES, runGridExperiment, type LatencyNetwork } from '../../helpers/vivaldi-grid'
import { waitFor } from '../../helpers/wait-for'

const newNode = useNodes()
const relays: DelayRelay[] = []
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()))
})

async function loopbackNetwork(): Promise<LatencyNetwork> {
  const nodes: ChaskiNode[] = []
  for (let i = 0; i < GRID_NODES; i++) nodes.push(await newNode({ name: `grid-${i}` }))
  const edges = new Map<string, Edge>()
  return {
    ids: nodes.map((node) => node.id),
    async link(i, j, delayMs) {
      const relay = await startTcpDelayRelay({ target: { host: '127.0.0.1', port: nodes[j]!.port }, delayMs })
      relays.push(relay)
      edges.set(`${i}-${j}`, await nodes[i]!.connect(relay.address))
      edges.set(
        `${j}-${i}`,
        await waitFor(() => nodes[j]!.edges.find((edge) => edge.id === nodes[i]!.id), {
          message: `node ${j} sees node ${i}`
        })
      )
    },
    pingAll: (pairs) => Promise.all(pairs.map(([from, to]) => nodes[from]!.ping(edges.get(`${from}-${to}`)!)))
  }
}

describe('Vivaldi coordinates from real pings through delay relays (loopback)', () => {
  it('estimates the round trip of pairs that never measured each other', async () => {
    const outcome = await runGridExperiment(await loopbackNetwork())
    if (process.env.CHASKI_REPORT) console.log(outcome.summary)
    for (const { estimate, map, real } of outcome.unmeasured) {
      // The map's delay plus what this machine adds to every relayed round trip under the same load; the spread of
      // that addition (other processes share these two cores) is allowed on top of the 10 %.
      const configured = map + outcome.overheadMs
      expect(Math.abs(estimate - configured), outcome.summary).toBeLessThanOrEqual(
        0.1 * configured + outcome.noiseMs
      )
      expect(Math.abs(estimate - real), outcome.summary).toBeLessThanOrEqual(0.1 * real + outcome.noiseMs)
    }
  })
})
