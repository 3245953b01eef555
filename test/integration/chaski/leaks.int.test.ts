// No leaked handles: 200 nodes created at once with port 0 get distinct ports, and after stop() the process's
// active TCP/UDP/timer resources return to the baseline.
import { describe, expect, it } from 'vitest'
import { ChaskiNode } from '../../../src/main/chaski/index'
import { fakePeer } from '../../helpers/fake-peer'
import { waitFor } from '../../helpers/wait-for'
import '../../helpers/nodes'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

const KINDS = new Set(['TCPServerWrap', 'TCPSocketWrap', 'UDPWrap', 'Timeout'])

/** True when no kind has more live handles than at the baseline (the test runner's own timers come and go). */
function backToBaseline(baseline: Record<string, number>): boolean {
  const now = handles()
  return Object.keys(now).every((kind) => now[kind]! <= (baseline[kind] ?? 0))
}

function handles(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo())
    if (KINDS.has(kind)) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

describe('resource leaks', () => {
  it('200 nodes created at once get distinct ports and leave no handles after stop()', async () => {
    const baseline = handles()
    const nodes = Array.from(
      { length: 200 },
      (_, i) => new ChaskiNode({ secure: false, name: `n${i}`, keepAlive: true })
    )
    try {
      await Promise.all(nodes.map((node) => node.ready))
      expect(new Set(nodes.map((node) => node.port)).size).toBe(200)
      // Some traffic so links, ping timers and write batching are exercised too.
      for (let i = 1; i < 40; i++) await nodes[i]!.connect(nodes[0]!)
      await nodes[0]!.ping()
      void nodes[0]!.ping(nodes[0]!.edges[0]!, { timeoutMs: 60_000 }).catch(() => {})
      expect(handles().UDPWrap ?? 0).toBeGreaterThanOrEqual(200)
    } finally {
      await Promise.all(nodes.map((node) => node.stop()))
    }
    await waitFor(() => backToBaseline(baseline), {
      timeoutMs: 5_000,
      message: `handles back to baseline ${JSON.stringify(baseline)}`
    }).catch(() => {
      throw new Error(`leaked handles: ${JSON.stringify(handles())} vs baseline ${JSON.stringify(baseline)}`)
    })
  })

  it('stop() is idempotent and resolves only once every socket is closed', async () => {
    const a = new ChaskiNode({ secure: false, keepAlive: false })
    const b = new ChaskiNode({ secure: false, keepAlive: false })
    await Promise.all([a.ready, b.ready])
    await a.connect(b)
    const [first, second] = [a.stop(), a.stop()]
    expect(first).toBe(second)
    await first
    expect(a.status.serving).toBe(false)
    expect(a.edges).toHaveLength(0)
    await waitFor(() => b.edges.length === 0)
    await b.stop()
  })

  it('a connect() waiting for the winner of a duplicate race fails at once on stop(), leaving no timer', async () => {
    // The peer answers our handshake with `close {reason: 'duplicate'}` naming a link that never comes: connect()
    // then waits (up to handshakeTimeoutMs, here far beyond the test's timeout) for that peer's edge.
    const peer = await fakePeer({ answerPings: false, handshake: 'duplicate' })
    const baseline = handles()
    const node = new ChaskiNode({ secure: false, keepAlive: false, handshakeTimeoutMs: 600_000 })
    try {
      await node.ready
      let outcome: unknown = 'pending'
      const attempt = node.connect(`127.0.0.1:${peer.port}`).then(
        () => (outcome = 'resolved'),
        (error: Error) => (outcome = error)
      )
      await waitFor(() => peer.closedConnections === 1, { message: 'our side drops the duplicate link' })
      expect(outcome).toBe('pending')
      await node.stop()
      await attempt
      expect(outcome).toMatchObject({ name: 'NodeStoppedError' })
      await waitFor(() => backToBaseline(baseline), {
        timeoutMs: 5_000,
        message: `handles back to baseline ${JSON.stringify(baseline)}`
      }).catch(() => {
        throw new Error(
          `leaked handles: ${JSON.stringify(handles())} vs baseline ${JSON.stringify(baseline)}`
        )
      })
    } finally {
      await node.stop()
      await peer.close()
    }
  })

  it('a node stopped before it was ready releases everything', async () => {
    const baseline = handles()
    const nodes = Array.from({ length: 20 }, () => new ChaskiNode({ secure: false, keepAlive: true }))
    await Promise.all(nodes.map((node) => node.stop()))
    for (const node of nodes) await expect(node.ready).rejects.toMatchObject({ name: 'NodeStoppedError' })
    await waitFor(() => backToBaseline(baseline), { timeoutMs: 5_000 })
  })
})
