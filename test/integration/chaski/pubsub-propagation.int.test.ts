// Spec §7 publish/subscribe and spec §6 propagation (TTL, duplicate suppression) on a ring of nodes.
import { describe, expect, it } from 'vitest'
import type { ChaskiNode } from '../../../src/main/chaski/index'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const createNode = useNodes({ reconnections: 0 })

function collect(node: ChaskiNode): { topic: string; data: unknown; from: string }[] {
  const received: { topic: string; data: unknown; from: string }[] = []
  node.on('message', ({ topic, data, from }) => received.push({ topic, data, from: from.name }))
  return received
}

describe('publish / subscribe', () => {
  it('subscribers get the message, others do not', async () => {
    const publisher = await createNode({ name: 'pub' })
    const fan = await createNode({ subscriptions: ['news'] })
    const other = await createNode({ subscriptions: ['sport'] })
    await publisher.connect(fan)
    await publisher.connect(other)
    const fanGot = collect(fan)
    const otherGot = collect(other)
    const sent = await publisher.publish('news', { headline: 'hello', n: 1 })
    expect(sent).toBe(1)
    await waitFor(() => fanGot.length === 1)
    expect(fanGot[0]).toEqual({ topic: 'news', data: { headline: 'hello', n: 1 }, from: 'pub' })
    // A later message to 'sport' arrives, so the earlier 'news' one would have arrived at 'other' too.
    await publisher.publish('sport', 'goal')
    await waitFor(() => otherGot.length === 1)
    expect(otherGot).toEqual([{ topic: 'sport', data: 'goal', from: 'pub' }])
  })

  it('a root node receives every topic', async () => {
    const publisher = await createNode()
    const root = await createNode({ root: true })
    await publisher.connect(root)
    const got = collect(root)
    await publisher.publish('anything', 42)
    await waitFor(() => got.length === 1)
    expect(got[0]!.data).toBe(42)
  })

  it('delivers binary payloads and many messages in order', async () => {
    const a = await createNode()
    const b = await createNode({ subscriptions: ['bin'] })
    await a.connect(b)
    const got = collect(b)
    for (let i = 0; i < 500; i++) void a.publish('bin', Buffer.from([i & 255, i >> 8]))
    await waitFor(() => got.length === 500)
    got.forEach((message, i) => expect([...(message.data as Uint8Array)]).toEqual([i & 255, i >> 8]))
  })

  it('a custom serializer/deserializer pair is used for bodies', async () => {
    const serializer = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value))
    const deserializer = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8'))
    const a = await createNode({ serializer, deserializer })
    const b = await createNode({ serializer, deserializer, subscriptions: ['j'] })
    await a.connect(b)
    const got = collect(b)
    await a.publish('j', { json: true })
    await waitFor(() => got.length === 1)
    expect(got[0]!.data).toEqual({ json: true })
    expect(await a.ping(a.edges[0]!)).toBeGreaterThan(0)
  })

  it('rejects invalid topics', async () => {
    const a = await createNode()
    await expect(a.publish('', 1)).rejects.toMatchObject({ name: 'InvalidOptionError' })
    await expect(a.publish('All', 1)).rejects.toMatchObject({ name: 'InvalidOptionError' })
  })
})

describe('propagation on a ring', () => {
  async function ring(size: number, options: { ttl: number }): Promise<ChaskiNode[]> {
    const nodes: ChaskiNode[] = []
    for (let i = 0; i < size; i++) {
      nodes.push(
        await createNode({ name: `r${i}`, subscriptions: ['T'], messagePropagation: true, ttl: options.ttl })
      )
    }
    for (let i = 0; i < size; i++) await nodes[i]!.connect(nodes[(i + 1) % size]!)
    return nodes
  }

  it('every node gets a message exactly once (duplicates suppressed around the ring)', async () => {
    const nodes = await ring(6, { ttl: 64 })
    const received = nodes.map(collect)
    await nodes[0]!.publish('T', 'round')
    await waitFor(() => received.slice(1).every((list) => list.length >= 1))
    // Let the two directions meet and the duplicates come back: a later marker message proves all arrived.
    await nodes[0]!.publish('T', 'marker')
    await waitFor(() => received.slice(1).every((list) => list.some((m) => m.data === 'marker')))
    for (const list of received.slice(1)) expect(list.filter((m) => m.data === 'round')).toHaveLength(1)
    expect(received[0]).toHaveLength(0)
  })

  it('ttl bounds the hops: ttl 2 reaches nodes at most 2 hops away', async () => {
    const nodes = await ring(8, { ttl: 2 })
    const received = nodes.map(collect)
    await nodes[0]!.publish('T', 'near')
    // Nodes 1, 2 (one way) and 7, 6 (other way) are within 2 hops; 3, 4, 5 are not.
    await waitFor(() => [1, 2, 6, 7].every((i) => received[i]!.length === 1))
    await nodes[4]!.publish('T', 'probe', { ttl: 1 })
    await waitFor(
      () => received[3]!.some((m) => m.data === 'probe') && received[5]!.some((m) => m.data === 'probe')
    )
    expect(received[3]!.map((m) => m.data)).toEqual(['probe'])
    expect(received[5]!.map((m) => m.data)).toEqual(['probe'])
    expect(received[4]).toHaveLength(0)
  })

  it('without propagation a message goes one hop only', async () => {
    const a = await createNode({ subscriptions: ['T'] })
    const b = await createNode({ subscriptions: ['T'] })
    const c = await createNode({ subscriptions: ['T'] })
    await a.connect(b)
    await b.connect(c)
    const atC = collect(c)
    const atB = collect(b)
    await a.publish('T', 'x')
    await waitFor(() => atB.length === 1)
    await b.publish('T', 'from-b')
    await waitFor(() => atC.length === 1)
    expect(atC[0]!.data).toBe('from-b')
  })
})
