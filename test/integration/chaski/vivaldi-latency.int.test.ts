// Vivaldi coordinates against real round trips: eight ChaskiNodes on loopback, each link through its own delay relay
// (test/helpers/delay-relay.ts) with the one-way delay of a map (nodes on a 2 × 4 grid, 16 ms of round trip per grid
// step: 8–25 ms one way). The nodes ping their edges with node.ping(edge); the test feeds those round trips to one
// VivaldiClient per node (the library does not carry coordinates yet: issue #16). Four pairs are never linked, so never
// measured: their estimated round trips are compared with the delay the map gives them, and with real pings through
// relays of that delay, made only afterwards.
//
// Why this map: with few nodes, a pair that is never measured is only pinned down when the measured pairs constrain
// it. Eight nodes in a filled 2 × 4 grid with all but four pairs measured are; eight nodes spread on a circle are
// much less so (simulated, 60 rounds, 8 dimensions: worst unmeasured pair 22–60 % off, against 2–5 % for this grid;
// the vivaldi branch report has the figures). The library's adverts should say how sure an estimate is.
import { afterEach, describe, expect, it } from 'vitest'
import { VivaldiClient, type Coordinate } from '../../../src/main/chaski/coordinates/index'
import type { ChaskiNode, Edge } from '../../../src/main/chaski/index'
import { startTcpDelayRelay, type DelayRelay } from '../../helpers/delay-relay'
import { useNodes } from '../../helpers/nodes'
import { seededRandom } from '../../helpers/seeded-random'
import { waitFor } from '../../helpers/wait-for'

const STEP_MS = 16
const COLUMNS = 4
const NODES = 8
const ROUNDS = 60
/** Pairs never linked, never pinged while the coordinates settle: 1, √2, √5 and √10 grid steps apart. */
const NEVER_MEASURED: [number, number][] = [
  [1, 6],
  [2, 4],
  [3, 5],
  [0, 7]
]

const newNode = useNodes()
const relays: DelayRelay[] = []
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()))
})

/** The round trip the map gives a pair: STEP_MS per grid step, the relay holding each way for half of it. */
function mapRtt(i: number, j: number): number {
  return (
    STEP_MS * Math.hypot((i % COLUMNS) - (j % COLUMNS), Math.floor(i / COLUMNS) - Math.floor(j / COLUMNS))
  )
}

function neverMeasured(i: number, j: number): boolean {
  return NEVER_MEASURED.some(([a, b]) => (a === i && b === j) || (a === j && b === i))
}

/** Links node i to node j through a relay holding each direction for half the map's round trip. */
async function link(nodes: ChaskiNode[], i: number, j: number): Promise<[Edge, Edge]> {
  const relay = await startTcpDelayRelay({
    target: { host: '127.0.0.1', port: nodes[j]!.port },
    delayMs: mapRtt(i, j) / 2
  })
  relays.push(relay)
  const forward = await nodes[i]!.connect(relay.address)
  const back = await waitFor(() => nodes[j]!.edges.find((edge) => edge.id === nodes[i]!.id), {
    message: `node ${j} sees node ${i}`
  })
  return [forward, back]
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

describe('Vivaldi coordinates from real pings through delay relays', () => {
  it('estimates the round trip of pairs that never measured each other', async () => {
    const nodes: ChaskiNode[] = []
    for (let i = 0; i < NODES; i++) nodes.push(await newNode({ name: `grid-${i}` }))
    const edges: { from: number; to: number; edge: Edge }[] = []
    for (let i = 0; i < NODES; i++) {
      for (let j = i + 1; j < NODES; j++) {
        if (neverMeasured(i, j)) continue
        const [forward, back] = await link(nodes, i, j)
        edges.push({ from: i, to: j, edge: forward }, { from: j, to: i, edge: back })
      }
    }
    const random = seededRandom(1)
    const clients = nodes.map(() => new VivaldiClient({ random: random.next }))

    // Each round, every node pings every edge at once; each pong moves the pinging node's coordinate, using the
    // coordinate its peer had when the round began (an advert's copy is never fresher than that).
    const measured = new Map<string, number[]>()
    for (let round = 0; round < ROUNDS; round++) {
      const known: Coordinate[] = clients.map((client) => client.coordinate)
      await Promise.all(
        edges.map(async ({ from, to, edge }) => {
          const rtt = await nodes[from]!.ping(edge)
          clients[from]!.update(nodes[to]!.id, known[to]!, rtt)
          const key = `${from}-${to}`
          measured.set(key, [...(measured.get(key) ?? []), rtt])
        })
      )
    }

    // Only now are the pairs never measured linked, through relays of the map's delay. A few more rounds, all edges
    // at once as before (the same load on this machine, so the same overhead), give their real round trips; the
    // coordinates are no longer updated.
    const estimates = NEVER_MEASURED.map(([i, j]) => clients[i]!.estimateRttMs(clients[j]!.coordinate))
    for (const [i, j] of NEVER_MEASURED) {
      expect(measured.has(`${i}-${j}`) || measured.has(`${j}-${i}`)).toBe(false)
      const [forward, back] = await link(nodes, i, j)
      edges.push({ from: i, to: j, edge: forward }, { from: j, to: i, edge: back })
    }
    const real = new Map<string, number[]>()
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        edges.map(async ({ from, to, edge }) => {
          const rtt = await nodes[from]!.ping(edge)
          const key = `${from}-${to}`
          real.set(key, [...(real.get(key) ?? []), rtt])
        })
      )
    }
    // What this machine adds to the relays' delays under that load (loopback, timers, the nodes themselves).
    const overhead = median(
      edges.map(({ from, to }) => median(real.get(`${from}-${to}`)!) - mapRtt(from, to))
    )
    const checks = NEVER_MEASURED.map(([i, j], k) => ({
      pair: `${i}↔${j}`,
      map: mapRtt(i, j),
      real: median(real.get(`${i}-${j}`)!),
      estimate: estimates[k]!
    }))
    const context =
      `overhead ${overhead.toFixed(1)} ms; ` +
      checks
        .map(
          (check) =>
            `${check.pair}: map ${check.map.toFixed(1)} ms, real ${check.real.toFixed(1)} ms, estimated ${check.estimate.toFixed(1)} ms`
        )
        .join('; ')
    if (process.env.CHASKI_REPORT) console.log(context)
    // Simulated, this map and schedule put every unmeasured pair within 2–5 %; 10 % leaves room for a loaded machine.
    for (const { estimate, map, real: measuredNow } of checks) {
      expect(Math.abs(estimate - measuredNow), context).toBeLessThanOrEqual(0.1 * measuredNow)
      expect(Math.abs(estimate - (map + overhead)), context).toBeLessThanOrEqual(0.1 * (map + overhead))
    }
  })
})
