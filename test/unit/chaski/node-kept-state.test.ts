// What a node keeps (issue #12, memory per node): like nodes share what they can, and nothing is kept twice.
// Behaviour is unchanged: each assertion here is something the public API shows.
import { afterEach, describe, expect, it } from 'vitest'
import { ChaskiNode } from '../../../src/main/chaski/index'

const nodes: ChaskiNode[] = []

function node(options: ConstructorParameters<typeof ChaskiNode>[0]): ChaskiNode {
  const made = new ChaskiNode({ secure: false, run: false, ...options })
  nodes.push(made)
  return made
}

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((each) => each.stop()))
})

describe('what a node keeps', () => {
  it('nodes started alike share one set of topics, until one of them changes its own', () => {
    const a = node({ name: 'a', subscriptions: ['A'] })
    const b = node({ name: 'b', subscriptions: ['A'] })
    expect(a.subscriptions).toBe(b.subscriptions)
    a.subscribe('B')
    expect(a.subscriptions).not.toBe(b.subscriptions)
    expect([...b.subscriptions]).toEqual(['A'])
  })

  it('start() answers the node’s ready promise: one promise per node', async () => {
    const a = node({})
    const started = a.start()
    expect(started).toBe(a.ready)
    expect(a.start()).toBe(a.ready)
    await started
    expect(a.running).toBe(true)
  })

  it('start() after stop() still rejects, and a failed start rejects start() and ready alike', async () => {
    const a = node({})
    await a.stop()
    await expect(a.start()).rejects.toMatchObject({ name: 'NodeStoppedError' })
    const first = node({ run: true })
    await first.ready
    const taken = node({ port: first.port })
    const error = await taken.start().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    await expect(taken.ready).rejects.toBe(error)
  })
})
