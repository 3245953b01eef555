// The advert storm of a star (notes: memory2.md "The advert storm"): a hub with many leaves must not send a leaf
// more neighbour adverts than the leaf's per-link intake reads (ADVERT_LINK_BURST, then ADVERT_LINK_PER_S), nor
// forward every leaf's advert to every other leaf. Real sockets on loopback; adverts every second (the shortest
// interval), so every leaf re-advertises each ADVERT_MIN_GAP_MS and the hub is offered far more than it may send.
import { describe, expect, it } from 'vitest'
import type { ChaskiNode } from '../../../src/main/chaski/index'
import {
  ADVERT_FORWARD_BURST,
  ADVERT_FORWARD_PER_S,
  ADVERT_LINK_BURST,
  ADVERT_LINK_PER_S
} from '../../../src/main/chaski/map/limits'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const LEAVES = 200
const WINDOW_MS = 6000
const makeNode = useNodes({ secure: false, adverts: { debounceMs: 50, intervalMs: 1000 } })

describe('neighbour adverts in a star', () => {
  it(`a hub with ${LEAVES} leaves sends each leaf no more adverts than its per-link intake reads`, async () => {
    const hub = await makeNode({ name: 'hub', maxEdges: LEAVES + 8 })
    const started = performance.now()
    const leaves: ChaskiNode[] = []
    for (let i = 0; i < LEAVES; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, LEAVES - i) }, (_, j) => makeNode({ name: `leaf-${i + j}` }))
      )
      leaves.push(...batch)
      // Every leaf's connect completes (on main, under load, some failed with handshake timeouts).
      await Promise.all(batch.map((leaf) => leaf.connect(hub.address)))
    }
    await waitFor(() => hub.edges.length === LEAVES, {
      timeoutMs: 20_000,
      message: `the hub never held ${LEAVES} edges`
    })
    // Leaves keep advertising (each every 2 s); the hub is offered about LEAVES / 2 adverts a second to forward.
    await new Promise<void>((resolve) => setTimeout(resolve, WINDOW_MS))
    const elapsedS = (performance.now() - started) / 1000
    const linkBudget = ADVERT_LINK_BURST + ADVERT_LINK_PER_S * elapsedS
    const received = leaves.map((leaf) => leaf.mapStats.received)
    const dropped = leaves.map((leaf) => leaf.mapStats.rateLimited)
    // No leaf drops an advert for the per-link rate: the hub sent within what each leaf reads.
    expect(dropped.filter((n) => n > 0).length, `leaves that dropped adverts: ${dropped.join(',')}`).toBe(0)
    for (const count of received) expect(count).toBeLessThanOrEqual(linkBudget)
    // The hub's forwarding is bounded node-wide, whatever the number of leaves.
    const stats = hub.mapStats
    expect(stats.forwarded).toBeLessThanOrEqual(ADVERT_FORWARD_BURST + ADVERT_FORWARD_PER_S * elapsedS)
    expect(stats.forwarded).toBeGreaterThan(0)
    // The leaves still learn of each other: every leaf holds at least one other leaf's advert.
    expect(leaves.every((leaf) => leaf.map().nodes.some((node) => node.hops === 2))).toBe(true)
  }, 60_000)
})
