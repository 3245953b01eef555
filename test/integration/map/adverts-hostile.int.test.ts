// Neighbour adverts a peer cannot abuse (docs/PROTOCOL.md §12), over real sockets: a hand-written peer sends
// replayed, forged and malformed adverts to a real node, whose real neighbour shows what was forwarded.
import { afterEach, describe, expect, it } from 'vitest'
import type { ChaskiNode } from '../../../src/main/chaski/index'
import { fakePeer, type FakePeer } from '../../helpers/fake-peer'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them (a fake peer).
const makeNode = useNodes({ secure: false, adverts: { debounceMs: 50 } })
const peers: FakePeer[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()))
})

const FAKE_ID = 'fake-advertiser'

function advert(
  seq: number,
  neighbours: string[],
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    origin: FAKE_ID,
    seq,
    ttl0: 2,
    name: 'fake',
    ip: '127.0.0.1',
    port: 9,
    interval: 30,
    coord: null,
    n: neighbours.map((id) => [id, 12, 1, 0, 0]),
    more: 0,
    ...overrides
  }
}

function knows(node: ChaskiNode, id: string): boolean {
  return node.map().nodes.some((each) => each.id === id)
}

/** x dials the fake peer; y is x's real neighbour and sees what x forwards. */
async function setup(): Promise<{ x: ChaskiNode; y: ChaskiNode; fake: FakePeer }> {
  const fake = await fakePeer({ answerPings: true, id: FAKE_ID })
  peers.push(fake)
  const x = await makeNode({ name: 'x' })
  const y = await makeNode({ name: 'y' })
  await x.connect(y.address)
  await x.connect(`127.0.0.1:${fake.port}`)
  return { x, y, fake }
}

describe('neighbour adverts from a hostile peer', () => {
  it('a replayed advert (same or older seq, new content) is neither applied nor forwarded', async () => {
    const { x, y, fake } = await setup()
    fake.send('neighbours', advert(1000, ['ghost-a']), 2)
    await waitFor(() => knows(x, 'ghost-a') && knows(y, 'ghost-a'), {
      message: 'the first advert never arrived'
    })
    const before = x.mapStats
    fake.send('neighbours', advert(1000, ['ghost-b']), 2) // same seq: replay
    fake.send('neighbours', advert(999, ['ghost-c']), 2) // older seq
    fake.send('neighbours', advert(1001, ['ghost-d']), 2) // new: marks when the others have been read
    await waitFor(() => knows(x, 'ghost-d') && knows(y, 'ghost-d'))
    for (const ghost of ['ghost-b', 'ghost-c']) {
      expect(knows(x, ghost)).toBe(false)
      expect(knows(y, ghost)).toBe(false)
    }
    expect(x.mapStats.duplicates - before.duplicates).toBe(2)
    // y's own adverts (it re-advertises when its RTTs move) may be accepted meanwhile: at least the fake's new one.
    expect(x.mapStats.accepted - before.accepted).toBeGreaterThanOrEqual(1)
  })

  it('forged adverts are ignored: our own id, a direct peer named by another link, a seq far ahead', async () => {
    const { x, y, fake } = await setup()
    await waitFor(() => x.map().links.some((l) => l.confirmed && [l.a, l.b].includes(y.id)))
    const before = x.mapStats
    // Claims to be y (a direct peer of x) at its first hop, but comes from the fake peer's link.
    fake.send('neighbours', advert(Date.now() + 1000, ['ghost-y'], { origin: y.id }), 2)
    // Claims to be x itself.
    fake.send('neighbours', advert(Date.now() + 1000, ['ghost-x'], { origin: x.id }), 2)
    // A relayed copy of y (hops 2) through the fake peer.
    fake.send('neighbours', advert(Date.now() + 2000, ['ghost-y2'], { origin: y.id }), 1)
    // A seq two days ahead: would lock the real origin out of every later advert.
    fake.send('neighbours', advert(Date.now() + 2 * 86_400_000, ['ghost-future']), 2)
    fake.send('neighbours', advert(5, ['ghost-ok']), 2)
    await waitFor(() => knows(x, 'ghost-ok'))
    for (const ghost of ['ghost-y', 'ghost-x', 'ghost-y2', 'ghost-future']) {
      expect(knows(x, ghost)).toBe(false)
      expect(knows(y, ghost)).toBe(false)
    }
    expect(x.mapStats.forged - before.forged).toBe(3)
    expect(x.mapStats.duplicates - before.duplicates).toBe(1)
    // An advert that only one end supports is drawn as reported, never confirmed.
    const ghostLink = x.map().links.find((l) => [l.a, l.b].includes('ghost-ok'))
    expect(ghostLink?.confirmed).toBe(false)
  })

  it('a malformed advert closes only the link it came on', async () => {
    const { x, y, fake } = await setup()
    const errors: string[] = []
    x.on('protocol-error', ({ error }) => errors.push(error.message))
    const many = Array.from({ length: 33 }, (_, i) => `peer-${i}`)
    fake.send('neighbours', advert(1, many), 2)
    await waitFor(() => fake.closedConnections === 1, { message: 'the bad link was not closed' })
    expect(errors.join()).toMatch(/more than 32 entries/)
    expect(x.isConnectedTo(y)).toBe(true)
    // A ttl above the origin's budget, and a coordinate out of bounds, are protocol errors too.
    const fake2 = await fakePeer({ answerPings: true, id: 'fake-2' })
    peers.push(fake2)
    await x.connect(`127.0.0.1:${fake2.port}`)
    fake2.send('neighbours', advert(1, [], { origin: 'fake-2' }), 3)
    await waitFor(() => fake2.closedConnections === 1)
    expect(errors.join()).toMatch(/ttl 3 outside 1\.\.ttl0 \(2\)/)
    const fake3 = await fakePeer({ answerPings: true, id: 'fake-3' })
    peers.push(fake3)
    await x.connect(`127.0.0.1:${fake3.port}`)
    fake3.send(
      'neighbours',
      advert(1, [], { origin: 'fake-3', coord: [0.1, 0, 0, 1e9, 0, 0, 0, 0, 0, 0, 0] }),
      2
    )
    await waitFor(() => fake3.closedConnections === 1)
    expect(errors.join()).toMatch(/coord/)
    expect(x.isConnectedTo(y)).toBe(true)
  })

  it('an origin flooding adverts is cut to its rate: 5 at once, then one per 2 s', async () => {
    const { x, y, fake } = await setup()
    const before = x.mapStats
    for (let i = 0; i < 40; i++) fake.send('neighbours', advert(100 + i, [`flood-${i}`]), 2)
    await waitFor(() => x.mapStats.received - before.received === 40)
    const accepted = x.mapStats.accepted - before.accepted
    expect(accepted).toBeGreaterThanOrEqual(5)
    expect(accepted).toBeLessThanOrEqual(6)
    expect(x.mapStats.rateLimited - before.rateLimited).toBe(40 - accepted)
    // y received only what x accepted.
    await waitFor(() => knows(y, `flood-${accepted - 1}`))
    expect(knows(y, 'flood-39')).toBe(false)
  })
})
