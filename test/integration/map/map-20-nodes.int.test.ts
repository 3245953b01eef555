// Neighbour adverts over real sockets (issue #16): a 20-node network on loopback where one node, which has 4
// direct peers, holds a map of all 20 with exactly the real links, each marked confirmed when both of its ends
// advertise it, with measured round trips, within a bound measured here.
import { describe, expect, it } from 'vitest'
import type { ChaskiNode, NetworkMap } from '../../../src/main/chaski/index'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const makeNode = useNodes({ adverts: { debounceMs: 100 } })

// Node 0 observes. 1–4 are its peers; 5–17 sit 2 hops away; 18 and 19 sit 3 hops away (their own adverts, with
// the default ttl of 2, never reach node 0: their links are known from one end only).
const LINKS: [number, number][] = [
  [0, 1],
  [0, 2],
  [0, 3],
  [0, 4],
  [1, 5],
  [1, 6],
  [1, 7],
  [1, 8],
  [2, 9],
  [2, 10],
  [2, 11],
  [2, 12],
  [3, 13],
  [3, 14],
  [3, 15],
  [4, 16],
  [4, 17],
  [1, 2],
  [6, 10],
  [11, 14],
  [8, 16],
  [5, 18],
  [13, 19]
]
const FAR = new Set([18, 19])

function key(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`
}

function mapMatches(map: NetworkMap, nodes: ChaskiNode[], withRtt: boolean): boolean {
  if (map.nodes.length !== nodes.length) return false
  if (map.links.length !== LINKS.length) return false
  const links = new Map(map.links.map((link) => [key(link.a, link.b), link]))
  for (const [i, j] of LINKS) {
    const link = links.get(key(nodes[i]!.id, nodes[j]!.id))
    if (link === undefined) return false
    const confirmed = !FAR.has(i) && !FAR.has(j)
    if (link.confirmed !== confirmed) return false
    if (withRtt && confirmed && (link.rttByA === null || link.rttByB === null)) return false
  }
  return true
}

describe('neighbour adverts: the map of a 20-node network', () => {
  it('one node holds all 20 nodes and exactly the real links, confirmed where both ends advertise', async () => {
    const nodes: ChaskiNode[] = []
    for (let i = 0; i < 20; i++) nodes.push(await makeNode({ name: `n${i}` }))
    const started = performance.now()
    for (const [i, j] of LINKS) await nodes[i]!.connect(nodes[j]!.address)
    const connectedAt = performance.now()
    const observer = nodes[0]!
    await waitFor(() => mapMatches(observer.map(), nodes, false), {
      timeoutMs: 15_000,
      message: 'the map of node 0 never matched the network'
    })
    const convergedMs = performance.now() - connectedAt
    // Measured here: about 2–3 s (debounce 100 ms, then at most one advert per 2 s per node while links form).
    expect(convergedMs).toBeLessThan(10_000)

    const map = observer.map()
    const byId = new Map(map.nodes.map((node) => [node.id, node]))
    expect(byId.get(observer.id)).toMatchObject({ known: 'local', hops: 0, name: 'n0' })
    for (const i of [1, 2, 3, 4]) expect(byId.get(nodes[i]!.id)).toMatchObject({ known: 'direct', hops: 1 })
    for (let i = 5; i < 18; i++) {
      expect(byId.get(nodes[i]!.id)).toMatchObject({
        known: 'learned',
        hops: 2,
        advertised: true,
        name: `n${i}`
      })
      expect(byId.get(nodes[i]!.id)!.ageMs).toBeLessThan(15_000)
      expect(byId.get(nodes[i]!.id)!.coordinate).not.toBeNull()
    }
    for (const i of [18, 19])
      expect(byId.get(nodes[i]!.id)).toMatchObject({ known: 'learned', hops: 3, advertised: false })
    // Depth bounds what is returned.
    expect(
      observer
        .map({ depth: 1 })
        .nodes.map((node) => node.hops)
        .sort()
    ).toEqual([0, 1, 1, 1, 1])
    expect(observer.map({ depth: 2 }).nodes).toHaveLength(18)
    expect(observer.map({ maxNodes: 5 }).truncated).toBe(15)

    // Round trips measured by both ends reach the map.
    const rttsAt = performance.now()
    await Promise.all(nodes.map((node) => node.ping()))
    await waitFor(() => mapMatches(observer.map(), nodes, true), {
      timeoutMs: 15_000,
      message: 'measured round trips never reached the map of node 0'
    })
    const rttMs = performance.now() - rttsAt
    expect(rttMs).toBeLessThan(10_000)
    for (const link of observer.map().links) {
      if (!link.confirmed) continue
      // Loopback: well under 50 ms each.
      expect(link.rttByA!).toBeLessThan(50)
      expect(link.rttByB!).toBeLessThan(50)
    }
    console.log(
      `20-node map: converged ${convergedMs.toFixed(0)} ms after the last link (${(connectedAt - started).toFixed(0)} ms to link), round trips in ${rttMs.toFixed(0)} ms; node 0 sent ${observer.mapStats.sent} adverts, accepted ${observer.mapStats.accepted}, duplicates ${observer.mapStats.duplicates}`
    )
  })

  it('a link that goes away leaves the map, and a node that stops expires from it', async () => {
    const nodes: ChaskiNode[] = []
    for (let i = 0; i < 4; i++)
      nodes.push(await makeNode({ name: `c${i}`, adverts: { debounceMs: 100, intervalMs: 1000 } }))
    await nodes[0]!.connect(nodes[1]!.address)
    await nodes[1]!.connect(nodes[2]!.address)
    await nodes[2]!.connect(nodes[3]!.address)
    const has = (map: NetworkMap, id: string): boolean => map.nodes.some((node) => node.id === id)
    await waitFor(() => has(nodes[0]!.map(), nodes[3]!.id))
    // 2–3 removed: node 3 is no longer reachable within the map.
    await nodes[2]!.closeConnection(nodes[3]!.address)
    await waitFor(() => !nodes[0]!.map().links.some((l) => l.a === nodes[3]!.id || l.b === nodes[3]!.id), {
      timeoutMs: 10_000,
      message: 'the removed link stayed in the map'
    })
    // Node 2 stops: its advert expires after 3 intervals (3 s here).
    await nodes[2]!.stop()
    await waitFor(() => !nodes[0]!.map().nodes.some((node) => node.id === nodes[2]!.id && node.advertised), {
      timeoutMs: 10_000,
      message: 'the advert of a stopped node never expired'
    })
    expect(nodes[0]!.mapStats.expired).toBeGreaterThanOrEqual(1)
  })

  it("a stopped node's links leave the map when its peers' newer adverts drop them, long before it expires", async () => {
    const nodes: ChaskiNode[] = []
    for (let i = 0; i < 3; i++) nodes.push(await makeNode({ name: `s${i}`, reconnections: 0 }))
    await nodes[0]!.connect(nodes[1]!.address)
    await nodes[1]!.connect(nodes[2]!.address)
    const linked = (a: ChaskiNode, b: ChaskiNode): boolean =>
      nodes[0]!.map().links.some((l) => (l.a === a.id && l.b === b.id) || (l.a === b.id && l.b === a.id))
    await waitFor(() => linked(nodes[1]!, nodes[2]!) && nodes[0]!.map().links.every((l) => l.confirmed))
    const stoppedAt = performance.now()
    await nodes[2]!.stop()
    // s2's last advert (which lists s1) stays stored for 3 × 30 s; s1's newer advert no longer lists s2.
    await waitFor(() => !linked(nodes[1]!, nodes[2]!), {
      timeoutMs: 10_000,
      message: 'the stale link stayed'
    })
    const goneMs = performance.now() - stoppedAt
    const s2 = nodes[0]!.map().nodes.find((node) => node.id === nodes[2]!.id)
    expect(s2).toMatchObject({ known: 'learned', advertised: true })
    expect(goneMs).toBeLessThan(10_000)
  })
})
