// LAN beacons and the network key, on loopback (CHASKI_LAN_INTERFACES=127.0.0.1), issue #13: nodes holding the same
// network key find each other and link by themselves; their beacons are authenticated, and a node holding the key
// ignores (and counts) beacons without a tag, tagged with another key, replayed or stale. Also the beacon gaps of
// security.md: a plaintext node's beacon says protocol version 1 (not 2), and auto-connect dials with the beacon's
// id as the id the peer must prove, so a forged beacon for a known id cannot steer a dial to an impostor unnoticed.
import { afterEach, describe, expect, it } from 'vitest'
import { ChaskiNode, security, setLogLevel } from '../../../src/main/chaski/index'
import type { ChaskiNodeEvents, ChaskiNodeOptions, LanOptions } from '../../../src/main/chaski/index'
import { BeaconAuth } from '../../../src/main/chaski/lan/beacon-auth'
import { encodeBeacon, LanDiscovery, type Beacon } from '../../../src/main/chaski/lan/index'
import { sendDatagram, useLoopbackSenders } from '../../helpers/loopback-beacons'
import { waitFor as waitForValue } from '../../helpers/wait-for'
import { uniqueBeaconEndpoint, waitFor } from './lan-test-env'

setLogLevel('silent')

const nodes: ChaskiNode[] = []
const listeners: LanDiscovery[] = []
const rawSender = useLoopbackSenders()

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((lan) => lan.stop()))
  await Promise.all(nodes.splice(0).map((node) => node.stop()))
})

const K1 = security.parseNetworkKeyText(security.generateNetworkKeyText(), 'k1')
const K2 = security.parseNetworkKeyText(security.generateNetworkKeyText(), 'k2')

async function lanNode(lan: LanOptions, options: ChaskiNodeOptions = {}): Promise<ChaskiNode> {
  const node = new ChaskiNode({
    ip: '127.0.0.1',
    port: 0,
    reconnections: 0,
    keepAlive: false,
    lan,
    ...options
  })
  nodes.push(node)
  await node.ready
  return node
}

/** A plain LanDiscovery that only listens (what any host on the LAN without the key hears). */
async function listener(endpoint: { group: string; port: number }): Promise<LanDiscovery> {
  const id = `listener-${Math.random().toString(36).slice(2)}`
  const lan = new LanDiscovery({
    options: { group: endpoint.group, port: endpoint.port },
    self: () => ({
      id,
      name: 'listener',
      v: 1,
      ip: '127.0.0.1',
      port: 1,
      subscriptions: [],
      paired: false,
      root: false
    }),
    isConnected: () => false
  })
  listeners.push(lan)
  await lan.start()
  return lan
}

function beacon(overrides: Partial<Beacon> = {}): Omit<Beacon, 'truncated'> {
  return {
    kind: 'announce',
    v: 2,
    id: security.generateNodeKey().id,
    name: 'forged',
    ip: '127.0.0.1',
    port: 50_000,
    subscriptions: ['T'],
    paired: false,
    root: false,
    intervalMs: 1000,
    seq: 1,
    ...overrides
  }
}

function firstEvent<K extends keyof ChaskiNodeEvents>(node: ChaskiNode, event: K): ChaskiNodeEvents[K][] {
  const seen: ChaskiNodeEvents[K][] = []
  node.on(event, (payload) => seen.push(payload))
  return seen
}

describe('LAN beacons under a network key', () => {
  it('nodes holding the same key find each other and link by themselves; a host without the key hears nothing of them', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const lan = { group: endpoint.group, port: endpoint.port, autoConnect: true }
    const outsider = await listener(endpoint)
    const a = await lanNode(lan, { name: 'a', subscriptions: ['T'], networkKey: K1 })
    const b = await lanNode(lan, { name: 'b', subscriptions: ['T'], networkKey: K1 })
    await waitFor(() => a.isConnectedTo(b), { timeoutMs: 5000, message: 'a and b linked' })
    expect(a.edges[0]!.secure).toBe(true)
    await waitFor(() => (outsider.stats.dropped.unauthenticated ?? 0) >= 2, {
      timeoutMs: 3000,
      message: 'the outsider to drop their beacons'
    })
    expect(outsider.peers.size).toBe(0)
  })

  it('a node with another key is neither listed nor dialled', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const lan = { group: endpoint.group, port: endpoint.port, autoConnect: true }
    const a = await lanNode(lan, { name: 'a', subscriptions: ['T'], networkKey: K1 })
    const b = await lanNode(lan, { name: 'b', subscriptions: ['T'], networkKey: K2 })
    await waitFor(() => (a.lanDiscovery!.stats.dropped['bad-tag'] ?? 0) >= 2, {
      timeoutMs: 3000,
      message: "a to drop b's beacons"
    })
    expect(a.lanPeers.has(b.id)).toBe(false)
    expect(b.lanPeers.has(a.id)).toBe(false)
    expect(a.edges).toEqual([])
  })

  it('rotation: a beacon from a node holding the new and the old key is heard by nodes holding either', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const lan = { group: endpoint.group, port: endpoint.port }
    const old = await lanNode(lan, { name: 'old', networkKey: K1 })
    const next = await lanNode(lan, { name: 'next', networkKey: K2 })
    const both = security.parseNetworkKeyText(
      `${K2.keys[0]!.toString('hex')}\n${K1.keys[0]!.toString('hex')}\n`,
      'rotation'
    )
    const id = security.generateNodeKey().id
    await sendDatagram(await rawSender(), new BeaconAuth(both).seal(encodeBeacon(beacon({ id }))), endpoint)
    await waitFor(() => old.lanPeers.has(id) && next.lanPeers.has(id), {
      timeoutMs: 3000,
      message: 'both to list the rotating node'
    })
  })

  it('ignores and counts beacons without a tag, with a wrong key, replayed or stale', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const a = await lanNode({ group: endpoint.group, port: endpoint.port }, { name: 'a', networkKey: K1 })
    const stats = a.lanDiscovery!.stats
    const raw = await rawSender()
    const genuine = new BeaconAuth(K1)
    const id = security.generateNodeKey().id

    // No tag (a format 1 beacon), and tagged with another key.
    await sendDatagram(raw, encodeBeacon(beacon({ id })), endpoint)
    await sendDatagram(raw, new BeaconAuth(K2).seal(encodeBeacon(beacon({ id }))), endpoint)
    await waitFor(() => stats.dropped.unauthenticated === 1 && stats.dropped['bad-tag'] === 1, {
      timeoutMs: 3000,
      message: () => `drops ${JSON.stringify(stats.dropped)}`
    })
    expect(a.lanPeers.has(id)).toBe(false)

    // A genuine beacon (as captured on the LAN), then a newer one: the table follows the newer.
    const older = genuine.seal(encodeBeacon(beacon({ id, port: 40_001, seq: 1 })))
    const newer = genuine.seal(encodeBeacon(beacon({ id, port: 40_002, seq: 2 })))
    await sendDatagram(raw, older, endpoint)
    await waitFor(() => a.lanPeers.get(id)?.port === 40_001, {
      timeoutMs: 3000,
      message: 'the genuine beacon'
    })
    await sendDatagram(raw, newer, endpoint)
    await waitFor(() => a.lanPeers.get(id)?.port === 40_002, { timeoutMs: 3000, message: 'the newer beacon' })
    // Replaying the older beacon (from another source socket too) does not move the peer back.
    const other = await rawSender()
    await sendDatagram(other, older, endpoint)
    await waitFor(() => stats.dropped.replayed === 1, { timeoutMs: 3000, message: 'the replay dropped' })
    expect(a.lanPeers.get(id)?.port).toBe(40_002)

    // Stale: a genuine tag, but a timestamp 10 minutes old.
    const stale = new BeaconAuth(K1, () => Date.now() - 10 * 60_000)
    await sendDatagram(raw, stale.seal(encodeBeacon(beacon({ port: 40_003 }))), endpoint)
    await waitFor(() => stats.dropped.stale === 1, { timeoutMs: 3000, message: 'the stale beacon dropped' })
    expect([...a.lanPeers.values()].some((peer) => peer.port === 40_003)).toBe(false)
  })
})

describe('LAN beacons tell the truth and steer no dial (security.md gaps b, c)', () => {
  it("a plaintext node's beacon announces protocol version 1, a secure node's version 2", async () => {
    const endpoint = uniqueBeaconEndpoint()
    const hear = await listener(endpoint)
    const plain = await lanNode({ group: endpoint.group, port: endpoint.port }, { name: 'p', secure: false })
    const secure = await lanNode({ group: endpoint.group, port: endpoint.port }, { name: 's' })
    await waitFor(() => hear.peers.has(plain.id) && hear.peers.has(secure.id), {
      timeoutMs: 3000,
      message: 'both beacons'
    })
    expect(hear.peers.get(secure.id)!.v).toBe(2)
    expect(hear.peers.get(plain.id)!.v).toBe(1)
  })

  it('a forged beacon naming a key id at an impostor’s address: the dial is refused and reported, no link', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const a = await lanNode(
      { group: endpoint.group, port: endpoint.port, autoConnect: true },
      { name: 'a', subscriptions: ['T'] }
    )
    const changed = firstEvent(a, 'identity-changed')
    // The impostor: a real secure node (another key), no LAN; the beacon claims someone else's key id at its port.
    const impostor = new ChaskiNode({ ip: '127.0.0.1', port: 0, subscriptions: ['T'], keepAlive: false })
    nodes.push(impostor)
    await impostor.ready
    const claimed = security.generateNodeKey().id
    const raw = await rawSender()
    await sendDatagram(raw, encodeBeacon(beacon({ id: claimed, port: impostor.port })), endpoint)
    const outcome = await waitForValue(() => (a.edges.length > 0 ? 'linked to the impostor' : changed[0]), {
      timeoutMs: 5000,
      message: 'the auto-connect dial to end'
    })
    expect(outcome).toMatchObject({ expectedId: claimed, provenId: impostor.id, direction: 'outbound' })
    expect(a.edges).toEqual([])
  })
})
