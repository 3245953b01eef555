// Edges whose peers subscribe to the same topics share one subscription set and repeated strings (memory per node,
// issue #12 item 3): what one peer changes must still show on its own edge only, over real sockets.
import { describe, expect, it } from 'vitest'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const node = useNodes()

describe('edges that share state', () => {
  it("a peer's new subscription shows on its edge only, not on an edge whose peer had the same topics", async () => {
    const hub = await node({ name: 'hub', subscriptions: ['A'] })
    const left = await node({ name: 'left', subscriptions: ['A'] })
    const right = await node({ name: 'right', subscriptions: ['A'] })
    await left.connect(hub)
    await right.connect(hub)
    await waitFor(() => hub.edges.length === 2, { message: 'hub lists both leaves' })
    const edgeOf = (id: string) => hub.edges.find((edge) => edge.id === id)!
    expect([...edgeOf(left.id).subscriptions]).toEqual(['A'])
    expect([...edgeOf(right.id).subscriptions]).toEqual(['A'])

    left.subscribe('B')
    await waitFor(() => edgeOf(left.id).subscriptions.has('B'), { message: "left's update reaches the hub" })
    expect([...edgeOf(left.id).subscriptions].sort()).toEqual(['A', 'B'])
    expect([...edgeOf(right.id).subscriptions]).toEqual(['A'])
    expect(edgeOf(right.id).wants('B')).toBe(false)
    // Each leaf's edge to the hub still names the hub (one shared copy of its id and name is fine).
    expect(left.edges[0]!.id).toBe(hub.id)
    expect(right.edges[0]!.name).toBe('hub')
  })

  it('an edge paired for a topic does not make another edge paired', async () => {
    const hub = await node({ name: 'hub', subscriptions: ['A'] })
    const left = await node({ name: 'left', subscriptions: ['A'] })
    const right = await node({ name: 'right', subscriptions: ['A'] })
    await left.connect(hub)
    await right.connect(hub)
    await waitFor(() => hub.edges.length === 2, { message: 'hub lists both leaves' })
    const results = await left.discovery({ timeoutMs: 5_000 })
    expect(results.map((r) => r.topic)).toEqual(['A'])
    await waitFor(() => left.paired, { message: 'left paired' })
    const paired = left.edges.filter((edge) => edge.paired)
    expect(paired.length).toBeLessThanOrEqual(1)
    expect(left.edges.filter((edge) => !edge.paired).every((edge) => edge.pairedTopics.size === 0)).toBe(true)
  })
})
