// The clock a node is given (option `clock`, src/main/chaski/clock.ts) is the one its timing decisions read, over
// real sockets: keep-alive rounds, round trips, edge dates. A test moves it by hand instead of sleeping.
import net from 'node:net'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { CLOSE_GRACE_MS } from '../../../src/main/chaski/constants'
import type { RemovalReason } from '../../../src/main/chaski/index'
import { fakePeer } from '../../helpers/fake-peer'
import { ManualClock } from '../../helpers/manual-clock'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const createNode = useNodes({ secure: false, reconnections: 0 })
const createSecureNode = useNodes({ secure: true, reconnections: 0 })
/** The first byte of a TLS record carrying a handshake message (what a TLS client sends first). */
const TLS_HANDSHAKE_RECORD = 0x16
const HOUR_MS = 3_600_000
/** The longest handshake timeout a node takes (10 minutes): far beyond what the test waits in real time. */
const LONG_HANDSHAKE_MS = 600_000

describe('a node given a clock', () => {
  it('dates its edges and measures round trips with that clock', async () => {
    const clock = new ManualClock()
    clock.advance(5_000)
    const a = await createNode({ clock })
    const b = await createNode()
    const edge = await a.connect(b)
    expect(edge.connectedAt).toBe(clock.epochMs())
    // The clock does not move while the pong travels: the round trip it measures is 0 ms.
    expect(await a.ping(edge)).toBe(0)
    expect(edge.lastRtt).toBe(0)
  })

  it('runs keep-alive rounds when its clock says so: an hour-long interval passes in no time', async () => {
    const clock = new ManualClock()
    const { port, close } = await fakePeer({ answerPings: false })
    try {
      const a = await createNode({ clock, keepAlive: true, keepAliveIntervalMs: HOUR_MS })
      await a.connect(`127.0.0.1:${port}`)
      const removed = new Promise<RemovalReason>((resolve) =>
        a.once('edge-removed', ({ reason }) => resolve(reason))
      )
      // Round one pings the silent peer; round two finds that ping unanswered and drops the edge.
      clock.advance(1.5 * HOUR_MS + 1)
      clock.advance(1.5 * HOUR_MS + 1)
      expect(await removed).toBe('keepalive-timeout')
      await waitFor(() => a.edges.length === 0, { message: 'the silent peer is dropped' })
    } finally {
      await close()
    }
  })

  it('drops an inbound TLS handshake that never finishes when its clock passes the handshake timeout', async () => {
    const clock = new ManualClock()
    const a = await createSecureNode({ clock, handshakeTimeoutMs: LONG_HANDSHAKE_MS })
    const refused = new Promise<string>((resolve) => a.once('peer-refused', ({ reason }) => resolve(reason)))
    const timersBefore = clock.pending
    // A peer that starts a TLS handshake (one byte of a record) and never says more.
    const socket = net.connect(a.port, '127.0.0.1')
    socket.on('error', () => {})
    await once(socket, 'connect')
    socket.write(Buffer.from([TLS_HANDSHAKE_RECORD]))
    const closed = new Promise((resolve) => socket.once('close', resolve))
    // The node holds it until its clock says the timeout is over (counted from the accept); real time does not count.
    await waitFor(() => clock.pending > timersBefore, {
      message: "the handshake's timer waits on the node's clock"
    })
    clock.advance(LONG_HANDSHAKE_MS / 2)
    await new Promise((resolve) => setImmediate(resolve))
    expect(socket.destroyed).toBe(false)
    clock.advance(LONG_HANDSHAKE_MS / 2 + 1)
    expect(await refused).toBe('secure-handshake')
    await closed
  })

  it('gives up a dial whose TLS handshake never finishes when its clock passes the handshake timeout', async () => {
    const clock = new ManualClock()
    // Accepts TCP connections and never answers the TLS client hello.
    const held: net.Socket[] = []
    const server = net.createServer((s) => held.push(s.on('error', () => {})))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const a = await createSecureNode({ clock, handshakeTimeoutMs: LONG_HANDSHAKE_MS })
      const port = (server.address() as net.AddressInfo).port
      const timersBefore = clock.pending
      const outcome = a.connect(`127.0.0.1:${port}`).then(
        () => 'connected',
        (error: Error) => error.message
      )
      // Two timers on the node's clock: the dial's deadline sweep, then the TLS handshake's.
      await waitFor(() => held.length === 1 && clock.pending >= timersBefore + 2, {
        message: "the TLS handshake's timer waits on the node's clock"
      })
      clock.advance(LONG_HANDSHAKE_MS + 1)
      expect(await outcome).toMatch(/TLS handshake .* did not finish within/)
    } finally {
      for (const s of held) s.destroy()
      server.close()
    }
  })

  it('destroys a link whose peer never closes its side once its clock passes the close grace period', async () => {
    const clock = new ManualClock()
    // A peer that reads our FIN and never sends its own (half-open), nor answers the handshake.
    const held: net.Socket[] = []
    let peerSawEnd = false
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      held.push(s.on('error', () => {}))
      s.on('end', () => (peerSawEnd = true))
      s.resume()
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const a = await createNode({ clock })
      const port = (server.address() as net.AddressInfo).port
      void a.connect(`127.0.0.1:${port}`).catch(() => {})
      await waitFor(() => held.length === 1, { message: 'the node dials the peer' })
      const timersBefore = clock.pending
      const stopped = a.stop()
      // Stopping ends every link gracefully; the half-open one is held for the grace period of the node's clock.
      await waitFor(() => peerSawEnd && clock.pending > timersBefore, {
        message: "the close grace period waits on the node's clock"
      })
      clock.advance(CLOSE_GRACE_MS + 1)
      // The node closed its socket then, and its stop() is done.
      await stopped
    } finally {
      for (const s of held) s.destroy()
      server.close()
    }
  })

  it('refuses a clock that is not one', async () => {
    await expect(createNode({ clock: { now: () => 0 } as never })).rejects.toThrow(/option 'clock'/)
  })
})
