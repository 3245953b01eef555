// docs/PROTOCOL.md §3a "Approve", the dialler's side: a dial answered by a node that holds the dialler (policy
// approve) holds the dialler too. Over real sockets: the held dial takes one of the DIALLER's pending places (4 per
// source address, the acceptor's), its connect() stays unresolved until a decision or a deadline, and the dialler's own
// pendingTimeoutMs ends it with HandshakeTimeoutError.
import { describe, expect, it } from 'vitest'
import { MAX_PENDING_PEERS_PER_SOURCE } from '../../../src/main/chaski/constants'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const createNode = useNodes({ reconnections: 0 })

describe('approve, the dialler side', () => {
  it("held dials take the dialler's pending places: the 5th to approve nodes at one address is refused by the dialler itself", async () => {
    const dialler = await createNode({ name: 'dialler', trust: 'tofu' })
    const gates = await Promise.all(
      Array.from({ length: MAX_PENDING_PEERS_PER_SOURCE + 1 }, (_, i) =>
        createNode({ name: `gate${i}`, trust: 'approve' })
      )
    )
    const held = gates.slice(0, MAX_PENDING_PEERS_PER_SOURCE).map((gate) => {
      const dial = dialler.connect(gate.address)
      dial.catch(() => undefined)
      return dial
    })
    await waitFor(() => dialler.pendingPeers().length === MAX_PENDING_PEERS_PER_SOURCE, {
      message: 'the dialler holding 4 dials'
    })
    expect(dialler.pendingPeers().every((p) => p.accepted && !p.peerAccepted)).toBe(true)
    await expect(dialler.connect(gates[MAX_PENDING_PEERS_PER_SOURCE]!.address)).rejects.toMatchObject({
      reason: 'too-many-pending'
    })
    // A decision frees the place: the accepted dial resolves with its edge.
    gates[0]!.acceptPeer(dialler.id)
    expect((await held[0]!).id).toBe(gates[0]!.id)
    gates[1]!.rejectPeer(dialler.id)
    await expect(held[1]).rejects.toMatchObject({ reason: 'rejected' })
  })

  it("the dialler's own pendingTimeoutMs ends a held dial with HandshakeTimeoutError", async () => {
    const dialler = await createNode({ name: 'dialler', trust: 'tofu', pendingTimeoutMs: 1000 })
    const gate = await createNode({ name: 'gate', trust: 'approve' }) // its own deadline: the default 5 min
    const started = Date.now()
    await expect(dialler.connect(gate.address)).rejects.toMatchObject({ name: 'HandshakeTimeoutError' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    await waitFor(() => gate.pendingPeers().length === 0, { message: "the gate's pending entry gone" })
  })
})
