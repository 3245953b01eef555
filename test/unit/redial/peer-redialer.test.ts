// The redial rules with a stand-in node (an EventEmitter with the fields the redialer reads) and fake timers: which
// losses are dialled again and when, and which are left alone. The real thing, with processes, is tested in
// test/integration/host/host-memory.int.test.ts and test/integration/cli/node.int.test.ts.
import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { ChaskiNode, Edge } from '../../../src/main/chaski/index'
import { PeerRedialer, redialDelay } from '../../../src/main/redial/peer-redialer'

class StandInNode extends EventEmitter {
  running = true
  edges: Edge[] = []
  reconnects: {
    peerId: string
    ip: string
    port: number
    attempt: number
    maxAttempts: number
    nextAttemptAt: number
    lastError: string | null
  }[] = []
  dials: string[] = []
  /** What the next dials do: 'fail' rejects, 'link' makes an edge. */
  outcome: 'fail' | 'link' = 'fail'

  connect(address: string): Promise<Edge> {
    this.dials.push(address)
    if (this.outcome === 'fail') return Promise.reject(new Error(`connection refused by ${address}`))
    const edge = peerEdge(address)
    this.edges.push(edge)
    this.emit('edge-added', { edge, direction: 'outbound', reconnected: false })
    return Promise.resolve(edge)
  }

  drop(address: string, reason: string, willReconnect = false): void {
    const edge = this.edges.find((e) => e.address === address)!
    this.edges = this.edges.filter((e) => e !== edge)
    this.emit('edge-removed', { edge, reason, willReconnect })
  }
}

function peerEdge(address: string): Edge {
  const [ip, port] = address.split(':')
  return {
    id: `id-${port}`,
    name: `peer${port}`,
    ip,
    port: Number(port),
    address,
    connectedAt: 0
  } as unknown as Edge
}

const HUB = '127.0.0.1:8511'
let node: StandInNode
let redialer: PeerRedialer
let retries: { attempt: number; delayMs: number }[]

beforeEach(() => {
  vi.useFakeTimers()
  node = new StandInNode()
  retries = []
  redialer = new PeerRedialer(node as unknown as ChaskiNode, {
    random: () => 0.5, // no jitter: delays are exactly base × 2^(n-1), capped
    onRetry: (_address, attempt, delayMs) => retries.push({ attempt, delayMs })
  })
})
afterEach(() => {
  redialer.stop()
  vi.useRealTimers()
})

/** Lets the dial promises settle, then the timers due within `ms` run. */
async function elapse(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
}

describe('PeerRedialer', () => {
  test('a wanted peer is dialled at once, then with backoff (1, 2, 4... s, capped at 30 s) with no end', async () => {
    redialer.add(HUB)
    await elapse(0)
    expect(node.dials).toEqual([HUB])
    await elapse(60 * 60_000) // an hour of a peer that never comes back
    expect(retries.slice(0, 7).map((r) => r.delayMs)).toEqual([2000, 4000, 8000, 16000, 30000, 30000, 30000])
    expect(node.dials.length).toBeGreaterThan(100)
    expect(redialer.status(HUB)).toMatchObject({ kind: 'retrying', maxAttempts: null })
    node.outcome = 'link'
    await elapse(30_000)
    expect(redialer.status(HUB)).toMatchObject({ kind: 'connected' })
  })

  test('after a graceful stop of the peer (peer-stopped) it is dialled again; after the peer closed on purpose it is not', async () => {
    node.outcome = 'link'
    redialer.add(HUB)
    await elapse(0)
    node.outcome = 'fail'
    node.drop(HUB, 'peer-stopped')
    expect(redialer.status(HUB)).toMatchObject({ kind: 'retrying', attempt: 1 })
    await elapse(1000)
    expect(node.dials).toHaveLength(2)

    node.outcome = 'link'
    await elapse(2000)
    expect(redialer.status(HUB)).toMatchObject({ kind: 'connected' })
    node.drop(HUB, 'closed-by-peer')
    const dials = node.dials.length
    await elapse(60 * 60_000)
    expect(node.dials).toHaveLength(dials)
    expect(redialer.status(HUB)).toMatchObject({ kind: 'closed-by-peer' })
    redialer.dialNow(HUB) // the person asks: dialled again
    await elapse(0)
    expect(redialer.status(HUB)).toMatchObject({ kind: 'connected' })
  })

  test('while the library retries a loss itself it is followed, and taken over when the library gives up', async () => {
    node.outcome = 'link'
    redialer.add(HUB)
    await elapse(0)
    node.outcome = 'fail'
    const [ip, port] = HUB.split(':')
    const state = {
      peerId: 'id-8511',
      ip,
      port: Number(port),
      attempt: 3,
      maxAttempts: 32,
      nextAttemptAt: 5,
      lastError: null
    }
    node.drop(HUB, 'lost', true)
    node.emit('reconnecting', { peer: state, attempt: 3, delayMs: 1000 })
    expect(redialer.status(HUB)).toMatchObject({ kind: 'retrying', attempt: 3, maxAttempts: 32 })
    await elapse(60_000)
    expect(node.dials).toHaveLength(1) // the library dials, not us
    node.emit('reconnect-gave-up', { peer: { ...state, attempt: 32, lastError: 'refused' }, attempts: 32 })
    expect(redialer.status(HUB)).toMatchObject({ kind: 'retrying', maxAttempts: null, lastError: 'refused' })
    await elapse(1000)
    expect(node.dials).toHaveLength(2)
  })

  test('a peer let go is not dialled any more; a stopped redialer dials nothing', async () => {
    redialer.add(HUB)
    await elapse(0)
    redialer.remove(HUB)
    await elapse(10 * 60_000)
    expect(node.dials).toEqual([HUB])
    redialer.add('127.0.0.1:9')
    await elapse(0)
    redialer.stop()
    await elapse(10 * 60_000)
    expect(node.dials).toEqual([HUB, '127.0.0.1:9'])
  })

  test('the delay of attempt n', () => {
    expect([1, 2, 3, 6, 40].map((n) => redialDelay(n, 1000, 30_000, () => 0.5))).toEqual([
      1000, 2000, 4000, 30000, 30000
    ])
    expect(redialDelay(1, 1000, 30_000, () => 0)).toBe(800)
    expect(redialDelay(1, 1000, 30_000, () => 1)).toBe(1200)
  })
})
