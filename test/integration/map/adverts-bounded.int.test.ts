// Neighbour adverts stay bounded (docs/PROTOCOL.md §12), over real sockets: in bytes and entries however many
// edges a node has (the rest rotate through later adverts), and in rate however fast its edges churn.
import { afterEach, describe, expect, it } from 'vitest'
import { msgpackCodec, type ChaskiNode } from '../../../src/main/chaski/index'
import { generateNodeKey } from '../../../src/main/chaski/security/index'
import { fakePeer, type FakePeer } from '../../helpers/fake-peer'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

// Plaintext nodes (secure: false) by default: these tests speak raw protocol version 1 frames to them (a fake peer);
// the secure variant has a fake peer speaking TLS with its own key.
const makeNode = useNodes({ secure: false })
const peers: FakePeer[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()))
})

interface Advert {
  origin: string
  seq: number
  n: [string, number | null, number | null, number, number][]
  more: number
  tmore?: number
  sig?: Uint8Array
}

function advertsOf(fake: FakePeer, origin: string): Advert[] {
  return (fake.receivedData('neighbours') as Advert[]).filter((advert) => advert.origin === origin)
}

describe('neighbour adverts are bounded', () => {
  it.each([
    { secure: false, bound: 1200, topics: [] as string[] },
    // Signed: key and signature add 109 bytes; 40 topics (only 256 bytes of them carried) take room from entries.
    { secure: true, bound: 1200 + 109, topics: Array.from({ length: 40 }, (_, i) => `topic/number-${i}`) }
  ])(
    'a node with 40 edges sends at most $bound bytes and 32 entries per advert, and rotates the rest (secure: $secure)',
    async ({ secure, bound, topics }) => {
      const hub = await makeNode({
        name: 'hub',
        secure,
        subscriptions: topics,
        adverts: { debounceMs: 50, intervalMs: 1000 }
      })
      const observerKey = secure ? generateNodeKey() : undefined
      const fake = await fakePeer({ answerPings: true, id: 'observer', key: observerKey })
      const observer = observerKey?.id ?? 'observer'
      peers.push(fake)
      await hub.connect(`127.0.0.1:${fake.port}`)
      const others: ChaskiNode[] = []
      for (let i = 0; i < 39; i++) {
        const node = await makeNode({ name: `leaf-${i}`, secure, adverts: false })
        await node.connect(hub.address)
        others.push(node)
      }
      await hub.ping() // every entry then carries a round trip
      const everyPeer = new Set([...others.map((node) => node.id), observer])
      await waitFor(
        () => {
          const seen = new Set<string>()
          for (const advert of advertsOf(fake, hub.id))
            if (advert.n.length + advert.more === 40) for (const entry of advert.n) seen.add(entry[0])
          return seen.size === everyPeer.size
        },
        { timeoutMs: 15_000, message: 'rotation never covered all 40 peers' }
      )
      const full = advertsOf(fake, hub.id).filter((advert) => advert.n.length + advert.more === 40)
      expect(full.length).toBeGreaterThanOrEqual(2)
      for (const advert of advertsOf(fake, hub.id)) {
        expect(msgpackCodec.encode(advert).length).toBeLessThanOrEqual(bound)
        expect(advert.n.length).toBeLessThanOrEqual(32)
      }
      expect(full[0]!.more).toBeGreaterThan(0)
      expect(hub.mapStats.largestBytes).toBeLessThanOrEqual(bound)
      if (secure) expect(full.every((advert) => advert.sig?.length === 64 && advert.tmore! > 0)).toBe(true)
      console.log(
        `40 edges (secure: ${secure}): ${full[0]!.n.length} entries per advert (${msgpackCodec.encode(full[0]!).length} bytes), more ${full[0]!.more}`
      )
    }
  )

  it('under churn (10 peers joining and leaving for 4 s) a node sends at most one advert per 2 s', async () => {
    const node = await makeNode({ name: 'churned', adverts: { debounceMs: 0 } })
    const fake = await fakePeer({ answerPings: true, id: 'observer' })
    peers.push(fake)
    await node.connect(`127.0.0.1:${fake.port}`)
    const churners: ChaskiNode[] = []
    for (let i = 0; i < 10; i++)
      churners.push(await makeNode({ name: `churn-${i}`, reconnections: 0, adverts: false }))
    const startedAt = Date.now()
    const windowStart = advertsOf(fake, node.id).length
    let rounds = 0
    // When the node last had a churner as a peer: an advert with a later seq (the node's epoch ms) can only show
    // the state after that churner left. (Comparing with the end of the loop raced: the final advert may be sent
    // between the last leave and the loop's own clock reading.)
    let lastJoinSeenAt = 0
    while (Date.now() - startedAt < 4000) {
      const churner = churners[rounds % churners.length]!
      await churner.connect(node.address)
      await waitFor(() => node.edges.some((edge) => edge.id === churner.id), { timeoutMs: 5000 })
      lastJoinSeenAt = Date.now()
      await churner.closeConnection(node.address)
      rounds++
    }
    const churnMs = Date.now() - startedAt
    // The last change is advertised (at most 2 s after the advert before it): only the observer is left.
    await waitFor(
      () =>
        advertsOf(fake, node.id)
          .slice(windowStart)
          .some(
            (advert) => advert.n.length === 1 && advert.n[0]![0] === 'observer' && advert.seq > lastJoinSeenAt
          ),
      { message: 'the last leave was never advertised' }
    )
    const elapsedMs = Date.now() - startedAt
    const sent = advertsOf(fake, node.id).slice(windowStart)
    const allowed = Math.ceil(elapsedMs / 2000) + 1
    console.log(
      `churn: ${rounds} joins and leaves in ${churnMs} ms, ${sent.length} adverts in ${elapsedMs} ms (bound ${allowed})`
    )
    expect(rounds).toBeGreaterThan(20)
    expect(sent.length).toBeGreaterThanOrEqual(2)
    expect(sent.length).toBeLessThanOrEqual(allowed)
    for (const advert of sent) expect(msgpackCodec.encode(advert).length).toBeLessThanOrEqual(1200)
    // Sequence numbers strictly increase.
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.seq).toBeGreaterThan(sent[i - 1]!.seq)
  })
})
