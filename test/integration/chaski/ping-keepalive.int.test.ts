// Spec §6 over real sockets: ping round trips, the latency estimate, overlapping pings, timeouts, keep-alive.
import { describe, expect, it } from 'vitest'
import type { RemovalReason } from '../../../src/main/chaski/index'
import { fakePeer } from '../../helpers/fake-peer'
import { useNodes } from '../../helpers/nodes'
import { tcpRelay } from '../../helpers/tcp-relay'
import { waitFor } from '../../helpers/wait-for'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

const createNode = useNodes({ secure: false, reconnections: 0 })

describe('ping', () => {
  it('resolves with the round trip in ms and updates latency (RTT/2) and raw samples', async () => {
    const a = await createNode()
    const b = await createNode({ name: 'B' })
    const edge = await a.connect(b)
    expect(edge.latency).toBeNull()
    const rtt = await a.ping(edge, { size: 0 })
    expect(rtt).toBeGreaterThan(0)
    expect(rtt).toBeLessThan(1_000)
    expect(edge.lastRtt).toBe(rtt)
    expect(edge.latency).toBeCloseTo(rtt / 2, 6)
    expect(edge.jitter).toBe(100)
    await a.ping(edge, { size: 1024 })
    expect(edge.rttSamples).toHaveLength(2)
    expect(edge.jitter!).toBeLessThan(100)
  })

  it('keeps at most the last 60 raw samples', async () => {
    const a = await createNode()
    const b = await createNode()
    const edge = await a.connect(b)
    for (let i = 0; i < 65; i++) await a.ping(edge)
    expect(edge.rttSamples).toHaveLength(60)
    expect(edge.rttSamples[59]).toBe(edge.lastRtt)
  })

  it('two (and fifty) overlapping pings on one edge all resolve and never drop the edge', async () => {
    const a = await createNode()
    const b = await createNode()
    const edge = await a.connect(b)
    const two = await Promise.all([a.ping(edge), a.ping(edge)])
    expect(two.every((ms) => ms > 0)).toBe(true)
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => a.ping(edge, { size: i * 10 })))
    expect(many).toHaveLength(50)
    expect(a.edges).toEqual([edge])
    expect(edge.open).toBe(true)
  })

  it('without an edge pings all and resolves with a Map edge -> ms', async () => {
    const hub = await createNode()
    const leaves = await Promise.all([1, 2, 3].map(() => createNode()))
    for (const leaf of leaves) await hub.connect(leaf)
    const results = await hub.ping()
    expect(results.size).toBe(3)
    for (const [edge, ms] of results) {
      expect(hub.edges).toContain(edge)
      expect(ms).toBeGreaterThan(0)
    }
  })

  it('emits latency events', async () => {
    const a = await createNode()
    const b = await createNode()
    const edge = await a.connect(b)
    const samples: number[] = []
    a.on('latency', ({ rttMs }) => samples.push(rttMs))
    await a.ping(edge)
    expect(samples).toHaveLength(1)
  })

  it('rejects with PingTimeoutError when the pong never comes (peer stopped answering)', async () => {
    const { server, port, close } = await fakePeer({ answerPings: false })
    try {
      const a = await createNode()
      const edge = await a.connect(`127.0.0.1:${port}`)
      await expect(a.ping(edge, { timeoutMs: 100 })).rejects.toMatchObject({ name: 'PingTimeoutError' })
      expect(a.edges).toHaveLength(1)
    } finally {
      await close()
    }
    expect(server.listening).toBe(false)
  })

  it('rejects with EdgeClosedError for an edge that is gone', async () => {
    const a = await createNode()
    const b = await createNode()
    const edge = await a.connect(b)
    await a.closeConnection(edge)
    await expect(a.ping(edge)).rejects.toMatchObject({ name: 'EdgeClosedError' })
  })
})

describe('keep-alive', () => {
  it('pings edges periodically (latency gets measured without explicit pings)', async () => {
    const a = await createNode({ keepAlive: true, keepAliveIntervalMs: 30 })
    const b = await createNode()
    const edge = await a.connect(b)
    await waitFor(() => edge.rttSamples.length >= 2, { message: 'keep-alive samples' })
    expect(edge.open).toBe(true)
  })

  it('closes an edge whose previous keep-alive ping is unanswered (reason keepalive-timeout)', async () => {
    const { port, close } = await fakePeer({ answerPings: false })
    try {
      const a = await createNode({ keepAlive: true, keepAliveIntervalMs: 30 })
      await a.connect(`127.0.0.1:${port}`)
      const reason = await new Promise<RemovalReason>((resolve) =>
        a.once('edge-removed', ({ reason }) => resolve(reason))
      )
      expect(reason).toBe('keepalive-timeout')
      expect(a.edges).toHaveLength(0)
    } finally {
      await close()
    }
  })
})

describe('a peer reconnecting over a half-open link', () => {
  /**
   * a — path — p, p dialled. The path goes half-open (a and p each keep their end, nothing passes); a sends a
   * keep-alive ping into it (lost); then p learns the connection is gone (an RST from the path) and reconnects
   * through it at once, and a's edge to p takes the new link (same initiator: it replaces the old one) while a's
   * keep-alive ping on the old link is still unanswered.
   */
  async function reconnectOverHalfOpenLink() {
    const a = await createNode({ name: 'a', keepAlive: true, keepAliveIntervalMs: 300 })
    const p = await createNode({ name: 'p', reconnections: 32, reconnectBaseMs: 10, reconnectCapMs: 50 })
    const path = await tcpRelay(a.port)
    await p.connect(`127.0.0.1:${path.port}`)
    await waitFor(() => a.edges.length === 1, { message: 'a lists p' })
    const edge = a.edges[0]!
    const removedOnA: RemovalReason[] = []
    const reconnectedOnA: boolean[] = []
    a.on('edge-removed', ({ reason }) => removedOnA.push(reason))
    a.on('edge-added', ({ reconnected }) => reconnectedOnA.push(reconnected))
    await waitFor(() => edge.rttSamples.length >= 1, { message: "a's first keep-alive round answered" })
    path.blackholeAll()
    await waitFor(() => path.droppedFromTarget > 0, { message: "a's next keep-alive ping lost in the path" })
    path.resetClients()
    await waitFor(() => path.piped >= 2 && p.edges.length === 1 && p.reconnects.length === 0, {
      message: 'p reconnected'
    })
    return { a, edge, removedOnA, reconnectedOnA }
  }

  it('keeps the new link through the next keep-alive rounds (the ping lost with the old link is forgotten)', async () => {
    const { a, edge, removedOnA } = await reconnectOverHalfOpenLink()
    const samples = edge.rttSamples.length
    // Three keep-alive rounds of a answered on the new link, unless a cuts it first.
    await waitFor(() => edge.rttSamples.length >= samples + 3 || removedOnA.length > 0, {
      timeoutMs: 15_000,
      message: 'three more keep-alive rounds'
    })
    expect(removedOnA).toEqual([])
    expect(a.edges).toEqual([edge])
  })

  it('the side whose edge took the new link reports the reconnection (edge-added, reconnected)', async () => {
    const { reconnectedOnA } = await reconnectOverHalfOpenLink()
    await waitFor(() => reconnectedOnA.includes(true), { message: "a reports p's reconnection (edge-added)" })
    expect(reconnectedOnA).toEqual([true])
  })
})
