// LAN discovery on a real (virtual) LAN: three network namespaces on one bridge, one peer process in each, each
// capped to its own veth address (CHASKI_LAN_INTERFACES). Needs root, `ip netns` and `nft`; skipped with the
// reason otherwise (CI runs as root and must run these).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestLan, netnsUnavailableReason } from '../../helpers/netns'
import type { TestLan } from '../../helpers/netns'
import type { LanPeer } from '../../../src/main/chaski/index'
import { spawnLanPeer, uniqueBeaconEndpoint, waitFor } from './lan-test-env'
import type { LanPeerChild } from './lan-test-env'

const unavailable = netnsUnavailableReason({ needNft: true })
let lan: TestLan | undefined
let peers: LanPeerChild[] = []

beforeAll(async () => {
  if (unavailable === null) lan = await createTestLan(3)
  // Said on the test run's output, not only in a skip note a reporter may not print (issue 14).
  else console.warn(`LAN namespace tests skipped: ${unavailable}`)
})
afterEach(async () => {
  for (const peer of peers) peer.child.kill('SIGKILL')
  await Promise.all(peers.map((peer) => peer.exited))
  peers = []
})
afterAll(async () => {
  await lan?.destroy()
})

/** The peers each process currently lists, from its event stream. */
function listed(peer: LanPeerChild): Map<string, LanPeer> {
  const out = new Map<string, LanPeer>()
  for (const line of peer.lines) {
    if (line.type === 'lan-peer-seen' || line.type === 'lan-peer-updated') out.set(line.peer.id, line.peer)
    if (line.type === 'lan-peer-lost') out.delete(line.peer.id)
  }
  return out
}

async function startPeers(testLan: TestLan, { ipv6 = false } = {}): Promise<{ id: string; port: number }[]> {
  const endpoint = uniqueBeaconEndpoint()
  peers = testLan.hosts.map((host, i) =>
    spawnLanPeer(
      {
        name: `host${i + 1}`,
        port: 9000 + i,
        lan: { group: endpoint.group, port: endpoint.port },
        // IPv6: listen on '::' (receivers dial the beacon's link-local source), beacon on the veth's fe80:: only.
        ...(ipv6 ? { ip: '::', lanFamily: 6 as const, interfacePollMs: 200 } : { ip: host.address })
      },
      { netns: host.ns, env: { CHASKI_LAN_INTERFACES: ipv6 ? host.veth : host.address } }
    )
  )
  return Promise.all(peers.map((peer) => peer.ready))
}

describe('LAN discovery across network namespaces', () => {
  it('three hosts on a bridge discover each other by their veth addresses', async (ctx) => {
    if (unavailable !== null || lan === undefined) return ctx.skip(`namespace tests skipped: ${unavailable}`)
    const ids = await startPeers(lan)
    await waitFor(() => peers.every((peer) => listed(peer).size === 2), {
      timeoutMs: 1000,
      message: 'discovery'
    })
    const seenByFirst = listed(peers[0]!)
    expect(seenByFirst.get(ids[1]!.id)).toMatchObject({ address: '10.231.0.2:9001', interface: 'veth1' })
    expect(seenByFirst.get(ids[2]!.id)).toMatchObject({ address: '10.231.0.3:9002', interface: 'veth1' })
  })

  it('discovers over IPv6 link-local multicast (ff02::) with scoped addresses', async (ctx) => {
    if (unavailable !== null || lan === undefined) return ctx.skip(`namespace tests skipped: ${unavailable}`)
    const ids = await startPeers(lan, { ipv6: true })
    // A just-upped veth's link-local address may still be tentative (DAD): the join is retried every 200 ms here.
    await waitFor(() => peers.every((peer) => listed(peer).size === 2), {
      timeoutMs: 4000,
      message: 'IPv6 discovery'
    })
    const seen = listed(peers[0]!).get(ids[1]!.id)
    expect(seen?.address).toMatch(/^\[fe80:[0-9a-f:]+%veth1\]:9001$/)
    expect(seen?.interface).toBe('veth1')
  })

  it('ChaskiNodes with autoConnect pair by subscription across the namespaces, with no manual step', async (ctx) => {
    if (unavailable !== null || lan === undefined) return ctx.skip(`namespace tests skipped: ${unavailable}`)
    const endpoint = uniqueBeaconEndpoint()
    const topics = [['A'], ['A', 'B'], ['B']]
    peers = lan.hosts.map((host, i) =>
      spawnLanPeer(
        {
          mode: 'node',
          name: `host${i + 1}`,
          ip: host.address,
          subscriptions: topics[i],
          lan: { group: endpoint.group, port: endpoint.port, autoConnect: true }
        },
        { netns: host.ns, env: { CHASKI_LAN_INTERFACES: host.address } }
      )
    )
    const ids = (await Promise.all(peers.map((peer) => peer.ready))).map((ready) => ready.id)
    const edgesOf = (peer: LanPeerChild): Set<string> => {
      const edges = new Set<string>()
      for (const line of peer.lines) {
        if (line.type === 'edge-added') edges.add(line.peerId)
        if (line.type === 'edge-removed') edges.delete(line.peerId)
      }
      return edges
    }
    const pairedOf = (peer: LanPeerChild): Set<string> =>
      new Set(peer.lines.flatMap((line) => (line.type === 'paired' ? [line.topic] : [])))
    await waitFor(() => peers.every((peer, i) => topics[i]!.every((topic) => pairedOf(peer).has(topic))), {
      timeoutMs: 3000,
      message: () =>
        `every host paired for its topics; event streams: ${JSON.stringify(
          peers.map((peer) => peer.lines.filter((line) => line.type !== 'lan-peer-updated'))
        )}`
    })
    // A is shared by hosts 1 and 2, B by hosts 2 and 3: exactly those edges (each end reports its own edge-added).
    await waitFor(() => edgesOf(peers[1]!).size === 2 && peers.every((peer) => edgesOf(peer).size > 0), {
      timeoutMs: 1000,
      message: () => `both edges; edges: ${JSON.stringify(peers.map((peer) => [...edgesOf(peer)]))}`
    })
    expect([...edgesOf(peers[1]!)].sort()).toEqual([ids[0], ids[2]].sort())
    expect([...edgesOf(peers[0]!)]).toEqual([ids[1]])
    expect([...edgesOf(peers[2]!)]).toEqual([ids[1]])
    // Host 1 lists host 2 (its beacon may arrive after host 2 already dialled in), as connected, by its veth address.
    await waitFor(() => listed(peers[0]!).get(ids[1]!)?.connected === true, {
      timeoutMs: 1500,
      message: () => `host 1 listing host 2 as connected: ${JSON.stringify([...listed(peers[0]!).values()])}`
    })
    expect(listed(peers[0]!).get(ids[1]!)?.address).toMatch(/^10\.231\.0\.2:\d+$/)
  })

  it('a host whose link goes down is lost by the others, and found again when it comes back', async (ctx) => {
    if (unavailable !== null || lan === undefined) return ctx.skip(`namespace tests skipped: ${unavailable}`)
    const ids = await startPeers(lan)
    await waitFor(() => peers.every((peer) => listed(peer).size === 2), {
      timeoutMs: 1000,
      message: 'discovery'
    })
    const downAt = performance.now()
    await lan.linkDown(1)
    try {
      await waitFor(() => !listed(peers[0]!).has(ids[1]!.id) && !listed(peers[2]!).has(ids[1]!.id), {
        timeoutMs: 4000,
        message: 'host 2 to be lost'
      })
      expect(performance.now() - downAt).toBeLessThan(3000)
      const lost = peers[0]!.lines.find(
        (line) => line.type === 'lan-peer-lost' && line.peer.id === ids[1]!.id
      )
      expect(lost).toMatchObject({ reason: 'timeout' })
      expect(listed(peers[0]!).has(ids[2]!.id)).toBe(true)
    } finally {
      await lan.linkUp(1)
    }
    await waitFor(() => peers.every((peer) => listed(peer).size === 2), {
      timeoutMs: 8000,
      message: 'rediscovery'
    })
  })

  it('still discovers within 3 s with 20 % UDP loss at every host', async (ctx) => {
    if (unavailable !== null || lan === undefined) return ctx.skip(`namespace tests skipped: ${unavailable}`)
    for (let host = 0; host < 3; host++) await lan.addUdpLoss(host, 20)
    try {
      await startPeers(lan)
      const elapsed = await waitFor(() => peers.every((peer) => listed(peer).size === 2), {
        timeoutMs: 3000,
        message: 'discovery under loss'
      })
      expect(elapsed).toBeLessThan(3000)
    } finally {
      for (let host = 0; host < 3; host++) await lan.removeUdpLoss(host)
    }
  })
})
