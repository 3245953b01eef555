// `map_request` / `map_reply` (docs/PROTOCOL.md §12 "On demand") over real sockets: a node asks a peer for the map
// it holds and gets the same nodes and links that peer's own map() returns; a peer that does not answer, or
// answers garbage, costs a bounded wait or its link only.
import { afterEach, describe, expect, it } from 'vitest'
import { MapRequestTimeoutError, type ChaskiNode, type NetworkMap } from '../../../src/main/chaski/index'
import { fakePeer, type FakePeer } from '../../helpers/fake-peer'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them (a fake peer).
const makeNode = useNodes({ secure: false, adverts: { debounceMs: 50 } })
const peers: FakePeer[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()))
})

function shape(map: NetworkMap): { nodes: string[]; links: string[] } {
  return {
    nodes: map.nodes.map((node) => `${node.id} ${node.known} ${node.hops} ${node.advertised}`).sort(),
    links: map.links.map((link) => `${link.a} ${link.b} ${link.confirmed}`).sort()
  }
}

describe('map on demand', () => {
  it("a peer's map arrives as that peer holds it, within the depth and count asked", async () => {
    const chain: ChaskiNode[] = []
    for (let i = 0; i < 5; i++) chain.push(await makeNode({ name: `m${i}` }))
    for (let i = 0; i < 4; i++) await chain[i]!.connect(chain[i + 1]!.address)
    const asker = await makeNode({ name: 'asker', adverts: false })
    await asker.connect(chain[0]!.address)
    // m0 knows m1 (direct), m2 (2 hops), m3 (listed by m2, 3 hops).
    await waitFor(() => chain[0]!.map().nodes.length === 5 && chain[0]!.map().links.length === 4)
    const remote = await asker.requestMap(chain[0]!.address)
    expect(shape(remote)).toEqual(shape(chain[0]!.map()))
    expect(remote.origin).toBe(chain[0]!.id)
    const near = await asker.requestMap(chain[0]!.address, { depth: 1 })
    expect(near.nodes.map((node) => node.hops).sort()).toEqual([0, 1, 1])
    const few = await asker.requestMap(chain[0]!.address, { maxNodes: 2 })
    expect(few.nodes).toHaveLength(2)
    expect(few.truncated).toBe(3)
  })

  it('a peer that never answers costs timeoutMs; a malformed reply closes only its link', async () => {
    const node = await makeNode({ name: 'asker' })
    const other = await makeNode({ name: 'other' })
    await node.connect(other.address)
    const silent = await fakePeer({ answerPings: true, id: 'silent' })
    peers.push(silent)
    const edge = await node.connect(`127.0.0.1:${silent.port}`)
    await expect(node.requestMap(edge, { timeoutMs: 300 })).rejects.toBeInstanceOf(MapRequestTimeoutError)
    expect(silent.receivedData('map_request')).toEqual([{ request: expect.any(Number), depth: 3, max: 1024 }])
    const pending = node.requestMap(edge, { timeoutMs: 5000 })
    await waitFor(() => silent.received('map_request') === 2)
    const request = (silent.receivedData('map_request')[1] as { request: number }).request
    // A link naming a node that is not in the list.
    silent.send('map_reply', {
      request,
      origin: 'silent',
      taken_at: Date.now(),
      depth: 3,
      truncated: 0,
      nodes: [['silent', 's', '127.0.0.1', 1, 0, 0, 0, true, null, 0]],
      links: [[0, 7, true, null, null, null, 0]]
    })
    await expect(pending).rejects.toThrow(/closed/)
    expect(node.isConnectedTo(other)).toBe(true)
  })

  it('map requests beyond 3 in a burst, then 1 per second, per link, are not answered', async () => {
    const node = await makeNode({ name: 'answers' })
    const asker = await fakePeer({ answerPings: true, id: 'asker' })
    peers.push(asker)
    await node.connect(`127.0.0.1:${asker.port}`)
    for (let i = 0; i < 10; i++) asker.send('map_request', { request: i, depth: 3, max: 1024 })
    await waitFor(() => asker.received('map_reply') >= 3)
    // Later requests are answered again as the bucket refills (one asked every 250 ms until one is answered).
    let next = 100
    await waitFor(
      () => {
        asker.send('map_request', { request: next++, depth: 3, max: 1024 })
        return asker.receivedData('map_reply').some((reply) => (reply as { request: number }).request >= 100)
      },
      { timeoutMs: 5000, intervalMs: 250 }
    )
    const answered = asker.receivedData('map_reply').map((reply) => (reply as { request: number }).request)
    expect(answered.filter((id) => id < 10).length).toBeLessThanOrEqual(4)
  })
})
