// Latency probes of non-neighbours (issue #16, notes vivaldi.md finding 1; docs/PROTOCOL.md §12 "Coordinates"): a
// node measures the round trip to a random node it holds a signed advert of, but is not linked to, over the UDP
// status channel, and feeds it to its Vivaldi coordinate; one probe per interval at most.
import { describe, expect, it } from 'vitest'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const PROBE_MS = 200
const makeNode = useNodes({ adverts: { debounceMs: 50, probeIntervalMs: PROBE_MS } })

describe('Vivaldi probes of nodes that are not peers', () => {
  it('a node 2 hops away is probed over UDP status, within the probe rate, and the round trips reach Vivaldi', async () => {
    const a = await makeNode({ name: 'a' })
    const b = await makeNode({ name: 'b' })
    const c = await makeNode({ name: 'c' })
    await a.connect(b.address)
    await b.connect(c.address)
    await waitFor(() => a.map().nodes.some((node) => node.id === c.id && node.advertised))
    const started = performance.now()
    const before = a.mapStats
    await waitFor(() => a.mapStats.probes - before.probes >= 3, { message: 'a never probed c' })
    const elapsed = performance.now() - started
    const after = a.mapStats
    expect(after.probeFailures).toBe(0)
    // Every answered probe updated the coordinate (a pings nobody: keep-alive is off in these nodes).
    expect(after.vivaldiUpdates - before.vivaldiUpdates).toBeGreaterThanOrEqual(after.probes - before.probes)
    // At most one probe per interval (each gap is 1–1.5 intervals).
    expect(after.probes - before.probes).toBeLessThanOrEqual(Math.floor(elapsed / PROBE_MS) + 1)
    expect(a.coordinate.vec.some((v) => v !== 0)).toBe(true)
  })

  it('a node with only peers in its map probes nobody', async () => {
    const a = await makeNode({ name: 'a' })
    const b = await makeNode({ name: 'b' })
    await a.connect(b.address)
    await waitFor(() => a.map().nodes.some((node) => node.id === b.id && node.advertised))
    // b (a peer) is measured by pings already: a probes nothing, and b probes nothing either.
    const c = await makeNode({ name: 'c' })
    await b.connect(c.address)
    await waitFor(() => a.mapStats.probes >= 1, { message: 'a never probed c once c appeared' })
    expect(b.mapStats.probes + b.mapStats.probeFailures).toBe(0)
  })
})
