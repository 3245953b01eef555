// Issue #13: a revocation can be taken back (node.unrevoke). The peer is then an unknown peer again and the node's
// policy decides at its next link, over real sockets: tofu links and pins it again, approve holds it pending with a
// comparison code (also when the person had rejected it just before revoking it), open links.
import { describe, expect, it } from 'vitest'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const createNode = useNodes({ reconnections: 0 })

describe('unrevoke', () => {
  it('tofu: a revoked peer is refused; once unrevoked it links and is pinned again', async () => {
    const desk = await createNode({ name: 'desk', trust: 'tofu' })
    const laptop = await createNode({ name: 'laptop' })
    await laptop.connect(desk.address)
    await waitFor(() => desk.trustedPeers.some((p) => p.id === laptop.id), { message: 'pinned' })
    await desk.revoke(laptop.id)
    expect(desk.revokedPeers).toEqual([laptop.id])
    await expect(laptop.connect(desk.address)).rejects.toMatchObject({ reason: 'revoked' })

    expect(desk.unrevoke(laptop.id)).toBe(true)
    expect(desk.unrevoke(laptop.id)).toBe(false)
    expect(desk.revokedPeers).toEqual([])
    const edge = await laptop.connect(desk.address)
    expect(edge.id).toBe(desk.id)
    await waitFor(() => desk.trustedPeers.some((p) => p.id === laptop.id), { message: 'pinned again' })
  })

  it('approve: an unrevoked peer waits as pending again, even one rejected just before it was revoked', async () => {
    const gate = await createNode({ name: 'gate', trust: 'approve' })
    const visitor = await createNode({ name: 'visitor' })
    const first = visitor.connect(gate.address)
    first.catch(() => undefined)
    await waitFor(() => gate.pendingPeers().find((p) => p.id === visitor.id), { message: 'pending' })
    gate.rejectPeer(visitor.id)
    await expect(first).rejects.toMatchObject({ reason: 'rejected' })
    await gate.revoke(visitor.id)
    await expect(visitor.connect(gate.address)).rejects.toMatchObject({ reason: 'revoked' })

    gate.unrevoke(visitor.id)
    const again = visitor.connect(gate.address)
    again.catch(() => undefined)
    const pending = await waitFor(() => gate.pendingPeers().find((p) => p.id === visitor.id), {
      message: 'pending again after unrevoke'
    })
    expect(pending.code).toMatch(/^\d{3} \d{3}$/)
    expect(gate.edges).toEqual([])
    gate.acceptPeer(visitor.id)
    expect((await again).id).toBe(gate.id)
  })
})
