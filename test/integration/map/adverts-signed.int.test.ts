// Signed neighbour adverts (issue #16 with #13; docs/PROTOCOL.md §12 "Signatures"), over real TLS links: a hostile
// secure peer (a hand-written one with its own node key, test/helpers/fake-peer.ts) relays adverts to a real node x,
// whose real neighbour y shows what x forwarded. A relay can no longer invent or alter the advert of another node;
// real nodes' adverts still cross 2 hops.
import { afterEach, describe, expect, it } from 'vitest'
import type { ChaskiNode } from '../../../src/main/chaski/index'
import { generateNodeKey, type NodeKey } from '../../../src/main/chaski/security/index'
import { signAdvertAs, type Advert } from '../../helpers/advert-signer'
import { fakePeer, type FakePeer } from '../../helpers/fake-peer'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const makeNode = useNodes({ adverts: { debounceMs: 50 } })
const makePlainNode = useNodes({ secure: false, adverts: { debounceMs: 50 } })
const peers: FakePeer[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()))
})

/** An advert of `origin` listing `ghosts`, with an origin budget of 3 hops (so x forwards what it takes to y). */
function advert(origin: string, seq: number, ghosts: string[], overrides: Advert = {}): Advert {
  return {
    origin,
    seq,
    ttl0: 3,
    name: 'o-node',
    ip: '127.0.0.1',
    port: 9,
    interval: 30,
    coord: null,
    n: ghosts.map((id) => [id, 12, 1, 0, 0]),
    more: 0,
    ...overrides
  }
}

function knows(node: ChaskiNode, id: string): boolean {
  return node.map().nodes.some((each) => each.id === id)
}

/** x dials the secure fake relay; y is x's real neighbour and sees what x forwards. */
async function setup(): Promise<{ x: ChaskiNode; y: ChaskiNode; fake: FakePeer; fakeKey: NodeKey }> {
  const fakeKey = generateNodeKey()
  const fake = await fakePeer({ answerPings: true, key: fakeKey })
  peers.push(fake)
  const x = await makeNode({ name: 'x' })
  const y = await makeNode({ name: 'y' })
  await x.connect(y.address)
  const edge = await x.connect(`127.0.0.1:${fake.port}`)
  expect(edge.secure).toBe(true)
  expect(edge.id).toBe(fakeKey.id)
  return { x, y, fake, fakeKey }
}

describe('signed neighbour adverts', () => {
  it('a relay cannot invent the advert of a node it is not: unsigned, or signed with another key, is ignored', async () => {
    const { x, y, fake, fakeKey } = await setup()
    const [o1, o2, o3] = [generateNodeKey(), generateNodeKey(), generateNodeKey()]
    const before = x.mapStats
    // hops 2 (ttl 2 of 3): relayed by the fake for nodes that are not x's peers.
    fake.send('neighbours', advert(o1.id, 1000, ['ghost-unsigned']), 2)
    fake.send('neighbours', signAdvertAs(fakeKey, advert(o2.id, 1000, ['ghost-relay-key'])), 2)
    fake.send('neighbours', signAdvertAs(o3, advert(o3.id, 1000, ['ghost-genuine'])), 2)
    // y holds what x forwarded (3 hops away: the ghosts it lists would be at 4, beyond the map's depth).
    await waitFor(() => knows(x, 'ghost-genuine') && knows(y, o3.id), {
      message: 'the genuine relayed advert never arrived'
    })
    for (const ghost of ['ghost-unsigned', 'ghost-relay-key']) expect(knows(x, ghost), ghost).toBe(false)
    for (const node of [x, y]) expect(knows(node, o1.id) || knows(node, o2.id)).toBe(false)
    expect(x.mapStats.unsigned - before.unsigned).toBe(1)
    expect(x.mapStats.badSignature - before.badSignature).toBe(1)
    // Ignored, not a protocol error: the link stays.
    expect(x.edges.some((edge) => edge.id === fakeKey.id)).toBe(true)
  })

  it('a tampered advert (one byte changed) is ignored and does not lock the genuine one out', async () => {
    const { x, y, fake } = await setup()
    const o = generateNodeKey()
    const genuine = signAdvertAs(o, advert(o.id, 5000, ['ghost-a']))
    const before = x.mapStats
    fake.send('neighbours', { ...genuine, name: 'o-nodf' }, 2) // one byte of the name
    fake.send('neighbours', { ...genuine, n: [['ghost-a', 13, 1, 0, 0]] }, 2) // one RTT
    const sig = Buffer.from(genuine.sig as Buffer)
    sig[20]! ^= 1
    fake.send('neighbours', { ...genuine, sig }, 2) // one bit of the signature
    // A genuine advert of another node behind them: once it is in, the tampered ones (same link, in order) were read.
    const marker = generateNodeKey()
    fake.send('neighbours', signAdvertAs(marker, advert(marker.id, 1, [])), 2)
    await waitFor(() => knows(x, marker.id), { message: 'the marker advert never arrived' })
    expect(knows(x, o.id)).toBe(false)
    expect(x.mapStats.badSignature - before.badSignature).toBe(3)
    fake.send('neighbours', genuine, 2)
    await waitFor(() => knows(y, o.id), {
      message: 'the genuine advert was not accepted after the tampered ones'
    })
    expect(x.map().nodes.find((node) => node.id === o.id)).toMatchObject({ name: 'o-node', hops: 2 })
    expect(x.map().links.find((link) => [link.a, link.b].includes('ghost-a'))?.rttByA ?? 0).not.toBe(1.3)
  })

  it('a replayed signed advert (the same, or an older genuine one) is still ignored', async () => {
    const { x, y, fake } = await setup()
    const o = generateNodeKey()
    const newer = signAdvertAs(o, advert(o.id, 2000, ['ghost-new'], { name: 'o-new' }))
    const older = signAdvertAs(o, advert(o.id, 1999, ['ghost-old'], { name: 'o-old' }))
    const nameIn = (node: ChaskiNode): string | undefined =>
      node.map().nodes.find((each) => each.id === o.id)?.name
    fake.send('neighbours', newer, 2)
    await waitFor(() => knows(x, 'ghost-new') && nameIn(y) === 'o-new')
    const before = x.mapStats
    const beforeY = y.mapStats
    fake.send('neighbours', newer, 2)
    fake.send('neighbours', older, 2)
    // A genuine advert of another node behind them: once y holds it, x has forwarded whatever it would have.
    const marker = generateNodeKey()
    fake.send('neighbours', signAdvertAs(marker, advert(marker.id, 1, [])), 2)
    await waitFor(() => knows(y, marker.id), { message: 'the marker advert never reached y' })
    expect(x.mapStats.duplicates - before.duplicates).toBe(2)
    // x forwarded neither replay: y, which holds o's advert too, saw no copy of it again.
    expect(y.mapStats.duplicates - beforeY.duplicates).toBe(0)
    expect(knows(x, 'ghost-old')).toBe(false)
    expect(nameIn(x)).toBe('o-new')
    expect(nameIn(y)).toBe('o-new')
  })

  it("a real node's signed advert is accepted 2 hops away, through a real relay", async () => {
    const a = await makeNode({ name: 'a' })
    const b = await makeNode({ name: 'b' })
    const c = await makeNode({ name: 'c' })
    await a.connect(b.address)
    await b.connect(c.address)
    await waitFor(
      () =>
        c.map().nodes.some((node) => node.id === a.id && node.advertised) &&
        a.map().nodes.some((node) => node.id === c.id && node.advertised),
      { message: "a's and c's adverts did not cross b" }
    )
    expect(c.map().nodes.find((node) => node.id === a.id)).toMatchObject({
      name: 'a',
      hops: 2,
      known: 'learned'
    })
    for (const node of [a, b, c]) {
      expect(node.mapStats.badSignature).toBe(0)
      expect(node.mapStats.unsigned).toBe(0)
    }
    // Every advert a secure node sends is signed: 109 bytes of key and signature beyond the 1,200-byte body bound.
    expect(a.mapStats.largestBytes).toBeLessThanOrEqual(1200 + 109)
  })

  it("a secure node ignores even its peer's own unsigned advert; a plaintext node takes unsigned ones and checks signed ones", async () => {
    const { x, fake, fakeKey } = await setup()
    const before = x.mapStats
    const own = advert(fakeKey.id, 100, ['ghost-own'], { ttl0: 2 })
    fake.send('neighbours', own, 2)
    fake.send(
      'neighbours',
      signAdvertAs(fakeKey, { ...own, seq: 101, n: [['ghost-own-signed', 5, 1, 0, 0]] }),
      2
    )
    await waitFor(() => knows(x, 'ghost-own-signed'))
    expect(knows(x, 'ghost-own')).toBe(false)
    expect(x.mapStats.unsigned - before.unsigned).toBe(1)

    const p = await makePlainNode({ name: 'p' })
    const plain = await fakePeer({ answerPings: true, id: 'plain-fake' })
    peers.push(plain)
    await p.connect(`127.0.0.1:${plain.port}`)
    const o = generateNodeKey()
    const tampered = { ...signAdvertAs(o, advert(o.id, 10, ['ghost-tampered'])), name: 'o-nodf' }
    plain.send('neighbours', tampered, 2)
    plain.send('neighbours', advert('plain-fake', 10, ['ghost-plain'], { ttl0: 2 }), 2)
    await waitFor(() => knows(p, 'ghost-plain'))
    expect(knows(p, 'ghost-tampered')).toBe(false)
    expect(p.mapStats.badSignature).toBe(1)
  })

  it('a malformed signature field is a protocol error on that link only', async () => {
    const { x, y, fake, fakeKey } = await setup()
    const errors: string[] = []
    x.on('protocol-error', ({ error }) => errors.push(error.message))
    const signed = signAdvertAs(fakeKey, advert(fakeKey.id, 1, [], { ttl0: 2 }))
    const { sig: _left, ...keyOnly } = signed
    fake.send('neighbours', keyOnly, 2)
    await waitFor(() => fake.closedConnections === 1, { message: 'the link was not closed' })
    expect(errors.at(-1)).toMatch(/'key' and 'sig' come together/)
    expect(x.isConnectedTo(y)).toBe(true)
  })
})
