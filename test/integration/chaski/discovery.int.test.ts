// Spec §4 reference scenarios (all nodes on 127.0.0.1; node 0 paired, ttl 15, maxConnections 10,
// reconnections 0): exact topologies, and the early finish when no partner exists (spec §4 Ours).
import { describe, expect, it } from 'vitest'
import type { ChaskiNode } from '../../../src/main/chaski/index'
import { fakePeer } from '../../helpers/fake-peer'
import { edgeCounts, useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

const createNode = useNodes({ secure: false, ttl: 15, maxConnections: 10, reconnections: 0 })

async function network(topics: string[]): Promise<ChaskiNode[]> {
  const nodes: ChaskiNode[] = []
  for (const [index, topic] of topics.entries()) {
    nodes.push(await createNode({ name: `Node${index}`, subscriptions: [topic], paired: index === 0 }))
  }
  for (const node of nodes.slice(1)) await node.connect(nodes[0]!)
  return nodes
}

function connected(a: ChaskiNode, b: ChaskiNode): boolean {
  return a.isConnectedTo(b) && b.isConnectedTo(a)
}

async function settled(nodes: ChaskiNode[], expected: number[]): Promise<void> {
  await waitFor(() => edgeCounts(nodes).join() === expected.join(), {
    timeoutMs: 10_000,
    message: `edge counts ${expected.join()} (now ${edgeCounts(nodes).join()})`
  })
}

describe('discovery reference scenarios (spec §4)', () => {
  it('A,B,B: nodes 1 and 2 run discovery: every pair is connected', async () => {
    const nodes = await network(['A', 'B', 'B'])
    const [n0, n1, n2] = nodes as [ChaskiNode, ChaskiNode, ChaskiNode]
    const first = await n1.discovery({ onPair: 'none', timeoutMs: 10_000 })
    // Node 2 holds B but is not paired yet: node 1 counts as paired, without claiming to be alone with B.
    expect(first[0]).toMatchObject({ result: 'no-partner', holders: 1 })
    const second = await n2.discovery({ onPair: 'none', timeoutMs: 10_000 })
    expect(second[0]!.result).toBe('paired')
    await settled(nodes, [2, 2, 2])
    expect(connected(n0, n1) && connected(n0, n2) && connected(n1, n2)).toBe(true)
    expect(n1.pairedFor('B') && n2.pairedFor('B')).toBe(true)
    const pairing = n2.edges.find((edge) => edge.id === n1.id)!
    expect(pairing.paired).toBe(true)
  })

  it("A,B,B with onPair 'disconnect': node 2 drops its edge to node 0 (edge counts 1, 2, 1)", async () => {
    const nodes = await network(['A', 'B', 'B'])
    const [n0, n1, n2] = nodes as [ChaskiNode, ChaskiNode, ChaskiNode]
    await n1.discovery({ onPair: 'none' })
    expect(n1.pairedFor('B')).toBe(true)
    await n2.discovery({ onPair: 'disconnect' })
    await settled(nodes, [1, 2, 1])
    expect(connected(n0, n1)).toBe(true)
    expect(connected(n1, n2)).toBe(true)
    expect(n2.isConnectedTo(n0)).toBe(false)
  })

  it('A,B×6: node 1 becomes the hub of B (6 edges), nodes 2–6 have 2 each', async () => {
    const nodes = await network(['A', 'B', 'B', 'B', 'B', 'B', 'B'])
    for (const node of nodes.slice(1)) await node.discovery({ onPair: 'none' })
    await settled(nodes, [6, 6, 2, 2, 2, 2, 2])
    const [n0, n1] = nodes as [ChaskiNode, ChaskiNode]
    for (const node of nodes.slice(2)) {
      expect(connected(node, n0)).toBe(true)
      expect(connected(node, n1)).toBe(true)
    }
    expect(nodes.every((node) => node.paired)).toBe(true)
  })

  it('A,B,C,A,B,C: 0–3, 1–4 and 2–5 get connected', async () => {
    const nodes = await network(['A', 'B', 'C', 'A', 'B', 'C'])
    for (const node of nodes.slice(1)) await node.discovery({ onPair: 'none' })
    const [n0, n1, n2, n3, n4, n5] = nodes as ChaskiNode[] as [
      ChaskiNode,
      ChaskiNode,
      ChaskiNode,
      ChaskiNode,
      ChaskiNode,
      ChaskiNode
    ]
    await settled(nodes, [5, 2, 2, 1, 2, 2])
    expect(connected(n0, n3)).toBe(true)
    expect(connected(n1, n4)).toBe(true)
    expect(connected(n2, n5)).toBe(true)
    expect(n1.isConnectedTo(n2)).toBe(false)
  })
})

describe('discovery finishes early (spec §4 Ours)', () => {
  it('with no partner anywhere, the origin becomes first-of-topic long before the timeout', async () => {
    const nodes = await network(['A', 'B', 'C', 'D'])
    const started = Date.now()
    const [result] = await nodes[1]!.discovery({ timeoutMs: 10_000 })
    expect(result!.result).toBe('first-of-topic')
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(nodes[1]!.pairedFor('B')).toBe(true)
  })

  it('a node without edges is first of its topics at once', async () => {
    const lone = await createNode({ subscriptions: ['X', 'Y'] })
    const results = await lone.discovery({ timeoutMs: 10_000 })
    expect(results.map((r) => r.result)).toEqual(['no-edges', 'no-edges'])
    expect(lone.paired).toBe(true)
  })

  it('a topic already shared with an edge is paired through it without a search', async () => {
    const a = await createNode({ subscriptions: ['S'] })
    const b = await createNode({ subscriptions: ['S'] })
    const edge = await a.connect(b)
    const concluded: string[] = []
    a.on('discovery-concluded', ({ result }) => concluded.push(result))
    const [result] = await a.discovery()
    expect(result!.result).toBe('already-paired')
    expect(edge.paired).toBe(true)
    expect(concluded).toEqual(['already-paired'])
  })

  it('emits discovery-started and discovery-concluded, and paired per topic', async () => {
    const nodes = await network(['A', 'B', 'B'])
    await nodes[1]!.discovery()
    const events: string[] = []
    nodes[2]!.on('discovery-started', ({ topics }) => events.push(`started:${topics.join()}`))
    nodes[2]!.on('paired', ({ topic }) => events.push(`paired:${topic}`))
    nodes[2]!.on('discovery-concluded', ({ topic, result }) => events.push(`concluded:${topic}:${result}`))
    await nodes[2]!.discovery()
    expect(events).toEqual(['started:B', 'paired:B', 'concluded:B:paired'])
  })
})

describe('discovery reaches the whole connected network (issue #14 item 5)', () => {
  it('a first peer that is a LAN-only neighbour does not hide the nodes sharing the topic behind the hub', async () => {
    // hub — c1, hub — c2 (c1 and c2 share chat and are paired); lan-only is a neighbour with nothing else;
    // the newcomer connects to lan-only first, then to the hub, and searches with the default start point.
    const hub = await createNode({ name: 'hub', subscriptions: ['hub'] })
    const c1 = await createNode({ name: 'c1', subscriptions: ['chat'] })
    const c2 = await createNode({ name: 'c2', subscriptions: ['chat'] })
    await c1.connect(hub)
    await c2.connect(hub)
    await c1.discovery()
    expect((await c2.discovery())[0]!.result).toBe('paired')
    const lanOnly = await createNode({ name: 'lan-only', subscriptions: ['lan'] })
    const newcomer = await createNode({ name: 'newcomer', subscriptions: ['chat'] })
    await newcomer.connect(lanOnly)
    await newcomer.connect(hub)
    expect(newcomer.edges[0]!.id).toBe(lanOnly.id)
    const [result] = await newcomer.discovery()
    expect(result!.result).toBe('paired')
    expect([c1.id, c2.id]).toContain(result!.edge!.id)
    expect(newcomer.pairedFor('chat')).toBe(true)
  })

  it('with nodes holding the topic but none paired, the origin says so instead of claiming to be alone', async () => {
    const hub = await createNode({ name: 'hub' })
    const holders = [
      await createNode({ name: 'h1', subscriptions: ['chat'] }),
      await createNode({ name: 'h2', subscriptions: ['chat'] })
    ]
    for (const holder of holders) await holder.connect(hub)
    const origin = await createNode({ name: 'origin', subscriptions: ['chat'] })
    await origin.connect(hub)
    const [result] = await origin.discovery()
    expect(result).toMatchObject({ result: 'no-partner', holders: 2, edge: null })
    expect(origin.pairedFor('chat')).toBe(true)
    // The holders find it when they search.
    expect((await holders[0]!.discovery())[0]!.result).toBe('paired')
  })
})

describe('peers are told of pairing changes (docs/PROTOCOL.md §4 update)', () => {
  it('a node that concludes first-of-topic sends update {paired: true} to every edge', async () => {
    const origin = await createNode({ name: 'origin', subscriptions: ['lonely'] })
    const peers = [
      await createNode({ name: 'p1', subscriptions: ['other'] }),
      await createNode({ name: 'p2' })
    ]
    for (const peer of peers) await origin.connect(peer)
    const views = peers.map((peer) => peer.edges.find((edge) => edge.id === origin.id)!)
    expect(views.map((edge) => edge.peerPaired)).toEqual([false, false])
    const [result] = await origin.discovery()
    expect(result!.result).toBe('first-of-topic')
    expect(origin.paired).toBe(true)
    await waitFor(() => views.every((edge) => edge.peerPaired), {
      message: "every peer's edge to the origin says paired (update)"
    })
  })
})

describe('discovery echo wave robustness', () => {
  it('an edge that vanishes mid-wave counts as a "none" answer (no wait for the hop timeout)', async () => {
    // origin — hub — silent (a peer that never acks discovery). Closing the silent peer mid-wave must let the
    // hub answer at once instead of waiting its 5 s hop bound.
    const silent = await fakePeer({ answerPings: true, subscriptions: ['X'] })
    try {
      const hub = await createNode({ name: 'hub', subscriptions: ['H'] })
      const origin = await createNode({ name: 'origin', subscriptions: ['S'] })
      await hub.connect(`127.0.0.1:${silent.port}`)
      await origin.connect(hub)
      const started = Date.now()
      const pending = origin.discovery({ timeoutMs: 20_000 })
      // Mid-wave: the search has reached the silent peer (the hub now waits for its ack).
      await waitFor(() => silent.received('discovery') === 1, {
        message: 'the search reached the silent peer'
      })
      await silent.close()
      const [result] = await pending
      expect(result!.result).toBe('first-of-topic')
      expect(Date.now() - started).toBeLessThan(4_000)
    } finally {
      await silent.close()
    }
  })
})

describe('a paired node answering searches keeps to maxConnections', () => {
  it('two searches arriving at once: only one is answered pairing when one connection is left', async () => {
    // A relay (a hand-written peer) passes on two searches for T from two different origins at once. The paired
    // node has room for one more T connection: it must not answer both and connect to both.
    const paired = await createNode({ name: 'Paired', subscriptions: ['T'], paired: true, maxConnections: 1 })
    const origins = [
      await createNode({ name: 'Origin1', subscriptions: ['T'] }),
      await createNode({ name: 'Origin2', subscriptions: ['T'] })
    ]
    const relay = await fakePeer({ answerPings: true, id: 'relay', subscriptions: [] })
    try {
      await paired.connect(`127.0.0.1:${relay.port}`)
      for (const [i, origin] of origins.entries()) {
        relay.send('discovery', {
          search: `search-${i}`,
          topic: 'T',
          origin_id: origin.id,
          origin_name: origin.name,
          origin_ip: '127.0.0.1',
          origin_port: origin.port,
          previous_hop: 'relay',
          visited: ['relay'],
          on_pair: 'none',
          root_ip: '127.0.0.1',
          root_port: origin.port,
          wait_ms: 10_000
        })
      }
      await waitFor(() => relay.received('discovery_ack') === 2, { message: 'both searches answered' })
      const results = relay.receivedData('discovery_ack').map((ack) => (ack as { result: string }).result)
      expect(results.sort()).toEqual(['none', 'pairing'])
      await waitFor(() => origins.some((origin) => paired.isConnectedTo(origin)), {
        message: 'the paired node connects to the origin it answered'
      })
      // The pong comes after the relay has read everything sent before the ping: no late third answer.
      await paired.ping(paired.edges.find((edge) => edge.id === 'relay')!)
      expect(relay.received('discovery_ack')).toBe(2)
      expect(origins.filter((origin) => paired.isConnectedTo(origin))).toHaveLength(1)
    } finally {
      await relay.close()
    }
  })
})
