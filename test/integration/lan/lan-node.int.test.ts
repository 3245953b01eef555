// ChaskiNode with `lan` on the loopback interface (CHASKI_LAN_INTERFACES=127.0.0.1): lanPeers, the lan-peer-*
// events, announcements on change, goodbye and loss, and autoConnect pairing by subscription.
import { afterEach, describe, expect, it } from 'vitest'
import { ChaskiNode, setLogLevel } from '../../../src/main/chaski/index'
import type { ChaskiNodeEvents, ChaskiNodeOptions, LanOptions } from '../../../src/main/chaski/index'
import { spawnLanPeer, uniqueBeaconEndpoint, waitFor } from './lan-test-env'
import type { LanPeerChild } from './lan-test-env'

setLogLevel('silent')

const nodes: ChaskiNode[] = []
const children: LanPeerChild[] = []

afterEach(async () => {
  for (const child of children.splice(0)) child.child.kill('SIGKILL')
  await Promise.all(nodes.splice(0).map((node) => node.stop()))
})

function lanNode(lan: LanOptions, options: ChaskiNodeOptions = {}) {
  const node = new ChaskiNode({ ip: '127.0.0.1', port: 0, reconnections: 0, lan, ...options })
  nodes.push(node)
  const lost: ChaskiNodeEvents['lan-peer-lost'][] = []
  node.on('lan-peer-lost', (event) => lost.push(event))
  return { node, lost }
}

describe('ChaskiNode with lan on loopback', () => {
  it('three nodes list each other within 1 s, follow a subscription change, and lose a killed one within 3 s', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const lan = { group: endpoint.group, port: endpoint.port, autoConnect: false }
    const a = lanNode(lan, { name: 'a', subscriptions: ['A'] })
    const b = lanNode(lan, { name: 'b', subscriptions: ['B'] })
    const child = spawnLanPeer({ mode: 'node', name: 'c', subscriptions: ['A'], lan })
    children.push(child)
    await Promise.all([a.node.ready, b.node.ready])
    const c = await child.ready
    const seen = (node: ChaskiNode): number => node.lanPeers.size
    const listedByChild = (): Set<string> =>
      new Set(child.lines.flatMap((line) => (line.type === 'lan-peer-seen' ? [line.peer.id] : [])))
    const elapsed = await waitFor(
      () =>
        seen(a.node) === 2 &&
        seen(b.node) === 2 &&
        listedByChild().has(a.node.id) &&
        listedByChild().has(b.node.id),
      { timeoutMs: 1000, message: 'three nodes to list each other' }
    )
    expect(elapsed).toBeLessThan(1000)
    expect(a.node.lanPeers.get(b.node.id)).toMatchObject({
      name: 'b',
      address: `127.0.0.1:${b.node.port}`,
      subscriptions: ['B'],
      interface: 'lo',
      connected: false
    })
    expect(a.node.lanPeers.get(c.id)).toMatchObject({ name: 'c', port: c.port, subscriptions: ['A'] })

    // A subscription change is announced at once (not at the next periodic beacon).
    const updated: ChaskiNodeEvents['lan-peer-updated'][] = []
    a.node.on('lan-peer-updated', (event) => updated.push(event))
    child.send({ cmd: 'subscribe', topics: ['C'] })
    await waitFor(() => a.node.lanPeers.get(c.id)?.subscriptions.includes('C') === true, {
      timeoutMs: 1000,
      message: 'the new subscription'
    })
    expect(updated.at(-1)).toMatchObject({ peer: { id: c.id }, changes: ['subscriptions'] })
    expect(a.node.lanPeers.size).toBe(2)

    const killedAt = performance.now()
    child.child.kill('SIGKILL')
    await waitFor(() => !a.node.lanPeers.has(c.id) && !b.node.lanPeers.has(c.id), {
      timeoutMs: 4000,
      message: 'the killed node to be lost'
    })
    expect(performance.now() - killedAt).toBeLessThan(3000)
    expect(a.lost).toEqual([
      expect.objectContaining({ peer: expect.objectContaining({ id: c.id }), reason: 'timeout' })
    ])
  })

  it('announces renames and loses a node at once when it stops cleanly', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const lan = { group: endpoint.group, port: endpoint.port, autoConnect: false }
    const a = lanNode(lan)
    const b = lanNode(lan, { name: 'before' })
    await waitFor(() => a.node.lanPeers.has(b.node.id), { timeoutMs: 1000 })
    b.node.name = 'after'
    await waitFor(() => a.node.lanPeers.get(b.node.id)?.name === 'after', {
      timeoutMs: 500,
      message: 'the rename'
    })
    const stoppedAt = performance.now()
    await b.node.stop()
    await waitFor(() => a.node.lanPeers.size === 0, { timeoutMs: 500, message: 'the goodbye' })
    expect(performance.now() - stoppedAt).toBeLessThan(500)
    expect(a.lost).toEqual([expect.objectContaining({ reason: 'goodbye' })])
  })

  it('autoConnect pairs fresh nodes by subscription, with no manual step, one edge per peer', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const lan = { group: endpoint.group, port: endpoint.port, autoConnect: true }
    const x = lanNode(lan, { name: 'x', subscriptions: ['A'] })
    const y = lanNode(lan, { name: 'y', subscriptions: ['A', 'B'] })
    const z = lanNode(lan, { name: 'z', subscriptions: ['B'] })
    const all = [x, y, z]
    await waitFor(() => all.every(({ node }) => node.paired), { timeoutMs: 3000, message: 'everyone paired' })
    // A is shared only by x and y, B only by y and z: those two edges, and nothing between x and z.
    expect(x.node.isConnectedTo(y.node)).toBe(true)
    expect(y.node.isConnectedTo(z.node)).toBe(true)
    expect(x.node.isConnectedTo(z.node)).toBe(false)
    expect(y.node.edges.map((edge) => edge.id).sort()).toEqual([x.node.id, z.node.id].sort())
    expect(x.node.edges).toHaveLength(1)
    // lanPeers follows the edges.
    await waitFor(() => x.node.lanPeers.get(y.node.id)?.connected === true, { timeoutMs: 500 })
    expect(x.node.lanPeers.get(z.node.id)?.connected).not.toBe(true) // (z may not even be heard yet)
  })

  it('autoConnect respects maxConnections and never undoes a deliberate close', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const lan = { group: endpoint.group, port: endpoint.port, autoConnect: true }
    // Three partners already paired among themselves appear first...
    const partners = [0, 1, 2].map((i) => lanNode(lan, { name: `p${i}`, subscriptions: ['T'], paired: true }))
    await waitFor(() => partners.every(({ node }) => node.lanPeers.size === 2), { timeoutMs: 1000 })
    // ...then a newcomer limited to one connection, needing T.
    const fresh = lanNode(lan, { name: 'fresh', subscriptions: ['T'], maxConnections: 1 })
    await waitFor(() => fresh.node.paired, { timeoutMs: 3000, message: 'the newcomer paired' })
    expect(fresh.node.edges).toHaveLength(1)
    const partner = fresh.node.edges[0]!
    // Closed deliberately: T is uncovered again, so it dials another partner, but never the one it closed.
    await fresh.node.closeConnection(partner)
    await waitFor(() => fresh.node.edges.length === 1, { timeoutMs: 3000, message: 'a replacement partner' })
    expect(fresh.node.edges[0]!.id).not.toBe(partner.id)
    // Announcements keep coming (beacons every second): still one edge, never the closed peer.
    const beaconsBefore = fresh.node.lanDiscovery!.stats.accepted
    await waitFor(() => fresh.node.lanDiscovery!.stats.accepted > beaconsBefore + 4, { timeoutMs: 3000 })
    expect(fresh.node.edges).toHaveLength(1)
    expect(fresh.node.isConnectedTo(partner)).toBe(false)
  })

  it('leaves no socket or timer behind after stop (20 nodes with lan and autoConnect)', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const lan = { group: endpoint.group, port: endpoint.port, autoConnect: true }
    const handles = (): number =>
      process.getActiveResourcesInfo().filter((kind) => /TCP|UDP|Timeout/.test(kind)).length
    const before = handles()
    const batch = Array.from(
      { length: 20 },
      (_, i) => new ChaskiNode({ ip: '127.0.0.1', port: 0, subscriptions: [`T${i % 4}`], lan })
    )
    await Promise.all(batch.map((node) => node.ready))
    await waitFor(() => batch.every((node) => node.lanPeers.size === 19), {
      timeoutMs: 3000,
      message: 'all listed'
    })
    await Promise.all(batch.map((node) => node.stop()))
    await waitFor(() => handles() <= before, {
      timeoutMs: 2000,
      message: () => `handles back to ${before}: ${process.getActiveResourcesInfo().join(',')}`
    })
  })

  it('validates the lan option at construction', () => {
    expect(() => new ChaskiNode({ run: false, lan: { port: 0 } })).toThrow(
      expect.objectContaining({ name: 'InvalidOptionError', message: expect.stringMatching(/lan.*port/) })
    )
    const off = new ChaskiNode({ run: false })
    expect(off.lanPeers.size).toBe(0)
    expect(off.lanDiscovery).toBeNull()
  })
})
