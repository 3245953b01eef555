// LanDiscovery on its own, over real multicast on the loopback interface (CHASKI_LAN_INTERFACES=127.0.0.1).
import { randomUUID } from 'node:crypto'
import { networkInterfaces } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { LanDiscovery } from '../../../src/main/chaski/lan/index'
import type { LanDiscoveryEvents, LanPeer, LanPeerLostReason } from '../../../src/main/chaski/lan/index'
import { setLogLevel } from '../../../src/main/chaski/logger'
import { spawnLanPeer, uniqueBeaconEndpoint, waitFor } from './lan-test-env'
import type { LanPeerChild } from './lan-test-env'

setLogLevel('silent')

interface TestPeer {
  lan: LanDiscovery
  self: {
    id: string
    name: string
    v: number
    ip: string
    port: number
    subscriptions: Set<string>
    paired: boolean
    root: boolean
  }
  lost: { peer: LanPeer; reason: LanPeerLostReason }[]
  updates: LanDiscoveryEvents['lan-peer-updated'][0][]
}

const running: LanDiscovery[] = []
const children: LanPeerChild[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((lan) => lan.stop()))
  for (const peer of children.splice(0)) peer.child.kill('SIGKILL')
})

let nextPort = 41_000
function makePeer(
  endpoint: { group: string; port: number },
  overrides: Partial<TestPeer['self']> = {},
  init: Partial<ConstructorParameters<typeof LanDiscovery>[0]> = {}
): TestPeer {
  const id = overrides.id ?? randomUUID()
  const self = {
    id,
    name: `peer-${id.slice(0, 4)}`,
    v: 1,
    ip: '127.0.0.1',
    port: nextPort++,
    subscriptions: new Set(['A']),
    paired: false,
    root: false,
    ...overrides
  }
  const lan = new LanDiscovery({
    options: { group: endpoint.group, port: endpoint.port, intervalMs: 1000 },
    self: () => self,
    isConnected: () => false,
    ...init
  })
  const peer: TestPeer = { lan, self, lost: [], updates: [] }
  lan.on('lan-peer-lost', (event) => peer.lost.push(event))
  lan.on('lan-peer-updated', (event) => peer.updates.push(event))
  running.push(lan)
  return peer
}

describe('LanDiscovery on loopback', () => {
  it('three nodes list each other within 1 s, with address, interface and subscriptions', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const peers = [
      makePeer(endpoint),
      makePeer(endpoint),
      makePeer(endpoint, { subscriptions: new Set(['A', 'B']) })
    ]
    const started = Date.now()
    await Promise.all(peers.map((peer) => peer.lan.start()))
    const elapsed = await waitFor(() => peers.every((peer) => peer.lan.peers.size === 2), {
      timeoutMs: 1000,
      message: 'three nodes to list each other'
    })
    expect(elapsed).toBeLessThan(1000)
    const [a, , c] = peers as [TestPeer, TestPeer, TestPeer]
    const seenByA = a.lan.peers.get(c.self.id)
    expect(seenByA).toMatchObject({
      id: c.self.id,
      name: c.self.name,
      v: 1,
      ip: '127.0.0.1',
      port: c.self.port,
      address: `127.0.0.1:${c.self.port}`,
      subscriptions: ['A', 'B'],
      interface: 'lo',
      connected: false,
      paired: false
    })
    expect(seenByA!.firstSeen).toBeGreaterThanOrEqual(started - 1)
    // A node hears its own beacons and ignores them.
    expect(a.lan.peers.has(a.self.id)).toBe(false)
    expect(a.lan.stats.own).toBeGreaterThan(0)
  })

  it('updates in place when a node changes its subscriptions, name or paired state', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const [a, b] = [makePeer(endpoint), makePeer(endpoint)]
    await Promise.all([a.lan.start(), b.lan.start()])
    await waitFor(() => a.lan.peers.has(b.self.id), { timeoutMs: 1000 })
    b.self.subscriptions.add('C')
    b.self.name = 'renamed'
    b.self.paired = true
    b.lan.announce()
    await waitFor(() => a.lan.peers.get(b.self.id)?.name === 'renamed', {
      timeoutMs: 1000,
      message: 'the update'
    })
    expect(a.lan.peers.get(b.self.id)).toMatchObject({ subscriptions: ['A', 'C'], paired: true })
    expect(a.updates.at(-1)?.changes).toEqual(expect.arrayContaining(['name', 'paired', 'subscriptions']))
    expect(a.lan.peers.size).toBe(1)
  })

  it('loses a node at once when it stops cleanly (goodbye)', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const [a, b] = [makePeer(endpoint), makePeer(endpoint)]
    await Promise.all([a.lan.start(), b.lan.start()])
    await waitFor(() => a.lan.peers.has(b.self.id), { timeoutMs: 1000 })
    const stoppedAt = performance.now()
    await b.lan.stop()
    await waitFor(() => !a.lan.peers.has(b.self.id), { timeoutMs: 500, message: 'the goodbye' })
    expect(performance.now() - stoppedAt).toBeLessThan(500)
    expect(a.lost).toEqual([expect.objectContaining({ reason: 'goodbye' })])
    // The stopped node reports every peer as lost with reason 'stopped' and holds nothing.
    expect(b.lost.map((event) => event.reason)).toEqual(['stopped'])
    expect(b.lan.peers.size).toBe(0)
  })

  it('loses a node within about 3 s after its process is killed', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const a = makePeer(endpoint)
    await a.lan.start()
    const child = spawnLanPeer({ lan: { group: endpoint.group, port: endpoint.port }, subscriptions: ['A'] })
    children.push(child)
    const { id } = await child.ready
    await waitFor(() => a.lan.peers.has(id), { timeoutMs: 2000, message: 'the child peer' })
    const killedAt = performance.now()
    child.child.kill('SIGKILL')
    await waitFor(() => !a.lan.peers.has(id), { timeoutMs: 4000, message: 'the killed peer to be lost' })
    const lostAfter = performance.now() - killedAt
    expect(lostAfter).toBeLessThan(3000) // deadline: 2.8 announced intervals after its last beacon, before the kill
    expect(a.lost).toEqual([expect.objectContaining({ reason: 'timeout' })])
  })

  it('keeps one entry per id when a killed node restarts on a new port, and replaces a new id at its address', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const a = makePeer(endpoint)
    await a.lan.start()
    // A long announced interval (loss after 14 s), so a slow restart on a busy machine is still a restart.
    const lan = { group: endpoint.group, port: endpoint.port, intervalMs: 5000 }
    const id = randomUUID()
    const first = spawnLanPeer({ id, port: 45_001, lan })
    children.push(first)
    await first.ready
    await waitFor(() => a.lan.peers.has(id), { timeoutMs: 2000 })
    first.child.kill('SIGKILL') // no goodbye
    await first.exited
    const restarted = spawnLanPeer({ id, port: 45_002, lan })
    children.push(restarted)
    await restarted.ready
    await waitFor(() => a.lan.peers.get(id)?.port === 45_002, { timeoutMs: 2000, message: 'the new port' })
    expect(a.lan.peers.size).toBe(1)
    expect(a.lost).toEqual([])
    expect(a.updates.at(-1)?.changes).toContain('port')

    // Killed again; a new node (new id) takes the same address: the stale entry cannot answer there any more.
    restarted.child.kill('SIGKILL')
    await restarted.exited
    const usurper = makePeer(endpoint, { port: 45_002 })
    await usurper.lan.start()
    await waitFor(() => a.lan.peers.has(usurper.self.id), { timeoutMs: 1000 })
    expect([...a.lan.peers.keys()]).toEqual([usurper.self.id])
    expect(a.lost).toEqual([expect.objectContaining({ reason: 'replaced' })])
  })

  it('sends nothing and hears nothing when CHASKI_LAN_INTERFACES=none', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const a = makePeer(endpoint)
    const off = makePeer(endpoint, {}, { env: { CHASKI_LAN_INTERFACES: 'none' } })
    await Promise.all([a.lan.start(), off.lan.start()])
    const witness = makePeer(endpoint)
    await witness.lan.start()
    await waitFor(() => witness.lan.peers.has(a.self.id), { timeoutMs: 1000 })
    expect(off.lan.interfaces).toEqual([])
    expect(off.lan.stats.sent).toBe(0)
    expect(witness.lan.peers.has(off.self.id)).toBe(false)
    expect(off.lan.peers.size).toBe(0)
  })

  it('skips an interface it cannot join, keeps working on the others, and follows interfaces coming and going', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const loopback = networkInterfaces().lo!.filter((info) => info.family === 'IPv4')
    // 'ghost0' has an address this host does not own: joining it fails before anything is sent.
    const ghost = { ...loopback[0]!, address: '10.254.254.254', cidr: '10.254.254.254/32', internal: false }
    let current: ReturnType<typeof networkInterfaces> = { lo: loopback, ghost0: [ghost] }
    const env = { CHASKI_LAN_INTERFACES: '127.0.0.1,10.254.254.254' }
    const a = makePeer(endpoint, {}, { env, networkInterfaces: () => current, interfacePollMs: 50 })
    const b = makePeer(endpoint)
    await Promise.all([a.lan.start(), b.lan.start()])
    expect(a.lan.interfaces.map((iface) => iface.name)).toEqual(['lo'])
    await waitFor(() => a.lan.peers.has(b.self.id) && b.lan.peers.has(a.self.id), { timeoutMs: 1000 })

    current = { ghost0: [ghost] } // loopback "goes away"
    await waitFor(() => a.lan.interfaces.length === 0, { timeoutMs: 1000, message: 'the interface to go' })
    expect(a.lost).toEqual([expect.objectContaining({ reason: 'interface-gone' })])

    current = { lo: loopback, ghost0: [ghost] } // and comes back: rejoined, announced at once
    await waitFor(() => a.lan.peers.has(b.self.id), { timeoutMs: 1500, message: 'rediscovery after rejoin' })
  })
})
