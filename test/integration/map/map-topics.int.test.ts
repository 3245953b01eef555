// Topics in the map (issue #16, the dashboard's topic filter; docs/PROTOCOL.md §12): every node of a node's map says
// what it subscribes to — the node itself and its direct peers in full, a node 2 hops away as its advert carries it
// (cut to 32 topics and 256 bytes, the rest counted) — over real sockets, and a map asked for on demand says the same.
import { afterEach, describe, expect, it } from 'vitest'
import type { ChaskiNode, MapNode } from '../../../src/main/chaski/index'
import { fakePeer, type FakePeer } from '../../helpers/fake-peer'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const makeNode = useNodes({ adverts: { debounceMs: 50 } })
const makePlainNode = useNodes({ secure: false, adverts: { debounceMs: 50 } })
const peers: FakePeer[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()))
})

function nodeIn(holder: ChaskiNode, id: string): MapNode | undefined {
  return holder.map().nodes.find((node) => node.id === id)
}

/** 40 topics of 12 bytes each (480 bytes): more than an advert carries. */
const MANY = Array.from({ length: 40 }, (_, i) => `sensor/t-${String(i).padStart(3, '0')}`)

describe('topics in the map', () => {
  it('local and direct nodes in full, a node 2 hops away as its advert carries them, cut to fit and counted', async () => {
    const a = await makeNode({ name: 'a', subscriptions: ['alpha', 'beta'] })
    const b = await makeNode({ name: 'b', subscriptions: MANY })
    const c = await makeNode({ name: 'c', subscriptions: MANY })
    await a.connect(b.address)
    await b.connect(c.address)
    await waitFor(() => nodeIn(a, c.id)?.advertised === true, { message: "c's advert never reached a" })

    expect(nodeIn(a, a.id)).toMatchObject({ known: 'local', topics: ['alpha', 'beta'], topicsMore: 0 })
    // b is a direct peer: its whole list, from its link.
    expect(nodeIn(a, b.id)).toMatchObject({ known: 'direct', topics: MANY, topicsMore: 0 })
    // c is 2 hops away: the first topics that fit in 256 bytes (21 of 12 bytes), the other 19 counted.
    const far = nodeIn(a, c.id)!
    expect(far).toMatchObject({ known: 'learned', hops: 2 })
    expect(far.topics).toEqual(MANY.slice(0, 21))
    expect(far.topicsMore).toBe(19)
    expect(Buffer.byteLength(far.topics.join(''))).toBeLessThanOrEqual(256)

    // A change of subscriptions reaches the map with the next advert.
    c.unsubscribe(MANY.slice(1))
    c.subscribe('zeta')
    await waitFor(() => nodeIn(a, c.id)?.topics.join() === `${MANY[0]},zeta`, {
      message: "c's new subscriptions never reached a"
    })
    expect(nodeIn(a, c.id)?.topicsMore).toBe(0)

    // The map asked for on demand carries the same topics.
    const remote = await a.requestMap(a.edges[0]!)
    expect(remote.nodes.find((node) => node.id === c.id)).toMatchObject({
      topics: [MANY[0], 'zeta'],
      topicsMore: 0
    })
    expect(remote.nodes.find((node) => node.id === a.id)).toMatchObject({ topics: ['alpha', 'beta'] })
  })

  it('an advert carrying too many topics, or too many bytes of them, is a protocol error on that link only', async () => {
    const x = await makePlainNode({ name: 'x' })
    const errors: string[] = []
    x.on('protocol-error', ({ error }) => errors.push(error.message))
    const base = {
      seq: 1,
      ttl0: 2,
      name: 'fake',
      ip: '127.0.0.1',
      port: 9,
      interval: 30,
      coord: null,
      n: [],
      more: 0
    }
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ topics: Array.from({ length: 33 }, (_, i) => `t${i}`) }, /at most 32 topics/],
      [{ topics: Array.from({ length: 3 }, (_, i) => `${i}`.repeat(100)) }, /more than 256 bytes/],
      [{ topics: ['a', 'a'] }, /a topic twice/],
      [{ topics: ['a'], tmore: -1 }, /tmore/]
    ]
    for (const [i, [fields, message]] of cases.entries()) {
      const id = `fake-topics-${i}`
      const fake = await fakePeer({ answerPings: true, id })
      peers.push(fake)
      await x.connect(`127.0.0.1:${fake.port}`)
      fake.send('neighbours', { ...base, origin: id, ...fields }, 2)
      await waitFor(() => fake.closedConnections === 1, { message: `case ${i}: the link was not closed` })
      expect(errors.at(-1)).toMatch(message)
    }
  })
})
