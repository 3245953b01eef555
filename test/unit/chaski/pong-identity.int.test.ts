// Pongs in our layout are matched against the identity bytes of the last validated pong instead of being decoded
// (node.ts onPong). Whatever the peer's identity does, the edge must follow it exactly as with full decoding.
import { describe, expect, it } from 'vitest'
import { Edge } from '../../../src/main/chaski/edge'
import type { Link } from '../../../src/main/chaski/link'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const createNode = useNodes()

describe('pong identity fast path', () => {
  it('the edge follows renames and subscription changes between pings, and back again', async () => {
    const a = await createNode({ name: 'a', subscriptions: ['A'] })
    const b = await createNode({ name: 'b', subscriptions: ['A'] })
    const edge = await a.connect(b)
    for (let i = 0; i < 3; i++) await a.ping(edge)
    const steps: [string, string[]][] = [
      ['b2', ['A']],
      ['b2', ['A', 'B']],
      ['b', ['A', 'B']],
      ['b', ['A']]
    ]
    for (const [name, subscriptions] of steps) {
      b.name = name
      b.unsubscribe([...b.subscriptions].filter((topic) => !subscriptions.includes(topic)))
      b.subscribe(subscriptions)
      await waitFor(() => edge.name === name && edge.subscriptions.size === subscriptions.length)
      const rtt = await a.ping(edge)
      expect(rtt).toBeGreaterThan(0)
      expect([edge.name, [...edge.subscriptions].sort()]).toEqual([name, [...subscriptions].sort()])
    }
    expect(edge.rttSamples.length).toBe(3 + steps.length)
  })

  it('a change applied to an edge forgets the pong bytes it was matched against', () => {
    const link = { outbound: true, state: 'open' } as unknown as Link
    const edge = new Edge(
      { id: 'p', name: 'n', ip: '127.0.0.1', port: 1, subscriptions: ['A'], paired: false, root: false },
      link,
      '127.0.0.1',
      1
    )
    edge.pongIdentity = Buffer.from('earlier identity')
    expect(edge.refresh({ name: 'n', subscriptions: ['A'], paired: false })).toBe(false)
    expect(edge.pongIdentity).not.toBeNull()
    expect(edge.refresh({ name: 'other', subscriptions: ['A'], paired: false })).toBe(true)
    expect(edge.pongIdentity).toBeNull()
  })
})
