// Issue #11 row 8: fake LAN peer ids from one source filled the peer table (1,024) and a real LAN node was then
// refused for minutes; a spoofed announce + goodbye carrying a real peer's id evicted it. Now one host holds at
// most 256 entries, a full table makes room fairly (never at the cost of a peer with an edge), a known id heard
// from another host is ignored while its own sender is alive, and only the same host may replace a peer at its
// address (docs/PROTOCOL.md §11). The attacker sends from 127.0.0.2, the honest nodes from 127.0.0.1.
import type { Socket } from 'node:dgram'
import { describe, expect, it } from 'vitest'
import type { ChaskiNode, LanPeerLostReason } from '../../../src/main/chaski/index'
import { encodeBeacon, type Beacon } from '../../../src/main/chaski/lan/index'
import { useLoopbackSenders } from '../../helpers/loopback-beacons'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { uniqueBeaconEndpoint } from '../lan/lan-test-env'

const createNode = useNodes({ reconnections: 0 })
const loopbackSender = useLoopbackSenders()
type Endpoint = { group: string; port: number }

/** The attacker sends from 127.0.0.2, another "host" than the honest nodes' 127.0.0.1. */
function attackerSocket(): Promise<Socket> {
  return loopbackSender('127.0.0.2')
}

let seq = 0
function send(socket: Socket, endpoint: Endpoint, beacon: Partial<Beacon> & { id: string }): void {
  const full: Omit<Beacon, 'truncated'> = {
    kind: 'announce',
    v: 1,
    name: 'fake',
    ip: '127.0.0.1',
    port: 9,
    subscriptions: ['A'],
    paired: false,
    root: false,
    intervalMs: 60_000, // the longest allowed: a fake stays listed for minutes
    seq: ++seq,
    ...beacon
  }
  socket.send(encodeBeacon(full), endpoint.port, endpoint.group)
}

async function lanNode(endpoint: Endpoint, name: string): Promise<ChaskiNode> {
  const node = await createNode({
    name,
    subscriptions: ['A'],
    lan: { group: endpoint.group, port: endpoint.port, autoConnect: false }
  })
  return node
}

/** 'name: reason' of every LAN peer the node loses from now on. */
function lostLog(node: ChaskiNode): string[] {
  const lost: string[] = []
  node.on('lan-peer-lost', ({ peer, reason }: { peer: { name: string }; reason: LanPeerLostReason }) =>
    lost.push(`${peer.name}: ${reason}`)
  )
  return lost
}

describe('the LAN peer table', () => {
  it('one host cannot fill it: after 2,000 fake ids from one source a real LAN node is still listed', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const node = await lanNode(endpoint, 'watcher')
    const attackers = await Promise.all(Array.from({ length: 100 }, () => attackerSocket()))
    const received = (): number => node.lanDiscovery?.stats.received ?? 0
    const before = received()
    for (let round = 1; round <= 20; round++) {
      for (const [i, socket] of attackers.entries())
        send(socket, endpoint, { id: `fake-${round}-${i}`, port: 10_000 + round * 100 + i })
      // Paced by the node's reading, so the kernel's receive buffer keeps (almost) every datagram.
      await waitFor(() => received() - before >= round * 95, { message: `round ${round} of the flood read` })
    }
    const fakes = (): number => [...node.lanPeers.keys()].filter((id) => id.startsWith('fake-')).length
    const real = await lanNode(endpoint, 'real')
    await waitFor(() => node.lanPeers.has(real.id), { timeoutMs: 3_000 }).catch(() => {
      throw new Error(`the real LAN node was not listed; the table holds ${fakes()} fake peers`)
    })
    expect(fakes()).toBeLessThanOrEqual(256)
  })

  it('a spoofed announce + goodbye with a real peer id from another host does not evict it', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const node = await lanNode(endpoint, 'watcher')
    const peer = await lanNode(endpoint, 'victim')
    await waitFor(() => node.lanPeers.has(peer.id), { timeoutMs: 3_000 })
    const lost = lostLog(node)
    const attacker = await attackerSocket()
    send(attacker, endpoint, { id: peer.id, port: 9 })
    send(attacker, endpoint, { id: peer.id, port: 9, kind: 'goodbye' })
    send(attacker, endpoint, { id: 'marker' }) // read after the two above (same socket, in order)
    await waitFor(() => node.lanPeers.has('marker'), { message: 'the forged datagrams read' })
    expect(lost).toEqual([])
    expect(node.lanPeers.get(peer.id)?.port).toBe(peer.port)
  })

  it('another host cannot take a real peer’s place by announcing a new id at its address', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const node = await lanNode(endpoint, 'watcher')
    const peer = await lanNode(endpoint, 'victim')
    await waitFor(() => node.lanPeers.has(peer.id), { timeoutMs: 3_000 })
    await node.connect(peer) // a live edge too
    const lost = lostLog(node)
    const attacker = await attackerSocket()
    send(attacker, endpoint, { id: 'impostor', port: peer.port })
    await waitFor(() => node.lanPeers.has('impostor'), { message: 'the impostor read' })
    expect(lost).toEqual([])
    expect(node.lanPeers.get(peer.id)?.connected).toBe(true)
  })
})
