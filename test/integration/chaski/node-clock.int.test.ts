// The clock a node is given (option `clock`, src/main/chaski/clock.ts) is the one its timing decisions read, over
// real sockets: keep-alive rounds, round trips, edge dates. A test moves it by hand instead of sleeping.
import { describe, expect, it } from 'vitest'
import type { RemovalReason } from '../../../src/main/chaski/index'
import { fakePeer } from '../../helpers/fake-peer'
import { ManualClock } from '../../helpers/manual-clock'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const createNode = useNodes({ secure: false, reconnections: 0 })
const HOUR_MS = 3_600_000

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

  it('refuses a clock that is not one', async () => {
    await expect(createNode({ clock: { now: () => 0 } as never })).rejects.toThrow(/option 'clock'/)
  })
})
