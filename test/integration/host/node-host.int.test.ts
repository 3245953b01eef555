// The node host with real nodes on loopback: what the dashboard does, minus the dashboard.
import { afterEach, describe, expect, test } from 'vitest'
import { createServer } from 'node:net'
import { createContractHandlers } from '../../../src/main/host/contract-handlers'
import { NodeHost } from '../../../src/main/host/node-host'
import type { AppUpdate, NodeSnapshot } from '../../../src/shared/snapshots'
import { waitFor } from '../../helpers/wait-for'

const hosts: NodeHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.shutdown()))
})

async function startHost(updates: AppUpdate[] = []): Promise<NodeHost> {
  const host = new NodeHost({ settingsFile: null, firstLaunchNode: false, onUpdate: (u) => updates.push(u) })
  hosts.push(host)
  await host.load()
  return host
}

const local = (name: string, subscriptions: string[] = [], extra: Record<string, unknown> = {}) => ({
  name,
  ip: '127.0.0.1',
  port: 0,
  subscriptions,
  lan: { enabled: false },
  ...extra
})

function node(host: NodeHost, id: string): NodeSnapshot {
  const found = host.getState().nodes.find((n) => n.id === id)
  if (!found) throw new Error(`no node ${id}`)
  return found
}

describe('NodeHost with real nodes', () => {
  test('create, connect two local nodes, ping, publish, disconnect, stop', async () => {
    const updates: AppUpdate[] = []
    const host = await startHost(updates)
    const a = await host.createNode(local('Alice', ['A']))
    const b = await host.createNode(local('Bob', ['A']))
    expect(a.state).toBe('serving')
    expect(a.address).toMatch(/^127\.0\.0\.1:\d+$/)

    const edge = await host.connect(a.id, { kind: 'node', nodeId: b.id })
    expect(edge).toMatchObject({ peerId: b.id, name: 'Bob', state: 'connected', subscriptions: ['A'] })
    await waitFor(() => node(host, b.id).edges.some((e) => e.peerId === a.id), { message: 'Bob lists Alice' })

    const [pong] = await host.ping(a.id, b.id)
    expect(pong.error).toBeNull()
    expect(pong.rttMs).toBeGreaterThan(0)
    const pinged = node(host, a.id).edges[0]
    expect(pinged.rttSamples).toHaveLength(1)
    expect(pinged.latencyMs).toBeCloseTo(pinged.rttSamples[0] / 2, 5)

    expect(await host.publish(a.id, 'A', 'hello Bob')).toEqual({ deliveredTo: 1 })
    await waitFor(
      () => host.getState().messages.find((m) => m.nodeId === b.id && m.preview === 'hello Bob'),
      {
        message: 'Bob received the message'
      }
    )

    // The graph shows both local nodes and one link between them.
    await waitFor(() => updates.some((u) => u.graph?.links.length === 1))
    const graph = host.getState().graph
    expect(graph.nodes.map((n) => n.label).sort()).toEqual(['Alice', 'Bob'])
    expect(graph.links).toHaveLength(1)

    await host.disconnect(a.id, b.id)
    await waitFor(() => node(host, b.id).edges.length === 0, { message: 'Bob dropped the edge' })
    expect(node(host, a.id).edges).toEqual([])
    expect(node(host, a.id).recentPeers[0]).toMatchObject({ peerId: b.id, name: 'Bob' })
    expect(host.getState().events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['edge-added', 'edge-removed'])
    )

    const stopped = await host.stopNode(b.id)
    expect(stopped.state).toBe('stopped')
    expect(stopped.address).toBeNull()
  })

  test('discovery on the A,B,B scenario pairs the two B nodes and reports progress per topic', async () => {
    const host = await startHost()
    const opts = { ttl: 15, maxConnections: 10, reconnections: 0 }
    const n0 = await host.createNode(local('N0', ['A'], { ...opts, paired: true }))
    const n1 = await host.createNode(local('N1', ['B'], opts))
    const n2 = await host.createNode(local('N2', ['B'], opts))
    await host.connect(n1.id, { kind: 'node', nodeId: n0.id })
    await host.connect(n2.id, { kind: 'node', nodeId: n0.id })
    const first = await host.discovery(n1.id, { onPair: 'none', timeoutMs: 5000 })
    // N2 holds B but is not paired yet: N1 counts as paired, without claiming to be alone with B.
    expect(first.topics).toEqual([{ topic: 'B', result: 'no-partner', partner: null }])
    const second = await host.discovery(n2.id, { onPair: 'none', timeoutMs: 5000 })
    expect(second.topics[0]).toMatchObject({
      topic: 'B',
      result: 'paired',
      partner: expect.stringContaining('N1')
    })
    await waitFor(() => [n0, n1, n2].every((n) => node(host, n.id).edges.length === 2), {
      message: 'full triangle'
    })
    expect(node(host, n2.id).discovery).toMatchObject({
      running: false,
      topics: [{ topic: 'B', state: 'paired' }]
    })
    expect(node(host, n2.id).pairedTopics).toEqual({ B: true })
    expect(node(host, n2.id).paired).toBe(true)
  })

  test('a flood of messages reaches the UI as at most 10 updates a second', async () => {
    const updates: AppUpdate[] = []
    const times: number[] = []
    const host = new NodeHost({
      settingsFile: null,
      firstLaunchNode: false,
      onUpdate: (u) => {
        updates.push(u)
        times.push(performance.now())
      }
    })
    hosts.push(host)
    await host.load()
    const a = await host.createNode(local('Sender', ['F']))
    const b = await host.createNode(local('Receiver', ['F']))
    await host.connect(a.id, { kind: 'node', nodeId: b.id })
    updates.length = 0
    times.length = 0
    const sent = 5000
    for (let i = 0; i < sent; i++) await host.publish(a.id, 'F', `m${i}`)
    await waitFor(() => host.getState().messages.at(-1)?.preview === `m${sent - 1}`, {
      message: 'last message arrived'
    })
    // Every message reached the host, yet the renderer saw only a few coalesced updates, at least 100 ms apart.
    const gaps = times.slice(1).map((t, i) => t - times[i])
    // Flushes start at least 100 ms apart; the delivery times measured here also carry snapshot-building jitter.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(85)
    expect(updates.length).toBeLessThan(sent / 50)
    expect(host.getState().messages.length).toBeLessThanOrEqual(200)
  })

  test('errors come back as typed results with a message a person can act on', async () => {
    const host = await startHost()
    const handlers = createContractHandlers(host)
    const a = await host.createNode(local('Alice'))

    const wrongType = await handlers.get('renameNode')!([a.id, 42])
    expect(wrongType).toEqual({
      ok: false,
      error: { name: 'ValidationError', message: 'renameNode: 1: name must be text' }
    })

    const unknownNode = await handlers.get('stopNode')!(['no-such-node'])
    expect(unknownNode).toMatchObject({ ok: false, error: { name: 'UnknownNodeError' } })

    const badAddress = await handlers.get('connect')!([a.id, { kind: 'address', address: 'not-an-address' }])
    expect(badAddress).toMatchObject({ ok: false, error: { name: 'InvalidAddressError' } })
    if (!badAddress.ok) expect(badAddress.error.message).toMatch(/ip:port/)

    // A port where nothing listens: bind one, note it, close it.
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const { port } = probe.address() as { port: number }
    await new Promise((r) => probe.close(r))
    const refused = await handlers.get('connect')!([a.id, { kind: 'address', address: `127.0.0.1:${port}` }])
    expect(refused).toMatchObject({ ok: false })
    if (!refused.ok)
      expect(refused.error.message).toBe(
        `connection refused by 127.0.0.1:${port} — is a node listening there?`
      )

    const badOption = await handlers.get('createNode')!([{ ...local('Bad'), ip: 'not-an-ip' }])
    expect(badOption).toMatchObject({ ok: false, error: { name: 'InvalidOptionError' } })
    expect(host.getState().nodes.map((n) => n.config.name)).toEqual(['Alice'])

    const busy = await handlers.get('createNode')!([{ ...local('Clash'), port: node(host, a.id).port }])
    expect(busy).toMatchObject({ ok: false })
    if (!busy.ok) expect(busy.error.message).toMatch(/in use/)
  })
})
