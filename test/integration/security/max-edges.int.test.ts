// Issue #11 row 5: 300 peers completing the handshake were all accepted and kept. Now a node keeps at most
// `maxEdges` edges (default 256); a new peer beyond it gets `close {reason: 'too-many-edges'}`, and a ChaskiNode
// on the other side a clear ConnectionRefusedError (docs/PROTOCOL.md §10).
import { describe, expect, it } from 'vitest'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { frame, handshakeData, plain, RawPeer } from './raw-peer'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

const createNode = useNodes({ secure: false, reconnections: 0 })
const DEFAULT_MAX_EDGES = 256

/** Connects and sends a handshake as `id`; resolves with the peer once it was answered or closed. */
async function introduce(port: number, id: string, claimPort: number): Promise<RawPeer> {
  const peer = await RawPeer.connect(port)
  await peer.write(frame('handshake', 'All', plain(handshakeData(id, claimPort))))
  await waitFor(() => peer.received('handshake_back').length > 0 || peer.closed, {
    message: `an answer to ${id}'s handshake`
  })
  return peer
}

describe('maxEdges', () => {
  it(`keeps at most ${DEFAULT_MAX_EDGES} edges by default and refuses the rest with a clear reason`, async () => {
    const node = await createNode()
    const peers: RawPeer[] = []
    for (let batch = 0; batch < 6; batch++) {
      peers.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            introduce(node.port, `peer-${batch * 50 + i}`, 30_000 + batch * 50 + i)
          )
        ))
      )
    }
    expect(node.edges).toHaveLength(DEFAULT_MAX_EDGES)
    const refused = peers.filter((peer) => peer.received('handshake_back').length === 0)
    expect(refused).toHaveLength(300 - DEFAULT_MAX_EDGES)
    expect(refused.every((peer) => peer.closeReason === 'too-many-edges')).toBe(true)

    // A ChaskiNode on the other side gets a clear error.
    const late = await createNode({ name: 'late' })
    await expect(late.connect(`127.0.0.1:${node.port}`)).rejects.toMatchObject({
      name: 'ConnectionRefusedError',
      reason: 'too-many-edges',
      message: expect.stringMatching(/maxEdges/)
    })

    // Room again once an edge goes.
    peers[0]!.destroy()
    await waitFor(() => node.edges.length === DEFAULT_MAX_EDGES - 1)
    const edge = await late.connect(`127.0.0.1:${node.port}`)
    expect(await late.ping(edge)).toBeGreaterThan(0)
    for (const peer of peers) peer.destroy()
  })

  it('is an option: a node with maxEdges 2 refuses the third peer, and will not dial past it either', async () => {
    const node = await createNode({ maxEdges: 2 })
    const others = await Promise.all([1, 2, 3].map((i) => createNode({ name: `other-${i}` })))
    await others[0]!.connect(node)
    await others[1]!.connect(node)
    await expect(others[2]!.connect(node)).rejects.toMatchObject({ reason: 'too-many-edges' })
    await expect(node.connect(others[2]!)).rejects.toMatchObject({ name: 'TooManyEdgesError' })
    expect(node.edges).toHaveLength(2)
  })
})
