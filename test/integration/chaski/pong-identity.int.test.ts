// Pongs in our layout are matched against the identity bytes of the last validated pong instead of being decoded
// (node-pings.ts onPong). Whatever the peer's identity does, the edge must follow it exactly as with full decoding.
import { describe, expect, it } from 'vitest'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { frame, mapOf, plain, RawPeer } from '../security/raw-peer'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

const createNode = useNodes({ secure: false })

/** Pong data in our layout (ping_id first, then the identity fields in identity.ts order), name as given. */
function pongData(id: string, name: string, port: number, pingId: number): Buffer {
  return mapOf([
    ['ping_id', plain(pingId)],
    ['id', plain(id)],
    ['name', plain(name)],
    ['ip', plain('127.0.0.1')],
    ['port', plain(port)],
    ['subscriptions', plain([])],
    ['paired', plain(false)],
    ['root', plain(false)]
  ])
}

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

  it('after an update changed the edge, a pong repeating the earlier identity is applied, not matched', async () => {
    const node = await createNode({ name: 'node' })
    const peer = await RawPeer.handshake(node.port, 'raw-peer', { claimPort: 40_001 })
    await waitFor(() => node.edges.length === 1)
    const edge = node.edges[0]!
    const names: string[] = []
    node.on('edge-updated', ({ edge: updated }) => names.push(updated.name))
    // A pong in our layout: its identity bytes are kept as the edge's last validated identity.
    await peer.write(frame('pong', 'All', pongData('raw-peer', 'x', 40_001, 1)))
    await waitFor(() => edge.name === 'x', { message: 'the first pong renamed the edge' })
    await peer.write(frame('update', 'All', plain({ name: 'y', subscriptions: [], paired: false })))
    await waitFor(() => edge.name === 'y', { message: 'the update renamed the edge' })
    // The same identity bytes as the first pong: they no longer describe the edge, so they must be applied.
    await peer.write(frame('pong', 'All', pongData('raw-peer', 'x', 40_001, 2)))
    await waitFor(() => edge.name === 'x', { message: 'the second pong renamed the edge back' })
    expect(names).toEqual(['x', 'y', 'x'])
    peer.destroy()
  })
})
