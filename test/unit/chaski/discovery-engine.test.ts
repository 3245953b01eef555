// DiscoveryEngine (discovery.ts) through its narrow host interface (DiscoveryHost): the echo wave of
// docs/PROTOCOL.md §5 as a node sees it, frame by frame, with a clock moved by hand. No sockets: the host records
// what the engine sends, dials and closes, and the test plays the other nodes' answers.
import { describe, expect, it } from 'vitest'
import type { DiscoveryData } from '../../../src/main/chaski/commands/discovery'
import type { DiscoveryAckData } from '../../../src/main/chaski/commands/discovery-ack'
import type { ReportPairedData } from '../../../src/main/chaski/commands/report-paired'
import { DiscoveryEngine, type DiscoveryHost } from '../../../src/main/chaski/discovery'
import { LinkedEdge } from '../../../src/main/chaski/linked-edge'
import type { DiscoveryResult } from '../../../src/main/chaski/events'
import { createLogger, setLogLevel } from '../../../src/main/chaski/index'
import { idleEdgeLink } from '../../helpers/idle-edge-link'
import { PairingState } from '../../../src/main/chaski/pairing'
import type { StatusResponse } from '../../../src/main/chaski/udp-status'
import { ManualClock } from '../../helpers/manual-clock'

setLogLevel('silent')

let nextPort = 9001

function edgeTo(id: string, subscriptions: string[] = []): LinkedEdge {
  const port = nextPort++
  const identity = { id, name: id, ip: '127.0.0.1', port, subscriptions, paired: false, root: false }
  return new LinkedEdge(identity, idleEdgeLink(true, port), '127.0.0.1', 1, Date.now())
}

interface Sent {
  to: string
  command: string
  data: Record<string, unknown>
  ttl: number
}

/** A node as DiscoveryEngine sees it, recording every effect. */
class RecordingHost implements DiscoveryHost {
  readonly id = 'me'
  readonly name = 'Me'
  readonly listenIp = '127.0.0.1'
  readonly port = 9000
  readonly ttl = 64
  root = false
  maxConnections = 1
  readonly hopWaitMs = 5_000
  readonly subscriptions: Set<string>
  readonly pairing: PairingState
  readonly log = createLogger('chaski:test')
  readonly clock = new ManualClock()
  edges: LinkedEdge[] = []
  readonly sent: Sent[] = []
  readonly closed: { id: string; reason: string }[] = []
  readonly dials: string[] = []
  readonly concludedResults: DiscoveryResult[] = []
  /** What requestStatus() answers (a rejection: no UDP answer). */
  status: () => Promise<StatusResponse> = () => Promise.reject(new Error('no answer'))
  /** The edge a dial of a discovery origin lands on. */
  dialled: LinkedEdge | null = null

  constructor(subscriptions: string[], paired = false) {
    this.subscriptions = new Set(subscriptions)
    this.pairing = new PairingState(paired, { subscriptions: this.subscriptions, onPairingChange: () => {} })
  }

  edgeList(): readonly LinkedEdge[] {
    return this.edges
  }

  edgeByAddress(ip: string, port: number): LinkedEdge | undefined {
    return this.edges.find((edge) => edge.ip === ip && edge.port === port)
  }

  send(edge: LinkedEdge, command: string, data: unknown, ttl: number): void {
    this.sent.push({ to: edge.id, command, data: data as Record<string, unknown>, ttl })
  }

  async connectToPeer(ip: string, port: number): Promise<LinkedEdge> {
    this.dials.push(`${ip}:${port}`)
    if (!this.dialled) throw new Error('unreachable')
    this.edges.push(this.dialled)
    return this.dialled
  }

  allowLearnedDial(): boolean {
    return true
  }

  requestStatus(): Promise<StatusResponse> {
    return this.status()
  }

  closeEdge(edge: LinkedEdge, reason: 'pair-disconnect' | 'pair-rejected'): void {
    this.closed.push({ id: edge.id, reason })
  }

  markEdgePaired(edge: LinkedEdge, topic: string): void {
    edge.pairedTopics.add(topic)
  }

  concluded(result: DiscoveryResult): void {
    this.concludedResults.push(result)
  }

  /** Frames of `command` sent so far. */
  frames(command: string): Sent[] {
    return this.sent.filter((frame) => frame.command === command)
  }
}

function ack(
  search: string,
  result: 'none' | 'pairing',
  more: Partial<DiscoveryAckData> = {}
): DiscoveryAckData {
  return { search, result, candidates: [], holders: 0, ...more }
}

/** A search for `topic` from origin 'origin' as this node receives it from `previous`. */
function search(topic: string, previous: string, more: Partial<DiscoveryData> = {}): DiscoveryData {
  return {
    search: 's1',
    topic,
    origin_id: 'origin',
    origin_name: 'Origin',
    origin_ip: '127.0.0.1',
    origin_port: 7000,
    previous_hop: previous,
    visited: ['origin'],
    on_pair: 'none',
    root_ip: '127.0.0.1',
    root_port: 7001,
    wait_ms: 10_000,
    ...more
  }
}

/** Lets the engine's awaited promises (status request, dial) settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

describe('DiscoveryEngine, as the origin of a search', () => {
  it('without edges, every subscription is paired at once (no-edges)', async () => {
    const host = new RecordingHost(['a', 'b'])
    const results = await new DiscoveryEngine(host).run({ via: null, onPair: 'none', timeoutMs: 1_000 })
    expect(results.map((r) => [r.topic, r.result])).toEqual([
      ['a', 'no-edges'],
      ['b', 'no-edges']
    ])
    expect(host.pairing.isPaired('a') && host.pairing.isPaired('b')).toBe(true)
    expect(host.sent).toEqual([])
  })

  it('a topic already shared with an edge is paired through it (already-paired), with no search', async () => {
    const host = new RecordingHost(['a'])
    const shared = edgeTo('peer', ['a'])
    host.edges = [shared]
    const [result] = await new DiscoveryEngine(host).run({ via: null, onPair: 'none', timeoutMs: 1_000 })
    expect(result).toMatchObject({ topic: 'a', result: 'already-paired', edge: shared })
    expect(shared.isPairedFor('a')).toBe(true)
    expect(host.pairing.rank('a')).toBe(1)
    expect(host.sent).toEqual([])
  })

  it('searches through every edge, each copy naming its own edge as root; all acks none → first-of-topic at once', async () => {
    const host = new RecordingHost(['t'])
    const [x, y] = [edgeTo('x'), edgeTo('y')]
    host.edges = [x, y]
    const engine = new DiscoveryEngine(host)
    const run = engine.run({ via: null, onPair: 'disconnect', timeoutMs: 8_000 })
    const copies = host.frames('discovery')
    expect(copies.map((copy) => [copy.to, copy.data['root_port'], copy.ttl])).toEqual([
      ['x', x.port, 64],
      ['y', y.port, 64]
    ])
    expect(copies[0]!.data).toMatchObject({
      topic: 't',
      origin_id: 'me',
      origin_ip: '127.0.0.1',
      origin_port: 9000,
      previous_hop: 'me',
      visited: ['me'],
      on_pair: 'disconnect',
      wait_ms: 8_000
    })
    expect(host.pairing.isPaired('t')).toBe(false)
    const id = copies[0]!.data['search'] as string
    engine.onAck(x, ack(id, 'none'))
    engine.onAck(y, ack(id, 'none'))
    const [result] = await run
    expect(result).toMatchObject({ topic: 't', result: 'first-of-topic', edge: null, elapsedMs: 0 })
    expect(host.pairing.isPaired('t')).toBe(true)
    expect(host.pairing.rank('t')).toBe(0)
    expect(host.clock.pending).toBe(0)
  })

  it('holders but no candidate → no-partner, with how many nodes hold the topic', async () => {
    const host = new RecordingHost(['t'])
    const x = edgeTo('x')
    host.edges = [x]
    const engine = new DiscoveryEngine(host)
    const run = engine.run({ via: x, onPair: 'none', timeoutMs: 8_000 })
    const id = host.frames('discovery')[0]!.data['search'] as string
    engine.onAck(x, ack(id, 'none', { holders: 3 }))
    expect((await run)[0]).toMatchObject({ result: 'no-partner', holders: 3 })
    expect(host.pairing.isPaired('t')).toBe(true)
  })

  it('among candidates keeps the lowest rank, rejects the other pairing edges, and takes rank + 1', async () => {
    const host = new RecordingHost(['t'])
    const [x, y] = [edgeTo('x'), edgeTo('y')]
    host.edges = [x, y]
    const engine = new DiscoveryEngine(host)
    const run = engine.run({ via: null, onPair: 'none', timeoutMs: 8_000 })
    const id = host.frames('discovery')[0]!.data['search'] as string
    const report = (rank: number): ReportPairedData => ({
      search: id,
      topic: 't',
      on_pair: 'none',
      root_ip: '127.0.0.1',
      root_port: x.port,
      rank
    })
    const [far, near] = [edgeTo('far', ['t']), edgeTo('near', ['t'])]
    host.edges.push(far, near)
    // The worse candidate's report arrives before the wave is done: held, not taken.
    engine.onReport(far, report(2))
    engine.onAck(x, ack(id, 'pairing', { candidates: [{ id: 'far', rank: 2, shared: 0 }] }))
    engine.onAck(y, ack(id, 'pairing', { candidates: [{ id: 'near', rank: 0, shared: 0 }] }))
    expect(host.closed).toEqual([])
    engine.onReport(near, report(0))
    const [result] = await run
    expect(result).toMatchObject({ result: 'paired', edge: near })
    expect(host.closed).toEqual([{ id: 'far', reason: 'pair-rejected' }])
    expect(near.isPairedFor('t')).toBe(true)
    expect(host.pairing.rank('t')).toBe(1)
  })

  it("with on_pair 'disconnect', the edge the search went through is closed once paired elsewhere", async () => {
    const host = new RecordingHost(['t'])
    const root = edgeTo('root')
    host.edges = [root]
    const engine = new DiscoveryEngine(host)
    const run = engine.run({ via: root, onPair: 'disconnect', timeoutMs: 8_000 })
    const id = host.frames('discovery')[0]!.data['search'] as string
    const partner = edgeTo('partner', ['t'])
    host.edges.push(partner)
    engine.onAck(root, ack(id, 'pairing', { candidates: [{ id: 'partner', rank: 0, shared: 1 }] }))
    engine.onReport(partner, {
      search: id,
      topic: 't',
      on_pair: 'disconnect',
      root_ip: root.ip,
      root_port: root.port,
      rank: 0
    })
    expect((await run)[0]).toMatchObject({ result: 'paired', edge: partner })
    expect(host.closed).toEqual([{ id: 'root', reason: 'pair-disconnect' }])
  })

  it('no answer by timeoutMs → timeout, and the node counts as paired (spec §4)', async () => {
    const host = new RecordingHost(['t'])
    const x = edgeTo('x')
    host.edges = [x]
    const run = new DiscoveryEngine(host).run({ via: x, onPair: 'none', timeoutMs: 3_000 })
    host.clock.advance(2_999)
    expect(host.concludedResults).toEqual([])
    host.clock.advance(1)
    expect((await run)[0]).toMatchObject({ result: 'timeout', elapsedMs: 3_000 })
    expect(host.pairing.isPaired('t')).toBe(true)
  })

  it('an edge that goes away counts as none', async () => {
    const host = new RecordingHost(['t'])
    const x = edgeTo('x')
    host.edges = [x]
    const engine = new DiscoveryEngine(host)
    const run = engine.run({ via: x, onPair: 'none', timeoutMs: 8_000 })
    host.edges = []
    engine.onEdgeRemoved(x)
    expect((await run)[0]).toMatchObject({ result: 'first-of-topic' })
  })
})

describe('DiscoveryEngine, relaying a search (unpaired node)', () => {
  it('forwards to every other edge with ttl − 1 and itself in visited; acks upstream once all answered, merging', async () => {
    const host = new RecordingHost(['t'])
    const [up, a, b, visited, origin] = [
      edgeTo('up'),
      edgeTo('a'),
      edgeTo('b'),
      edgeTo('seen'),
      edgeTo('origin')
    ]
    host.edges = [up, a, b, visited, origin]
    const engine = new DiscoveryEngine(host)
    engine.onDiscovery(up, search('t', 'up', { visited: ['origin', 'seen'], wait_ms: 4_000 }), 5)
    const forwarded = host.frames('discovery')
    expect(forwarded.map((f) => f.to)).toEqual(['a', 'b'])
    expect(forwarded[0]!.ttl).toBe(4)
    expect(forwarded[0]!.data).toMatchObject({
      previous_hop: 'me',
      visited: ['origin', 'seen', 'me'],
      wait_ms: 3_600
    })
    engine.onAck(a, ack('s1', 'pairing', { candidates: [{ id: 'c', rank: 1, shared: 0 }], holders: 1 }))
    expect(host.frames('discovery_ack')).toEqual([])
    engine.onAck(b, ack('s1', 'none', { holders: 2 }))
    // This node holds the topic too (unpaired): it counts itself among the holders.
    expect(host.frames('discovery_ack')).toEqual([
      {
        to: 'up',
        command: 'discovery_ack',
        ttl: 0,
        data: { search: 's1', result: 'pairing', candidates: [{ id: 'c', rank: 1, shared: 0 }], holders: 4 }
      }
    ])
  })

  it('children that never answer count as none after the hop wait (min of wait_ms and hopWaitMs)', async () => {
    const host = new RecordingHost([])
    const [up, a] = [edgeTo('up'), edgeTo('a')]
    host.edges = [up, a]
    const engine = new DiscoveryEngine(host)
    engine.onDiscovery(up, search('t', 'up', { wait_ms: 2_000 }), 5)
    host.clock.advance(1_999)
    expect(host.frames('discovery_ack')).toEqual([])
    host.clock.advance(1)
    expect(host.frames('discovery_ack').map((f) => [f.to, f.data['result'], f.data['holders']])).toEqual([
      ['up', 'none', 0]
    ])
  })

  it('a dead end (no other edge, or ttl spent) acks none at once; a search seen before is acked none', async () => {
    const host = new RecordingHost(['t'])
    const [up, other] = [edgeTo('up'), edgeTo('other')]
    host.edges = [up, other]
    const engine = new DiscoveryEngine(host)
    engine.onDiscovery(up, search('t', 'up', { search: 'ttl-spent' }), 1)
    engine.onDiscovery(up, search('t', 'up', { search: 'mine', visited: ['origin', 'me'] }), 5)
    engine.onDiscovery(up, search('t', 'up', { search: 'twice' }), 5)
    engine.onDiscovery(other, search('t', 'other', { search: 'twice' }), 5)
    expect(host.frames('discovery_ack').map((f) => [f.to, f.data['search'], f.data['result']])).toEqual([
      ['up', 'ttl-spent', 'none'],
      ['up', 'mine', 'none'],
      ['other', 'twice', 'none']
    ])
    expect(host.frames('discovery').map((f) => [f.to, f.data['search']])).toEqual([['other', 'twice']])
  })
})

describe('DiscoveryEngine, answering as a paired node', () => {
  it('an origin already paired for the topic (its UDP status says so) is declined; the node counts as a holder', async () => {
    const host = new RecordingHost(['t'], true)
    const up = edgeTo('up')
    host.edges = [up]
    host.status = async () => ({
      id: 'r',
      name: 'Origin',
      paired: { t: true },
      serving: true,
      reconnecting: false
    })
    new DiscoveryEngine(host).onDiscovery(up, search('t', 'up'), 5)
    await settle()
    expect(host.frames('discovery_ack').map((f) => [f.data['result'], f.data['holders']])).toEqual([
      ['none', 1]
    ])
    expect(host.dials).toEqual([])
  })

  it('no UDP answer from the origin: it acks pairing with its own rank, connects anyway and reports that rank', async () => {
    const host = new RecordingHost(['t'], true)
    host.pairing.setUnpaired('t')
    host.pairing.setPaired('t', 2)
    const up = edgeTo('up')
    host.edges = [up]
    host.dialled = edgeTo('origin', ['t'])
    new DiscoveryEngine(host).onDiscovery(up, search('t', 'up', { on_pair: 'disconnect' }), 5)
    await settle()
    expect(host.frames('discovery_ack').map((f) => f.data)).toEqual([
      { search: 's1', result: 'pairing', candidates: [{ id: 'me', rank: 2, shared: 0 }], holders: 0 }
    ])
    expect(host.dials).toEqual(['127.0.0.1:7000'])
    expect(host.frames('report_paired')).toEqual([
      {
        to: 'origin',
        command: 'report_paired',
        ttl: 64,
        data: {
          search: 's1',
          topic: 't',
          on_pair: 'disconnect',
          root_ip: '127.0.0.1',
          root_port: 7001,
          rank: 2
        }
      }
    ])
    expect(host.dialled.isPairedFor('t')).toBe(true)
  })

  it('a node holding maxConnections edges that share the topic declines', async () => {
    const host = new RecordingHost(['t'], true)
    const up = edgeTo('up', ['t'])
    host.edges = [up]
    host.dialled = edgeTo('origin', ['t'])
    new DiscoveryEngine(host).onDiscovery(up, search('t', 'up'), 5)
    await settle()
    expect(host.frames('discovery_ack').map((f) => f.data['result'])).toEqual(['none'])
    expect(host.dials).toEqual([])
  })
})
