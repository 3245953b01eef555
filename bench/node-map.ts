// Neighbour adverts at scale (issue #16, docs/PROTOCOL.md §12): a 100-node network on loopback (each node links to
// 3 random earlier ones, about 6 edges each; keep-alive on, adverts at their defaults: every 30 s, debounce 1 s,
// ttl 2). Measured: advert traffic per node per minute in steady state (frames and bytes on the wire, ours and
// forwarded), and how long a new link takes to appear in the map of a node 2 hops away; then, with ttl 3 on a
// 5-node chain, in the map of a node 3 hops away. The dashboard adds its refresh (1 s) on top.
import { loadChaski, startNode, stopNodes, type Chaski, type ChaskiNodeInstance } from './chaski'
import { median, round } from './stats'
import { sleep, waitUntil, withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric } from './types'

/** mulberry32: the same network on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function hasLink(node: ChaskiNodeInstance, a: string, b: string): boolean {
  return node.map().links.some((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a))
}

/** Nodes at exactly `hops` from `from`, over the real links. */
function atDistance(adjacency: Map<number, Set<number>>, from: number, hops: number): number[] {
  const distance = new Map<number, number>([[from, 0]])
  let frontier = [from]
  for (let d = 1; d <= hops; d++) {
    const next: number[] = []
    for (const i of frontier)
      for (const j of adjacency.get(i)!) {
        if (distance.has(j)) continue
        distance.set(j, d)
        next.push(j)
      }
    frontier = next
  }
  return frontier
}

async function timeToSee(
  chaski: Chaski,
  target: ChaskiNodeInstance,
  watcher: ChaskiNodeInstance,
  extra: ChaskiNodeInstance[]
): Promise<number> {
  const newcomer = await startNode(chaski, { name: 'newcomer', keepAlive: false })
  extra.push(newcomer)
  const t0 = performance.now()
  await withTimeout(newcomer.connect(target), 10_000, 'newcomer connect')
  await waitUntil(() => hasLink(watcher, target.id, newcomer.id), {
    timeoutMs: 30_000,
    intervalMs: 5,
    what: 'new link in the map'
  })
  return performance.now() - t0
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const count = 100
  const windowMs = ctx.quick ? 15_000 : 60_000
  const trials = ctx.quick ? 2 : 5
  const chaski = await loadChaski()
  const nodes: ChaskiNodeInstance[] = []
  const extra: ChaskiNodeInstance[] = []
  const random = seeded(16)
  const adjacency = new Map<number, Set<number>>()
  try {
    ctx.progress(`starting ${count} nodes`)
    for (let i = 0; i < count; i++) {
      nodes.push(await startNode(chaski, { name: `m${i}` }))
      adjacency.set(i, new Set())
    }
    for (let i = 1; i < count; i++) {
      const targets = new Set<number>()
      while (targets.size < Math.min(3, i)) targets.add(Math.floor(random() * i))
      for (const j of targets) {
        await withTimeout(nodes[i]!.connect(nodes[j]!), 10_000, 'connect')
        adjacency.get(i)!.add(j)
        adjacency.get(j)!.add(i)
      }
    }
    const edges = [...adjacency.values()].reduce((sum, set) => sum + set.size, 0) / 2
    ctx.progress(`${edges} links; settling`)
    // Settled: every node's map holds its 2-hop neighbourhood.
    await waitUntil(
      () => nodes.every((node, i) => node.map({ depth: 2 }).nodes.length >= 1 + adjacency.get(i)!.size),
      { timeoutMs: 60_000, intervalMs: 200, what: 'maps settled' }
    )
    await sleep(3000)
    const before = nodes.map((node) => node.mapStats)
    ctx.progress(`measuring advert traffic for ${windowMs / 1000} s`)
    await sleep(windowMs)
    const after = nodes.map((node) => node.mapStats)
    const minutes = windowMs / 60_000
    const bytes = after.reduce((sum, s, i) => sum + s.bytesOut - before[i]!.bytesOut, 0) / count / minutes
    const frames = after.reduce((sum, s, i) => sum + s.framesOut - before[i]!.framesOut, 0) / count / minutes
    const own = after.reduce((sum, s, i) => sum + s.sent - before[i]!.sent, 0) / count / minutes
    const largest = Math.max(...after.map((s) => s.largestBytes))
    const mapSizes = nodes.map((node) => node.map().nodes.length)

    ctx.progress('propagation to 2 hops')
    const twoHops: number[] = []
    for (let t = 0; t < trials; t++) {
      let x = Math.floor(random() * count)
      let far = atDistance(adjacency, x, 2)
      while (far.length === 0) {
        x = Math.floor(random() * count)
        far = atDistance(adjacency, x, 2)
      }
      const y = far[Math.floor(random() * far.length)]!
      twoHops.push(await timeToSee(chaski, nodes[x]!, nodes[y]!, extra))
    }
    await stopNodes(nodes.splice(0), (msg) => ctx.progress(msg))

    ctx.progress('propagation to 3 hops (chain of 5, ttl 3)')
    const threeHops: number[] = []
    for (let t = 0; t < trials; t++) {
      const chain: ChaskiNodeInstance[] = []
      for (let i = 0; i < 5; i++) chain.push(await startNode(chaski, { name: `c${i}`, adverts: { ttl: 3 } }))
      for (let i = 0; i < 4; i++) await chain[i]!.connect(chain[i + 1]!)
      await waitUntil(
        () => chain[3]!.map().nodes.some((node) => node.id === chain[0]!.id && node.advertised),
        {
          timeoutMs: 30_000,
          intervalMs: 20,
          what: 'chain settled'
        }
      )
      // The newcomer sits 4 hops from c3 (beyond the map's depth): timed until c3 accepts c0's advert that lists it.
      const newcomer = await startNode(chaski, { name: 'newcomer', keepAlive: false, adverts: false })
      extra.push(newcomer)
      let seenAt: number | null = null
      const target = chain[0]!
      const t0 = performance.now()
      chain[3]!.on('map-changed', ({ origin, hops }) => {
        if (
          seenAt === null &&
          origin === target.id &&
          hops === 3 &&
          target.edges.some((e) => e.id === newcomer.id)
        )
          seenAt = performance.now()
      })
      await withTimeout(newcomer.connect(target), 10_000, 'newcomer connect')
      await waitUntil(() => seenAt !== null, {
        timeoutMs: 30_000,
        intervalMs: 5,
        what: "c0's advert 3 hops away"
      })
      threeHops.push(seenAt! - t0)
      await stopNodes(chain, (msg) => ctx.progress(msg))
    }

    const detail = {
      nodes: count,
      links: edges,
      windowMs,
      mapSizes: { min: Math.min(...mapSizes), median: median(mapSizes), max: Math.max(...mapSizes) }
    }
    return [
      {
        id: 'map.advertBytesPerNodeMinute',
        label: `map: advert bytes / node / min (${count} nodes, ${edges} links)`,
        kind: 'bytes',
        ours: Math.round(bytes),
        raw: null,
        original: null,
        note: `${round(frames, 3)} frames and ${round(own, 3)} own adverts per node per minute; largest advert ${largest} B; map sizes ${detail.mapSizes.min}–${detail.mapSizes.max} nodes`,
        detail: { ...detail, framesPerNodeMinute: frames, ownPerNodeMinute: own, largestBytes: largest }
      },
      {
        id: 'map.propagation2Hops',
        label: 'map: new link seen 2 hops away (median)',
        kind: 'duration',
        ours: round(median(twoHops), 4),
        raw: null,
        original: null,
        note: `debounce 1 s included; trials ${twoHops.map((ms) => Math.round(ms)).join(', ')} ms`,
        detail: { trials: twoHops }
      },
      {
        id: 'map.propagation3Hops',
        label: "map: new link's advert accepted 3 hops away, ttl 3 (median)",
        kind: 'duration',
        ours: round(median(threeHops), 4),
        raw: null,
        original: null,
        note: `chain of 5; trials ${threeHops.map((ms) => Math.round(ms)).join(', ')} ms`,
        detail: { trials: threeHops }
      }
    ]
  } finally {
    await stopNodes([...nodes, ...extra], (msg) => ctx.progress(msg))
  }
}

const bench: BenchModule = {
  name: 'map',
  description:
    'neighbour adverts: traffic per node per minute in a 100-node network, time for a change to spread',
  run
}
export default bench
