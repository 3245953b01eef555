// Spec §3 Ours: unexpected loss (peer SIGKILLed) is retried with backoff until the peer is back on the same
// port; deliberate closes (closeConnection, stop) are never undone; retries are bounded by `reconnections`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { ChaskiNode, RemovalReason } from '../../../src/main/chaski/index'
import { freePort } from '../../helpers/free-port'
import { useNodes } from '../../helpers/nodes'
import { PeerProcess } from '../../helpers/peer-handle'
import { tcpRelay } from '../../helpers/tcp-relay'
import { waitFor } from '../../helpers/wait-for'

const createNode = useNodes({ reconnectBaseMs: 50, reconnectCapMs: 400 })
const peers: PeerProcess[] = []

afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.kill()))
})

/** One identity per port: a peer restarted on its port is the same node (its key file), as after a reboot. */
const keyDir = mkdtempSync(path.join(tmpdir(), 'chaski-reconnection-'))
afterAll(() => rmSync(keyDir, { recursive: true, force: true }))

async function startPeer(port: number, name = 'child'): Promise<PeerProcess> {
  const peer = await PeerProcess.start({
    port,
    keyFile: path.join(keyDir, `peer-${port}.key`),
    name,
    subscriptions: ['t'],
    keepAlive: false,
    reconnections: 0
  })
  peers.push(peer)
  return peer
}

function track(node: ChaskiNode): {
  removed: RemovalReason[]
  attempts: number[]
  added: boolean[]
  gaveUp: number
} {
  const log = { removed: [] as RemovalReason[], attempts: [] as number[], added: [] as boolean[], gaveUp: 0 }
  node.on('edge-removed', ({ reason }) => log.removed.push(reason))
  node.on('reconnecting', ({ attempt }) => log.attempts.push(attempt))
  node.on('edge-added', ({ reconnected }) => log.added.push(reconnected))
  node.on('reconnect-gave-up', () => log.gaveUp++)
  return log
}

/** What a node decided when it lost its next edge: the removal reason, whether it said it would retry, and the
 * retries it holds right after (the same tick). A retry loop only starts there (connections.ts onClose), and a
 * started one is listed in `node.reconnects` and announced by 'reconnecting' before its first timer: an empty list
 * and no 'reconnecting' then mean no retry will ever come, without waiting out any backoff. */
function nextRemoval(
  node: ChaskiNode
): Promise<{ reason: RemovalReason; willReconnect: boolean; retrying: number; announced: number }> {
  let announced = 0
  const count = (): void => {
    announced++
  }
  node.on('reconnecting', count)
  return new Promise((resolve) =>
    node.once('edge-removed', ({ reason, willReconnect }) =>
      queueMicrotask(() => {
        node.off('reconnecting', count)
        resolve({ reason, willReconnect, retrying: node.reconnects.length, announced })
      })
    )
  )
}

const NO_RETRY = { willReconnect: false, retrying: 0, announced: 0 }

describe('reconnection', () => {
  it('reconnects after the peer is killed with SIGKILL and restarted on the same port', async () => {
    const port = await freePort()
    const first = await startPeer(port)
    const node = await createNode({ name: 'survivor', subscriptions: ['t'] })
    const log = track(node)
    const edge = await node.connect(`127.0.0.1:${port}`)
    await node.ping(edge)
    edge.pairedTopics.add('t')
    const removal = nextRemoval(node)
    await first.kill('SIGKILL')
    // The same probe the no-retry tests use sees a retry when there is one.
    expect(await removal).toEqual({ reason: 'lost', willReconnect: true, retrying: 1, announced: 1 })
    expect(log.removed).toEqual(['lost'])
    await waitFor(() => log.attempts.length >= 2, { message: 'retrying with backoff' })
    expect(node.status.reconnecting).toBe(true)
    const state = node.reconnects[0]!
    expect(state.port).toBe(port)
    expect(state.attempt).toBeGreaterThanOrEqual(1)
    const second = await startPeer(port)
    const back = await waitFor(() => node.edges[0], { timeoutMs: 15_000, message: 'edge back after restart' })
    expect(back.id).toBe(second.id)
    expect(log.added.at(-1)).toBe(true)
    expect(back.rttSamples.length).toBeGreaterThanOrEqual(1)
    expect(back.isPairedFor('t')).toBe(true)
    expect(node.reconnects).toHaveLength(0)
    expect(await node.ping(back)).toBeGreaterThan(0)
  })

  it('gives up after `reconnections` attempts', async () => {
    const port = await freePort()
    const peer = await startPeer(port)
    const node = await createNode({ reconnections: 3 })
    const log = track(node)
    await node.connect(`127.0.0.1:${port}`)
    await peer.kill('SIGKILL')
    await waitFor(() => log.gaveUp === 1, { timeoutMs: 15_000, message: 'gave up' })
    expect(log.attempts).toEqual([1, 2, 3])
    expect(node.reconnects).toHaveLength(0)
    expect(node.edges).toHaveLength(0)
  })

  it('a close by the peer (closeConnection) is not undone', async () => {
    const port = await freePort()
    const peer = await startPeer(port)
    const node = await createNode()
    const log = track(node)
    await node.connect(`127.0.0.1:${port}`)
    const removal = nextRemoval(node)
    peer.send({ cmd: 'close-all' })
    expect(await removal).toEqual({ reason: 'closed-by-peer', ...NO_RETRY })
    expect(log.attempts).toEqual([])
    expect(node.edges).toHaveLength(0)
  })

  it('a peer that stops (SIGTERM → stop()) is not retried', async () => {
    const port = await freePort()
    const peer = await startPeer(port)
    const node = await createNode()
    const log = track(node)
    await node.connect(`127.0.0.1:${port}`)
    const removal = nextRemoval(node)
    await peer.kill('SIGTERM')
    expect(await removal).toEqual({ reason: 'peer-stopped', ...NO_RETRY })
    expect(log.attempts).toEqual([])
    expect(node.status.reconnecting).toBe(false)
  })

  it('our own closeConnection is not undone by either side', async () => {
    const a = await createNode({ name: 'a' })
    const b = await createNode({ name: 'b' })
    const logA = track(a)
    const logB = track(b)
    const edge = await a.connect(b)
    const removals = [nextRemoval(a), nextRemoval(b)]
    await a.closeConnection(edge)
    expect(await Promise.all(removals)).toEqual([
      { reason: 'closed-by-us', ...NO_RETRY },
      { reason: 'closed-by-peer', ...NO_RETRY }
    ])
    expect(logA.attempts).toEqual([])
    expect(logB.attempts).toEqual([])
    expect(a.edges).toHaveLength(0)
    expect(b.edges).toHaveLength(0)
  })

  it('a socket reset is retried by the side that dialled, never by the other, and ends with one edge', async () => {
    const a = await createNode({ name: 'a' })
    const b = await createNode({ name: 'b' })
    const logA = track(a)
    const logB = track(b)
    // The path between them dies: a relay resets both ends of the connection (it keeps relaying new ones).
    const path = await tcpRelay(b.port)
    await a.connect(`127.0.0.1:${path.port}`)
    await waitFor(() => b.edges.length === 1)
    path.resetAll()
    await waitFor(() => logA.removed.length === 1)
    expect(logA.removed).toEqual(['lost'])
    await waitFor(
      () =>
        a.edges.length === 1 &&
        b.edges.length === 1 &&
        a.reconnects.length === 0 &&
        b.reconnects.length === 0,
      {
        message: 'one edge again on both sides'
      }
    )
    expect(await a.ping(a.edges[0]!)).toBeGreaterThan(0)
    expect(logA.attempts.length).toBeGreaterThanOrEqual(1)
    expect(logB.attempts).toEqual([])
  })
})
