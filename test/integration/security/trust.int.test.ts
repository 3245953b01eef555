// Trust policies over real sockets (issue #13): under tofu the first key seen at a peer's address is pinned and
// another key there later is refused and reported; pins can be seeded; a revoked peer's link closes and stays refused.
import { describe, expect, it } from 'vitest'
import type { ChaskiNode, ChaskiNodeEvents } from '../../../src/main/chaski/index'
import { useNodes } from '../../helpers/nodes'
import { nextEvent, waitFor } from '../../helpers/wait-for'

const createNode = useNodes({ reconnections: 0 })

function nodeEvent<K extends keyof ChaskiNodeEvents>(
  node: ChaskiNode,
  event: K
): Promise<ChaskiNodeEvents[K]> {
  return nextEvent(node as unknown as Parameters<typeof nextEvent<ChaskiNodeEvents[K]>>[0], event)
}

describe('trust policy tofu', () => {
  it('pins the first key at an address; another node there later is refused and reported', async () => {
    const a = await createNode({ name: 'a', trust: 'tofu' })
    const b = await createNode({ name: 'b' })
    const port = b.port
    await a.connect(b.address)
    expect(a.trustedPeers).toMatchObject([{ id: b.id, name: 'b', address: `127.0.0.1:${port}` }])
    await b.stop()
    await waitFor(() => a.edges.length === 0)
    const c = await createNode({ name: 'c', port })
    const changed = nodeEvent(a, 'identity-changed')
    const cRemoved = nodeEvent(c, 'edge-removed')
    await expect(a.connect(c.address)).rejects.toMatchObject({ name: 'IdentityMismatchError' })
    expect(await changed).toMatchObject({ expectedId: b.id, provenId: c.id, direction: 'outbound' })
    expect(a.edges).toEqual([])
    // c is told why (it had registered the link when it answered).
    expect(await cRemoved).toMatchObject({ reason: 'closed-by-peer', detail: 'identity-changed' })
  })

  it('an open node pins nothing and links with the new key', async () => {
    const a = await createNode({ name: 'a' })
    const b = await createNode({ name: 'b' })
    await a.connect(b.address)
    expect(a.trust).toBe('open')
    expect(a.trustedPeers).toEqual([])
  })

  it('pins given at start (trustedPeers) hold', async () => {
    const b = await createNode({ name: 'b' })
    const pinned = { id: 'x'.repeat(52), name: 'old', address: b.address, firstSeen: 1, lastSeen: 1 }
    const a = await createNode({ name: 'a', trust: 'tofu', trustedPeers: [pinned] })
    await expect(a.connect(b.address)).rejects.toMatchObject({ name: 'IdentityMismatchError' })
  })
})

describe('revoke', () => {
  it("closes the peer's link and refuses it from then on, both ways", async () => {
    const a = await createNode({ name: 'a' })
    const b = await createNode({ name: 'b' })
    await a.connect(b.address)
    await waitFor(() => b.edges.length === 1)
    await a.revoke(b.id)
    await waitFor(() => a.edges.length === 0 && b.edges.length === 0)
    await expect(b.connect(a.address)).rejects.toMatchObject({ reason: 'revoked' })
    await expect(a.connect(b.address)).rejects.toMatchObject({ reason: 'revoked' })
    expect(a.edges).toEqual([])
  })
})
