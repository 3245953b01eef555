// What a node remembers and keeps (issue 14), through the host with real nodes and processes on loopback: known
// peers redialled at start and after they go away (a graceful stop included), a person's disconnect remembered,
// Recent peers and the LAN device list kept across restarts, stable ports (and the next free one offered when
// taken), every option editable (restart in one call, links kept), the addresses of a 0.0.0.0 node, and the round
// trips through a link whose delay the test sets.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { NodeHost, type NodeHostInit } from '../../../src/main/host/node-host'
import { NODE_PORTS } from '../../../src/shared/limits'
import type { NodeSnapshot } from '../../../src/shared/snapshots'
import { PeerProcess } from '../../helpers/peer-handle'
import { startDelayRelay, type DelayRelay } from '../../helpers/delay-relay'
import { waitFor } from '../../helpers/wait-for'

let dir: string
const hosts: NodeHost[] = []
const peers: PeerProcess[] = []
const cleanups: (() => Promise<unknown>)[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-host-memory-'))
})
afterEach(async () => {
  await Promise.all([...hosts.splice(0).map((h) => h.shutdown()), ...peers.splice(0).map((p) => p.kill())])
  await Promise.all(cleanups.splice(0).map((c) => c()))
  rmSync(dir, { recursive: true, force: true })
})

async function open(init: Partial<NodeHostInit> = {}): Promise<NodeHost> {
  const host = new NodeHost({
    settingsFile: join(dir, 'settings.json'),
    firstLaunchNode: false,
    defaultIp: '127.0.0.1',
    memorySaveDelayMs: 50,
    ...init
  })
  hosts.push(host)
  await host.load()
  return host
}

async function restart(host: NodeHost): Promise<NodeHost> {
  await host.shutdown()
  hosts.splice(hosts.indexOf(host), 1)
  return open()
}

function node(host: NodeHost, name: string): NodeSnapshot {
  const found = host.getState().nodes.find((n) => n.config.name === name)
  if (!found) throw new Error(`no node ${name}`)
  return found
}

const connectedTo = (host: NodeHost, name: string, peer: string) =>
  node(host, name).edges.some((e) => e.name === peer && e.state === 'connected')

const lanOff = { lan: { enabled: false } }

describe('stable ports', () => {
  test('a new node takes the first free port from 8511 and keeps it across stop/start and restarts; port 0 is chosen once and kept', async () => {
    let host = await open()
    const first = await host.createNode({ name: 'First', ...lanOff })
    const second = await host.createNode({ name: 'Second', ...lanOff })
    for (const created of [first, second]) {
      expect(created.config.port).toBeGreaterThanOrEqual(NODE_PORTS.first)
      expect(created.config.port).toBeLessThanOrEqual(NODE_PORTS.last)
      expect(created.port).toBe(created.config.port)
    }
    // The first node's port is taken (by it), so the second one's is further up the range.
    expect(second.config.port).toBeGreaterThan(first.config.port)
    const any = await host.createNode({ name: 'Any', port: 0, ...lanOff })
    expect(any.config.port).toBe(any.port) // "any free port" became its port

    await host.stopNode(first.id)
    expect((await host.startNode(first.id)).port).toBe(first.config.port)
    host = await restart(host)
    expect(node(host, 'First').port).toBe(first.config.port)
    expect(node(host, 'Second').port).toBe(second.config.port)
    expect(node(host, 'Any').port).toBe(any.port)
  })

  test('a port taken at start: the node says so and offers the next free one; taking it starts the node', async () => {
    const before = await open()
    const created = await before.createNode({ name: 'Squeezed', ...lanOff })
    await before.shutdown()
    hosts.splice(hosts.indexOf(before), 1)
    // Another program takes the port while the app is closed.
    const squatter = net.createServer()
    await new Promise<void>((resolve) => squatter.listen(created.config.port, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)))
    const host = await open()
    const failed = node(host, 'Squeezed')
    expect(failed.state).toBe('failed')
    expect(failed.portInUse?.port).toBe(created.config.port)
    const suggestion = failed.portInUse?.suggestion
    expect(suggestion).toBeGreaterThan(created.config.port)
    expect(failed.error).toBe(
      `port ${created.config.port} is already in use by another program on this machine; port ${suggestion} is free`
    )
    await host.editNode(failed.id, { port: suggestion! })
    const started = await host.startNode(failed.id)
    expect(started).toMatchObject({ state: 'serving', port: suggestion, portInUse: null })
  })
})

describe('known peers', () => {
  test('a peer the person links and a disconnect they ask for are on disk at once: a host killed a moment later keeps them', async () => {
    // The delayed save of what nodes remember (last seen times and the like) never comes within this test.
    const host = await open({ memorySaveDelayMs: 600_000 })
    const alpha = await host.createNode({ name: 'Alpha', ...lanOff })
    const hub = await PeerProcess.start({ name: 'Hub' })
    peers.push(hub)
    const address = `127.0.0.1:${hub.port}`
    const saved = (): { address: string; name: string | null; keep: boolean }[] => {
      const text = readFileSync(join(dir, 'settings.json'), 'utf8')
      const nodes = (JSON.parse(text) as { nodes: { name: string; memory?: { knownPeers?: [] } }[] }).nodes
      return nodes.find((n) => n.name === 'Alpha')?.memory?.knownPeers ?? []
    }
    await host.connect(alpha.id, { kind: 'address', address })
    await waitFor(() => saved().length === 1, { timeoutMs: 2_000, message: 'the known peer on disk' })
    expect(saved()).toMatchObject([{ address, name: 'Hub', keep: true }])
    await host.setKnownPeer(alpha.id, address, false)
    await waitFor(() => saved()[0]?.keep === false, { timeoutMs: 2_000, message: 'the disconnect on disk' })
  })

  test('a peer stopped gracefully (SIGTERM) and started again on its port is linked again, with no end to the tries', async () => {
    const host = await open()
    const alpha = await host.createNode({ name: 'Alpha', ...lanOff })
    // The hub keeps its key file: Alpha (trust policy tofu) pinned its key at its address.
    const keyFile = join(mkdtempSync(join(tmpdir(), 'chaski-hub-')), 'hub.key')
    let hub = await PeerProcess.start({ name: 'Hub', keyFile })
    peers.push(hub)
    const port = hub.port
    await host.connect(alpha.id, { kind: 'address', address: `127.0.0.1:${port}` })
    await hub.kill('SIGTERM') // a graceful stop: the hub tells Alpha it stops
    await waitFor(() => node(host, 'Alpha').knownPeers[0]?.status === 'retrying', {
      message: 'Alpha retries the hub'
    })
    const removed = host.getState().events.find((e) => e.kind === 'edge-removed')
    expect(removed?.text).toMatch(/the peer stopped$/)
    hub = await PeerProcess.start({ name: 'Hub', port, keyFile })
    peers.push(hub)
    await waitFor(() => connectedTo(host, 'Alpha', 'Hub'), {
      timeoutMs: 20_000,
      message: 'Alpha relinks the hub'
    })
    expect(node(host, 'Alpha').knownPeers).toMatchObject([
      { address: `127.0.0.1:${port}`, name: 'Hub', status: 'connected', attempt: 0 }
    ])
  })

  test('known peers are redialled at start; a disconnect stays deliberate across restarts; Recent peers and LAN devices are kept', async () => {
    let host = await open()
    const topic = `memory-${process.pid}`
    const lan = { enabled: true, autoConnect: false, interfaces: ['127.0.0.1'] }
    const alpha = await host.createNode({ name: 'Alpha', subscriptions: [topic], lan })
    const lanB = await host.createNode({ name: 'LanB', subscriptions: [topic], lan })
    const [hub, spare] = await Promise.all([
      PeerProcess.start({ name: 'Hub' }),
      PeerProcess.start({ name: 'Spare' })
    ])
    peers.push(hub, spare)
    await host.connect(alpha.id, { kind: 'address', address: `127.0.0.1:${hub.port}` })
    await host.connect(alpha.id, { kind: 'address', address: `Spare@localhost:${spare.port}` })
    await host.disconnect(alpha.id, spare.id)
    await waitFor(() => node(host, 'Alpha').lan.peers.some((p) => p.id === lanB.id && p.online), {
      message: 'Alpha hears LanB on the LAN'
    })
    // LanB goes away for good: only Alpha's memory can bring it back after the restart.
    await host.removeNode(lanB.id)
    await waitFor(() => node(host, 'Alpha').lan.peers.some((p) => p.id === lanB.id && !p.online), {
      message: 'LanB offline in the LAN list'
    })
    expect(node(host, 'Alpha').knownPeers).toMatchObject([
      { address: `localhost:${spare.port}`, name: 'Spare', status: 'disconnected' },
      { address: `127.0.0.1:${hub.port}`, name: 'Hub', status: 'connected' }
    ])

    host = await restart(host)
    // The hub is linked again by itself; Spare, disconnected by the person, is not.
    await waitFor(() => connectedTo(host, 'Alpha', 'Hub'), { message: 'Alpha redials the hub at start' })
    const restored = node(host, 'Alpha')
    expect(restored.knownPeers).toMatchObject([
      { address: `localhost:${spare.port}`, status: 'disconnected' },
      { address: `127.0.0.1:${hub.port}`, status: 'connected' }
    ])
    expect(restored.edges.map((e) => e.name)).toEqual(['Hub'])
    expect(restored.recentPeers.map((p) => p.name)).toContain('Spare')
    expect(restored.lan.peers).toContainEqual(
      expect.objectContaining({ id: lanB.id, name: 'LanB', online: false })
    )

    // Connecting again makes it wanted again; removing it forgets it (and its link).
    await host.setKnownPeer(alpha.id, `localhost:${spare.port}`, true)
    await waitFor(() => connectedTo(host, 'Alpha', 'Spare'), { message: 'Spare linked again on request' })
    await host.forgetKnownPeer(alpha.id, `localhost:${spare.port}`)
    await waitFor(() => !connectedTo(host, 'Alpha', 'Spare'), { message: 'Spare closed when removed' })
    expect(node(host, 'Alpha').knownPeers.map((p) => p.name)).toEqual(['Hub'])
  })
})

describe('edit a node', () => {
  test('name, topics and LAN apply at once; ttl and port wait for a restart, which keeps the links', async () => {
    const host = await open()
    const alpha = await host.createNode({ name: 'Alpha', ...lanOff })
    const bob = await host.createNode({ name: 'Bob', ...lanOff })
    const carol = await PeerProcess.start({ name: 'Carol' })
    peers.push(carol)
    await host.connect(alpha.id, { kind: 'node', nodeId: bob.id })
    // Carol dials Alpha: a link Alpha did not make, which the restart keeps too.
    carol.send({ cmd: 'connect', target: `127.0.0.1:${alpha.port}` })
    await waitFor(() => connectedTo(host, 'Alpha', 'Carol'), { message: 'Carol linked to Alpha' })

    const live = await host.editNode(alpha.id, {
      name: 'Alpha2',
      subscriptions: ['news'],
      lan: { enabled: true, autoConnect: false, interfaces: ['127.0.0.1'] }
    })
    expect(live).toMatchObject({ state: 'serving', pendingRestart: [], lan: { enabled: true, active: true } })
    expect(live.config).toMatchObject({ name: 'Alpha2', subscriptions: ['news'] })
    await waitFor(
      () => node(host, 'Bob').edges.some((e) => e.name === 'Alpha2' && e.subscriptions.includes('news')),
      {
        message: 'Bob sees the new name and topic without a restart'
      }
    )

    const freePort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo
        probe.close(() => resolve(port))
      })
    })
    const pending = await host.editNode(alpha.id, { ttl: 7, port: freePort })
    expect(pending.pendingRestart).toEqual(['port', 'ttl'])
    expect(pending.port).toBe(alpha.port) // still the old one until the restart

    const restarted = await host.restartNode(alpha.id)
    expect(restarted).toMatchObject({ port: freePort, pendingRestart: [], config: { ttl: 7 } })
    await waitFor(() => connectedTo(host, 'Alpha2', 'Bob') && connectedTo(host, 'Alpha2', 'Carol'), {
      message: 'Bob (a known peer) and Carol (who had dialled in) linked again after the restart'
    })
  })
})

describe('where a node can be reached', () => {
  test('a node on 0.0.0.0 lists the IPv4 address of every interface, loopback marked and last', async () => {
    const host = await open()
    const wide = await host.createNode({ name: 'Wide', ip: '0.0.0.0', ...lanOff })
    const expected = Object.entries(networkInterfaces()).flatMap(([name, infos]) =>
      (infos ?? [])
        .filter((info) => info.family === 'IPv4')
        .map((info) => ({
          address: `${info.address}:${wide.port}`,
          interface: name,
          loopback: info.internal
        }))
    )
    expect(wide.reachableAt).toHaveLength(expected.length)
    expect(wide.reachableAt).toEqual(expect.arrayContaining(expected.map((e) => expect.objectContaining(e))))
    expect(wide.reachableAt.at(-1)).toMatchObject({ address: `127.0.0.1:${wide.port}`, loopback: true })
    const narrow = await host.createNode({ name: 'Narrow', ip: '127.0.0.1', ...lanOff })
    expect(narrow.reachableAt).toEqual([
      { address: `127.0.0.1:${narrow.port}`, ip: '127.0.0.1', interface: 'lo', family: 4, loopback: true }
    ])
  })
})

describe('round trips', () => {
  test('through a link that holds every chunk 40 ms each way, the figures are the measured round trips', async () => {
    const host = await open()
    const alpha = await host.createNode({ name: 'Alpha', keepAlive: false, ...lanOff })
    const far = await PeerProcess.start({ name: 'Far', keepAlive: false })
    peers.push(far)
    const relay: DelayRelay = await startDelayRelay({ host: '127.0.0.1', port: far.port }, 40)
    cleanups.push(() => relay.close())
    await host.connect(alpha.id, { kind: 'address', address: relay.address })
    const farEdge = () => node(host, 'Alpha').edges.find((e) => e.name === 'Far')!
    for (let i = 0; i < 5; i++) await host.ping(alpha.id, farEdge().peerId)
    const edge = farEdge()
    const samples = edge.rttSamples
    expect(samples).toHaveLength(5)
    for (const rtt of samples) expect(rtt).toBeGreaterThanOrEqual(80)
    const sorted = [...samples].sort((a, b) => a - b)
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length
    expect(edge.roundTrips).toEqual({
      count: 5,
      lastMs: samples[4],
      medianMs: sorted[2],
      p95Ms: sorted[4],
      jitterMs: expect.closeTo(Math.sqrt(samples.reduce((s, x) => s + (x - mean) ** 2, 0) / 5), 9)
    })
    // The smoothed one-way estimate is about half of it; its uncertainty is not a property of the link.
    expect(edge.latencyMs).toBeGreaterThanOrEqual(40)
    expect(edge.latencyUncertaintyMs).toBeGreaterThan(0)
  })
})
