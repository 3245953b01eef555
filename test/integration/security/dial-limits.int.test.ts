// Issue #11 row 6: a node could be made to dial an address of the attacker's choosing, over and over: (a) a
// handshake claiming 127.0.0.1:X, then a dropped link (reconnection dialled X up to 32 times); (b) `discovery`
// frames naming X as the origin (12 frames → 12 UDP + 12 TCP dials); (c) LAN beacons advertising X under ever new
// ids (52 dials in 10 s). Now reconnection dials only the address the node itself dialled and completed a handshake
// with, and learned addresses are dialled under per-target and overall limits (docs/PROTOCOL.md §10). A fake
// service of our own counts the dials it receives.
import type { Socket } from 'node:dgram'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { RemovalReason } from '../../../src/main/chaski/index'
import { msgpackCodec } from '../../../src/main/chaski/codec'
import { FrameDecoder } from '../../../src/main/chaski/framing'
import { encodeBeacon } from '../../../src/main/chaski/lan/index'
import { loopbackMulticastSender } from '../../helpers/loopback-beacons'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { uniqueBeaconEndpoint } from '../lan/lan-test-env'
import { dialCounter, frame, plain, RawPeer, type DialCounter } from './raw-peer'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

const createNode = useNodes({ secure: false, reconnectBaseMs: 50, reconnectCapMs: 200 })
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function counter(): Promise<DialCounter> {
  const c = await dialCounter()
  cleanups.push(() => c.close())
  return c
}

/** Dials the counter once more and waits until it took that dial: every dial made before has been counted then. */
async function settledDials(c: DialCounter): Promise<number> {
  const before = c.tcp
  const socket = net.connect({ host: '127.0.0.1', port: c.port })
  socket.on('error', () => {})
  await waitFor(() => c.tcp > before)
  socket.destroy()
  return c.tcp - 1
}

/**
 * A listening peer that answers every handshake with handshake_back but claims another listening port, then lets
 * the test cut the link. Counts the connections it receives.
 */
async function lyingPeer(claimPort: number): Promise<{ port: number; connections: number; cut(): void }> {
  const sockets = new Set<net.Socket>()
  const state = { port: 0, connections: 0, cut: () => sockets.forEach((socket) => socket.destroy()) }
  const server = net.createServer((socket) => {
    state.connections++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    const decoder = new FrameDecoder({
      acceptTopic: () => true,
      onFrame: (_topic, body) => {
        const message = msgpackCodec.decode(body) as { command: string }
        if (message.command !== 'handshake') return
        const data = { v: 1, vmin: 1, id: 'liar', name: 'liar', ip: '127.0.0.1', port: claimPort }
        const identity = { ...data, subscriptions: [], paired: false, root: false }
        socket.write(frame('handshake_back', 'All', plain(identity)))
      }
    })
    socket.on('data', (chunk: Buffer) => decoder.push(chunk))
  })
  state.port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
  )
  cleanups.push(() => {
    state.cut()
    return new Promise((resolve) => server.close(resolve))
  })
  return state
}

/** The attacker's i-th search for topic T, naming 127.0.0.1:`originPort` as its origin (spec §4). */
function searchFrom(i: number, originPort: number): Record<string, unknown> {
  return {
    search: `search-${i}`,
    topic: 'T',
    origin_id: `origin-${i}`,
    origin_name: 'origin',
    origin_ip: '127.0.0.1',
    origin_port: originPort,
    previous_hop: 'searcher',
    visited: ['searcher'],
    on_pair: 'none',
    root_ip: '127.0.0.1',
    root_port: 1,
    wait_ms: 2000
  }
}

describe('the node dials only what it verified, within limits', () => {
  it('(a) a peer that dialled us and claims another address is not redialled when its link drops', async () => {
    const fake = await counter()
    const node = await createNode()
    const removed: { reason: RemovalReason; willReconnect: boolean }[] = []
    node.on('edge-removed', (event) => removed.push(event))
    const attacker = await RawPeer.handshake(node.port, 'claimer', { claimPort: fake.port })
    attacker.socket.resetAndDestroy()
    await waitFor(() => removed.length === 1)
    expect(removed[0]).toMatchObject({ reason: 'lost', willReconnect: false })
    expect(node.reconnects).toEqual([])
    expect(await settledDials(fake)).toBe(0)
  })

  it('(a) a peer we dialled is redialled at the address we dialled, never at the one it claims', async () => {
    const fake = await counter()
    const liar = await lyingPeer(fake.port)
    const node = await createNode()
    await node.connect(`127.0.0.1:${liar.port}`)
    liar.cut()
    await waitFor(() => liar.connections >= 2).catch(() => {
      throw new Error(`no reconnection to the dialled address; ${fake.tcp} dials to the claimed one instead`)
    })
    expect(await settledDials(fake)).toBe(0)
  })

  it('(b) discovery origins are dialled within limits: 12 searches naming one address make at most 2 dials', async () => {
    const fake = await counter()
    const node = await createNode({ paired: true, subscriptions: ['T'], statusTimeoutMs: 100 })
    const attacker = await RawPeer.handshake(node.port, 'searcher')
    // One search at a time, as an attacker wanting a dial each would: the next goes once the last was answered
    // and, when the node answered 'pairing', once its dial reached the address.
    for (let i = 0; i < 12; i++) {
      const dialsBefore = fake.tcp
      await attacker.write(frame('discovery', 'All', plain(searchFrom(i, fake.port))))
      await waitFor(() => attacker.received('discovery_ack').length === i + 1, { message: `ack ${i + 1}` })
      if (attacker.received('discovery_ack')[i]!.data['result'] === 'pairing')
        await waitFor(() => fake.tcp > dialsBefore, { message: `the dial announced by ack ${i + 1}` })
    }
    const pairing = attacker
      .received('discovery_ack')
      .filter((ack) => ack.data['result'] === 'pairing').length
    const dials = await settledDials(fake)
    const seen = `${dials} TCP dials, ${fake.udp} UDP status requests, ${pairing} 'pairing' acks`
    expect(dials, seen).toBeLessThanOrEqual(2)
    expect(fake.udp, seen).toBeLessThanOrEqual(2)
    attacker.destroy()
  })

  it('(b) an edge claiming the origin address earns no free status requests to it', async () => {
    const fake = await counter()
    const node = await createNode({ paired: true, subscriptions: ['T'], statusTimeoutMs: 100 })
    // The attacker's own edge claims the victim's address, then names that address as the origin of its searches.
    const attacker = await RawPeer.handshake(node.port, 'searcher', { claimPort: fake.port })
    for (let i = 0; i < 12; i++) {
      await attacker.write(frame('discovery', 'All', plain(searchFrom(i, fake.port))))
      await waitFor(() => attacker.received('discovery_ack').length === i + 1, { message: `ack ${i + 1}` })
    }
    expect(await settledDials(fake)).toBe(0)
    expect(fake.udp, 'status requests sent to the claimed address').toBeLessThanOrEqual(2)
    attacker.destroy()
  })

  it('(c) LAN beacons advertising one address under ever new ids earn at most 2 dials', async () => {
    const fake = await counter()
    const endpoint = uniqueBeaconEndpoint()
    const node = await createNode({
      subscriptions: ['A'],
      lan: { group: endpoint.group, port: endpoint.port, autoConnect: true }
    })
    const senders: Socket[] = []
    for (let i = 0; i < 5; i++) {
      const socket = await loopbackMulticastSender('127.0.0.2')
      senders.push(socket)
      cleanups.push(() => socket.close())
    }
    const accepted = (): number => node.lanDiscovery?.stats.accepted ?? 0
    const start = accepted()
    for (let i = 0; i < 50; i++) {
      const beacon = encodeBeacon({
        kind: 'announce',
        v: 1,
        id: `fake-${i}`,
        name: 'fake',
        ip: '127.0.0.1',
        port: fake.port,
        subscriptions: ['A'],
        paired: false,
        root: false,
        intervalMs: 1000,
        seq: i + 1
      })
      senders[i % senders.length]!.send(beacon, endpoint.port, endpoint.group)
      await new Promise((resolve) => setTimeout(resolve, 40)) // the attack's pace: 25 beacons a second
    }
    await waitFor(() => accepted() - start >= 50, { message: 'every fake beacon heard' })
    await node.stop() // nothing more is dialled; what is under way was counted by now or is cut
    expect(await settledDials(fake)).toBeLessThanOrEqual(2)
  })
})
