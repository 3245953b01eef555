import { afterEach, describe, expect, test, vi } from 'vitest'
import { UpdateCoalescer } from '../../../src/main/host/update-coalescer'
import type { AppUpdate, NodeSnapshot, ReceivedMessage } from '../../../src/shared/snapshots'

afterEach(() => vi.useRealTimers())

function setup(intervalMs = 100) {
  const updates: AppUpdate[] = []
  const snapshotCalls: string[] = []
  const times: number[] = []
  const coalescer = new UpdateCoalescer(
    {
      snapshotNode: (id) => {
        snapshotCalls.push(id)
        return { id } as NodeSnapshot
      },
      graph: () => ({ nodes: [], links: [] }),
      preferences: () => ({ theme: 'system', recentAddresses: [] }),
      notices: () => []
    },
    (u) => {
      updates.push(u)
      times.push(Date.now())
    },
    intervalMs
  )
  return { coalescer, updates, snapshotCalls, times }
}

const message = (seq: number) => (): ReceivedMessage => ({
  seq,
  at: 0,
  nodeId: 'n',
  topic: 'A',
  fromName: 'x',
  fromAddress: '127.0.0.1:1',
  preview: String(seq)
})

describe('UpdateCoalescer', () => {
  test('a flood of changes over one second yields at most 10 updates, each node snapshotted once per update', () => {
    vi.useFakeTimers()
    const { coalescer, updates, snapshotCalls, times } = setup()
    for (let ms = 0; ms < 1000; ms++) {
      for (let i = 0; i < 20; i++) coalescer.nodeChanged('n1', false)
      coalescer.message(message(ms), 50)
      vi.advanceTimersByTime(1)
    }
    // Updates are at least 100 ms apart, so no one-second window holds more than 10.
    const gaps = times.slice(1).map((t, i) => t - times[i])
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100)
    expect(times.filter((t) => t < times[0] + 1000)).toHaveLength(10)
    expect(snapshotCalls.length).toBe(updates.length)
    // Pending messages are bounded: only the newest 50 per update reach the UI.
    expect(Math.max(...updates.map((u) => u.messages.length))).toBe(50)
    expect(updates.at(-1)?.messages.at(-1)?.preview).toBe('999')
  })

  test('a single change is delivered promptly, with the graph only when asked', () => {
    vi.useFakeTimers()
    const { coalescer, updates } = setup()
    coalescer.nodeChanged('n1', false)
    vi.advanceTimersByTime(0)
    expect(updates).toHaveLength(1)
    expect(updates[0].graph).toBeNull()
    vi.advanceTimersByTime(150)
    coalescer.nodeRemoved('n1')
    vi.advanceTimersByTime(0)
    expect(updates[1]).toMatchObject({ nodes: [], removedNodeIds: ['n1'], graph: { nodes: [], links: [] } })
  })

  test('close() drops pending changes and stops the timer', () => {
    vi.useFakeTimers()
    const { coalescer, updates } = setup()
    coalescer.nodeChanged('n1')
    coalescer.close()
    vi.advanceTimersByTime(1000)
    expect(updates).toHaveLength(0)
  })
})
