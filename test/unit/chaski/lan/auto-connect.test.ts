import { describe, expect, it } from 'vitest'
import { createLogger, setLogLevel } from '../../../../src/main/chaski/logger'
import { IDENTITY_MISMATCH_BACKOFF_MS, LanAutoConnect } from '../../../../src/main/chaski/lan/auto-connect'
import type { Clock } from '../../../../src/main/chaski/clock'
import { IdentityMismatchError } from '../../../../src/main/chaski/security/errors'
import { ManualClock } from '../../../helpers/manual-clock'
import type { AutoConnectHost } from '../../../../src/main/chaski/lan/auto-connect'
import type { LanPeer } from '../../../../src/main/chaski/lan/peer-table'

setLogLevel('silent')

function peer(id: string, subscriptions: string[], overrides: Partial<LanPeer> = {}): LanPeer {
  return {
    id,
    name: id,
    v: 1,
    ip: '10.0.0.1',
    port: 9000,
    address: `10.0.0.1:${id}`,
    subscriptions,
    paired: false,
    root: false,
    firstSeen: 0,
    lastSeen: 0,
    interface: 'eth0',
    connected: false,
    truncated: false,
    ...overrides
  }
}

/** An edge as auto-connect sees it. */
interface FakeEdge {
  id: string
  subscriptions: Set<string>
}

/** A fake node: dials are recorded and settled by the test; edges are plain objects. */
function setup(
  subscriptions: string[],
  { maxConnections = 5, clock }: { maxConnections?: number; clock?: Clock } = {}
) {
  const dials: { address: string; resolve: (id: string) => void; reject: (err: Error) => void }[] = []
  const discoveries: string[] = []
  const edges: FakeEdge[] = []
  const paired = new Set<string>()
  const host: AutoConnectHost<FakeEdge> = {
    id: 'self',
    subscriptions: new Set(subscriptions),
    maxConnections,
    get edges() {
      return edges
    },
    reconnects: [],
    running: true,
    pairedFor: (topic: string) => paired.has(topic),
    connectLearned: (address: string) =>
      new Promise<FakeEdge>((resolve, reject) =>
        dials.push({
          address,
          resolve: (id) => resolve({ id, subscriptions: new Set() }),
          reject: (err) => reject(err)
        })
      ),
    discover: ({ node }) => {
      discoveries.push(node.id)
      return Promise.resolve([])
    }
  }
  const peers = new Map<string, LanPeer>()
  const auto = new LanAutoConnect(host, () => peers, createLogger('test'), clock)
  const connectEdge = (id: string, topics: string[]): FakeEdge => {
    const edge = { id, subscriptions: new Set(topics) }
    edges.push(edge)
    return edge
  }
  return { auto, peers, dials, discoveries, edges, paired, connectEdge }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('LanAutoConnect', () => {
  it('dials one peer per uncovered topic, preferring the peer that shares the most, then the lowest id', () => {
    const { auto, peers, dials } = setup(['A', 'B', 'C'])
    for (const p of [peer('p3', ['A']), peer('p2', ['A', 'B']), peer('p1', ['A', 'B']), peer('p0', ['Z'])])
      peers.set(p.id, p)
    auto.evaluate()
    // p1 covers A and B (ties with p2, lower id wins); nobody shares C; p0 shares nothing.
    expect(dials.map((dial) => dial.address)).toEqual(['10.0.0.1:p1'])
  })

  it('never dials a peer twice while a dial is in flight, nor a topic already covered by an edge', () => {
    const { auto, peers, dials, connectEdge } = setup(['A', 'B'])
    peers.set('p1', peer('p1', ['A']))
    peers.set('p2', peer('p2', ['B']))
    connectEdge('other', ['B'])
    auto.evaluate()
    auto.evaluate()
    expect(dials.map((dial) => dial.address)).toEqual(['10.0.0.1:p1'])
  })

  it('respects maxConnections, counting edges and dials in flight', () => {
    const { auto, peers, dials, connectEdge } = setup(['A', 'B', 'C'], { maxConnections: 2 })
    connectEdge('e1', ['Z'])
    for (const [id, topic] of [
      ['p1', 'A'],
      ['p2', 'B'],
      ['p3', 'C']
    ] as const)
      peers.set(id, peer(id, [topic]))
    auto.evaluate()
    expect(dials).toHaveLength(1)
  })

  it('backs off a peer whose dial failed and tries another one meanwhile', async () => {
    const { auto, peers, dials } = setup(['A'])
    peers.set('p1', peer('p1', ['A']))
    peers.set('p2', peer('p2', ['A']))
    auto.evaluate()
    dials[0]!.reject(new Error('refused'))
    await settle()
    await settle()
    expect(dials.map((dial) => dial.address)).toEqual(['10.0.0.1:p1', '10.0.0.1:p2'])
    auto.stop()
  })

  it('does not dial an address that just failed again, whatever peer id announces it next', async () => {
    const { auto, peers, dials } = setup(['A'])
    const address = { ip: '10.0.0.9', port: 2224, address: '10.0.0.9:2224' }
    peers.set('fake-1', peer('fake-1', ['A'], address))
    auto.evaluate()
    dials[0]!.reject(new Error('refused'))
    await settle()
    auto.onPeerLost(peers.get('fake-1')!)
    peers.delete('fake-1')
    for (let i = 2; i < 50; i++) peers.set(`fake-${i}`, peer(`fake-${i}`, ['A'], address))
    auto.evaluate()
    await settle()
    expect(dials).toHaveLength(1)
    auto.stop()
  })

  it('leaves an address alone for minutes once the node there proved another key than its beacon claimed', async () => {
    // A forged beacon with a known peer's key id: each dial there is refused as a changed identity, and each one
    // would be reported again, so the address is not dialled on the usual 1 s .. 30 s backoff.
    const clock = new ManualClock()
    const { auto, peers, dials } = setup(['A'], { clock })
    const forged = peer('known-peer', ['A'], { ip: '10.0.0.7', port: 4000, address: '10.0.0.7:4000' })
    peers.set(forged.id, forged)
    auto.evaluate()
    expect(dials).toHaveLength(1)
    dials[0]!.reject(new IdentityMismatchError('another key', 'known-peer', 'forger'))
    await settle()
    expect(IDENTITY_MISMATCH_BACKOFF_MS).toBe(10 * 60_000)
    for (let minute = 1; minute < 10; minute++) {
      clock.advance(60_000)
      await settle()
      auto.evaluate()
    }
    expect(dials).toHaveLength(1)
    clock.advance(60_000)
    await settle()
    auto.evaluate()
    expect(dials).toHaveLength(2)
    auto.stop()
  })

  it('does not dial again a peer whose edge was closed deliberately, until it leaves the LAN', async () => {
    const { auto, peers, dials } = setup(['A'])
    const p1 = peer('p1', ['A'])
    peers.set('p1', p1)
    auto.onEdgeRemoved({ id: 'p1', subscriptions: new Set() }, 'closed-by-peer')
    await settle()
    auto.evaluate()
    expect(dials).toHaveLength(0)
    auto.onPeerLost(p1)
    auto.evaluate()
    expect(dials).toHaveLength(1)
    // An unexpected loss is the library's to retry, not a refusal.
    auto.onEdgeRemoved({ id: 'p9', subscriptions: new Set() }, 'lost')
  })

  it('runs discovery through a new edge that shares a topic we are not paired for, on either end', () => {
    const { auto, discoveries, paired, connectEdge } = setup(['A', 'B'])
    paired.add('A')
    auto.onEdgeAdded(connectEdge('shares-A', ['A']))
    auto.onEdgeAdded(connectEdge('shares-B', ['B']))
    auto.onEdgeAdded(connectEdge('shares-none', ['Z']))
    expect(discoveries).toEqual(['shares-B'])
  })

  it('skips peers with a protocol version we cannot speak', () => {
    const { auto, peers, dials } = setup(['A'])
    peers.set('old', peer('old', ['A'], { v: 0 }))
    auto.evaluate()
    expect(dials).toHaveLength(0)
  })
})
