// Trust policy approve with LAN auto-connect (issue #13): a beacon is only a claim, so the link auto-connect dials is
// held pending like any other; the two nodes link once both users accept, and then pair by their shared topic.
import { describe, expect, it } from 'vitest'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { uniqueBeaconEndpoint } from '../lan/lan-test-env'

const createNode = useNodes({ reconnections: 0 })

describe('trust policy approve with LAN auto-connect', () => {
  it('the auto-connected link waits as pending on both sides until both accept', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const lan = { group: endpoint.group, port: endpoint.port, autoConnect: true }
    const a = await createNode({ name: 'a', trust: 'approve', subscriptions: ['T'], lan })
    const b = await createNode({ name: 'b', trust: 'approve', subscriptions: ['T'], lan })
    const [onA, onB] = await waitFor(
      () => {
        const pair = [a.pendingPeers()[0], b.pendingPeers()[0]]
        return pair[0] && pair[1] ? pair : undefined
      },
      { message: 'both nodes to hold the auto-connected peer' }
    )
    expect(onA).toMatchObject({ id: b.id, accepted: false })
    expect(onB).toMatchObject({ id: a.id, accepted: false })
    expect(onA!.code).toBe(onB!.code)
    expect(a.edges).toEqual([])
    expect(b.edges).toEqual([])
    a.acceptPeer(b.id)
    b.acceptPeer(a.id)
    await waitFor(() => a.edges.length === 1 && b.edges.length === 1)
    await waitFor(() => a.pairedFor('T') && b.pairedFor('T'), { message: 'pairing over the accepted link' })
  })
})
