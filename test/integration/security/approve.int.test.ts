// Trust policy approve over real sockets (issue #13, docs/PROTOCOL.md §3a "Approve"): a peer whose key the user has
// not accepted waits as a pending peer (TLS and the identity check done, no edge, no data) with a comparison code
// both sides show, until both sides admit each other; reject, the deadline, the bounds on pending peers, a peer
// misbehaving while pending, revoke after accept, and an approve node with a tofu node.
import { describe, expect, it } from 'vitest'
import type { ChaskiNode, ChaskiNodeEvents, PendingPeer } from '../../../src/main/chaski/index'
import { MAX_PENDING_PEERS, MAX_PENDING_PEERS_PER_SOURCE } from '../../../src/main/chaski/constants'
import { useNodes } from '../../helpers/nodes'
import { nextEvent, waitFor } from '../../helpers/wait-for'
import { frame, plain, RawPeer } from './raw-peer'

const createNode = useNodes({ reconnections: 0 })

function nodeEvent<K extends keyof ChaskiNodeEvents>(
  node: ChaskiNode,
  event: K,
  timeoutMs = 10_000
): Promise<ChaskiNodeEvents[K]> {
  return nextEvent(node as unknown as Parameters<typeof nextEvent<ChaskiNodeEvents[K]>>[0], event, timeoutMs)
}

/** Every event of one kind a node emits from now on. */
function collect<K extends keyof ChaskiNodeEvents>(node: ChaskiNode, event: K): ChaskiNodeEvents[K][] {
  const seen: ChaskiNodeEvents[K][] = []
  ;(node as unknown as { on(e: string, l: (p: ChaskiNodeEvents[K]) => void): void }).on(event, (p) =>
    seen.push(p)
  )
  return seen
}

/** The pending entry of `id` on `node`, once listed. */
function pendingOf(node: ChaskiNode, id: string): Promise<PendingPeer> {
  return waitFor(() => node.pendingPeers().find((peer) => peer.id === id), {
    message: `${node.name} to list ${id.slice(0, 8)} as pending`
  })
}

describe('trust policy approve', () => {
  it('two approve nodes show the same code, stay unlinked until both accept, then link and exchange messages', async () => {
    const a = await createNode({ name: 'a', trust: 'approve', subscriptions: ['news'] })
    const b = await createNode({ name: 'b', trust: 'approve', subscriptions: ['news'] })
    const aPending = nodeEvent(a, 'peer-pending')
    const bPending = nodeEvent(b, 'peer-pending')
    const connecting = a.connect(b.address)
    let connected = false
    void connecting.then(() => (connected = true))
    const [onA, onB] = await Promise.all([aPending, bPending])
    expect(onA).toMatchObject({
      id: b.id,
      name: 'b',
      direction: 'outbound',
      accepted: false,
      peerAccepted: false
    })
    expect(onB).toMatchObject({
      id: a.id,
      name: 'a',
      direction: 'inbound',
      accepted: false,
      peerAccepted: false
    })
    expect(onA.code).toMatch(/^\d{3} \d{3}$/)
    expect(onB.code).toBe(onA.code)
    expect(a.pendingPeers()).toEqual([onA])
    expect(b.pendingPeers()).toEqual([onB])
    expect(a.edges).toEqual([])
    expect(b.edges).toEqual([])

    // One side accepts: it trusts b from now on, but the link waits for b's user.
    const bUpdated = nodeEvent(b, 'peer-pending-updated')
    expect(a.acceptPeer(b.id)).toBe(true)
    expect(await bUpdated).toMatchObject({ id: a.id, accepted: false, peerAccepted: true })
    expect(a.pendingPeers()).toMatchObject([{ id: b.id, accepted: true, peerAccepted: false }])
    expect(a.trustedPeers).toMatchObject([{ id: b.id, name: 'b', address: b.address }])
    expect(a.edges).toEqual([])
    expect(b.edges).toEqual([])
    expect(connected).toBe(false)

    const aEnded = nodeEvent(a, 'peer-pending-ended')
    const bEnded = nodeEvent(b, 'peer-pending-ended')
    expect(b.acceptPeer(a.id)).toBe(true)
    const edge = await connecting
    expect(edge.id).toBe(b.id)
    expect(edge.secure).toBe(true)
    expect(await aEnded).toEqual({ id: b.id, outcome: 'accepted' })
    expect(await bEnded).toEqual({ id: a.id, outcome: 'accepted' })
    await waitFor(() => b.edges.length === 1)
    expect(a.pendingPeers()).toEqual([])
    expect(b.pendingPeers()).toEqual([])
    expect(b.trustedPeers).toMatchObject([{ id: a.id, name: 'a' }])

    const atB = nodeEvent(b, 'message')
    a.publish('news', { n: 1 })
    expect(await atB).toMatchObject({ topic: 'news', data: { n: 1 }, from: { id: a.id } })
    const atA = nodeEvent(a, 'message')
    b.publish('news', 'back')
    expect(await atA).toMatchObject({ data: 'back', from: { id: b.id } })
  })

  it('accepted peers link without asking next time, also after a restart seeded with trustedPeers', async () => {
    const a = await createNode({ name: 'a', trust: 'approve' })
    const b = await createNode({ name: 'b', trust: 'approve' })
    void a.connect(b.address).catch(() => {})
    await Promise.all([pendingOf(a, b.id), pendingOf(b, a.id)])
    a.acceptPeer(b.id)
    b.acceptPeer(a.id)
    await waitFor(() => a.edges.length === 1 && b.edges.length === 1)
    await a.closeConnection(b)
    await waitFor(() => b.edges.length === 0)

    const asked = [...collect(a, 'peer-pending'), ...collect(b, 'peer-pending')]
    await b.connect(a.address)
    await waitFor(() => a.edges.length === 1)
    expect(asked).toEqual([])

    // a restarts with the same key and the pins it listed: b links at once, nobody is asked.
    const saved = a.trustedPeers
    const key = a.options.key!
    await a.stop()
    await waitFor(() => b.edges.length === 0)
    const a2 = await createNode({ name: 'a', trust: 'approve', key, trustedPeers: saved })
    const asked2 = [...collect(a2, 'peer-pending'), ...collect(b, 'peer-pending')]
    await a2.connect(b.address)
    await waitFor(() => b.edges.length === 1)
    expect(asked2).toEqual([])
  })

  it('reject closes the link and the peer is told; it is refused at once for a while, nobody asked', async () => {
    const a = await createNode({ name: 'a', trust: 'approve' })
    const b = await createNode({ name: 'b', trust: 'approve' })
    const connecting = a.connect(b.address)
    await Promise.all([pendingOf(a, b.id), pendingOf(b, a.id)])
    const aEnded = nodeEvent(a, 'peer-pending-ended')
    const bEnded = nodeEvent(b, 'peer-pending-ended')
    expect(b.rejectPeer(a.id)).toBe(true)
    await expect(connecting).rejects.toMatchObject({ name: 'ConnectionRefusedError', reason: 'rejected' })
    expect(await aEnded).toEqual({ id: b.id, outcome: 'rejected' })
    expect(await bEnded).toEqual({ id: a.id, outcome: 'rejected' })
    expect(a.pendingPeers()).toEqual([])
    expect(b.pendingPeers()).toEqual([])
    expect(b.rejectPeer(a.id)).toBe(false)
    expect(b.acceptPeer(a.id)).toBe(false)

    const asked = collect(b, 'peer-pending')
    await expect(a.connect(b.address)).rejects.toMatchObject({ reason: 'rejected' })
    expect(asked).toEqual([])
    expect(a.edges).toEqual([])
    expect(b.edges).toEqual([])
  })

  it('a pending peer nobody decides on is closed after pendingTimeoutMs, both sides told', async () => {
    const a = await createNode({ name: 'a', trust: 'approve' })
    const b = await createNode({ name: 'b', trust: 'approve', pendingTimeoutMs: 1000 })
    const connecting = a.connect(b.address)
    await pendingOf(b, a.id)
    const aEnded = nodeEvent(a, 'peer-pending-ended')
    const bEnded = nodeEvent(b, 'peer-pending-ended')
    await expect(connecting).rejects.toMatchObject({ reason: 'pending-expired' })
    expect(await aEnded).toEqual({ id: b.id, outcome: 'expired' })
    expect(await bEnded).toEqual({ id: a.id, outcome: 'expired' })
    expect(b.pendingPeers()).toEqual([])
    // Not a rejection: a asks again and is pending again.
    void a.connect(b.address).catch(() => {})
    await pendingOf(b, a.id)
  })

  it('an approve node with a tofu node: the tofu side shows the code and admits; the link opens on accept', async () => {
    const a = await createNode({ name: 'a', trust: 'approve' })
    const t = await createNode({ name: 't', trust: 'tofu' })
    // The tofu node dials: the approve node (the acceptor) holds it and commits first.
    const connecting = t.connect(a.address)
    const [onA, onT] = await Promise.all([pendingOf(a, t.id), pendingOf(t, a.id)])
    expect(onT).toMatchObject({ accepted: true, peerAccepted: false, direction: 'outbound' })
    expect(onA).toMatchObject({ accepted: false, peerAccepted: true, direction: 'inbound' })
    expect(onT.code).toBe(onA.code)
    expect(t.acceptPeer(a.id)).toBe(true) // already admitted by its policy: nothing changes
    expect(t.edges).toEqual([])
    a.acceptPeer(t.id)
    expect((await connecting).id).toBe(a.id)
    await waitFor(() => a.edges.length === 1)
    expect(t.trustedPeers).toMatchObject([{ id: a.id, address: a.address }]) // pinned by tofu, as any link
    await t.closeConnection(a)
    await waitFor(() => a.edges.length === 0)

    // The approve node dials a new tofu node: it holds it and commits before its handshake.
    const t2 = await createNode({ name: 't2', trust: 'tofu' })
    const dialling = a.connect(t2.address)
    const [fromA, fromT2] = await Promise.all([pendingOf(a, t2.id), pendingOf(t2, a.id)])
    expect(fromA).toMatchObject({ accepted: false, peerAccepted: true, direction: 'outbound' })
    expect(fromT2).toMatchObject({ accepted: true, peerAccepted: false, direction: 'inbound' })
    expect(fromT2.code).toBe(fromA.code)
    expect(t2.edges).toEqual([])
    a.acceptPeer(t2.id)
    expect((await dialling).id).toBe(t2.id)
    await waitFor(() => t2.edges.length === 1)
  })

  it('revoke after accept closes the link and refuses the peer from then on', async () => {
    const a = await createNode({ name: 'a', trust: 'approve' })
    const b = await createNode({ name: 'b', trust: 'approve' })
    const connecting = a.connect(b.address)
    await Promise.all([pendingOf(a, b.id), pendingOf(b, a.id)])
    a.acceptPeer(b.id)
    b.acceptPeer(a.id)
    await connecting
    await waitFor(() => b.edges.length === 1)
    await a.revoke(b.id)
    await waitFor(() => a.edges.length === 0 && b.edges.length === 0)
    expect(a.trustedPeers).toEqual([])
    const asked = collect(a, 'peer-pending')
    await expect(b.connect(a.address)).rejects.toMatchObject({ reason: 'revoked' })
    await expect(a.connect(b.address)).rejects.toMatchObject({ reason: 'revoked' })
    expect(asked).toEqual([])
  })

  it('a pending peer sending user frames (or skipping the exchange) is dropped; other links untouched', async () => {
    const a = await createNode({ name: 'a', trust: 'approve', subscriptions: ['news'] })
    const friend = await createNode({ name: 'friend', trust: 'approve', subscriptions: ['news'] })
    const linking = friend.connect(a.address)
    await Promise.all([pendingOf(a, friend.id), pendingOf(friend, a.id)])
    a.acceptPeer(friend.id)
    friend.acceptPeer(a.id)
    await linking
    const waiting = await createNode({ name: 'waiting', trust: 'approve' })
    void waiting.connect(a.address).catch(() => {})
    await pendingOf(a, waiting.id)

    const errors = collect(a, 'protocol-error')
    // Held by a: it answered with its commitment and handshake_back, and waits for the nonce.
    const raw = await RawPeer.secureHandshake(a.port, { subscriptions: ['news'] })
    expect(raw.received('approve_commit')).toHaveLength(1)
    await raw.write(frame('message', 'news', plain('sneaked in')))
    await raw.whenClosed()
    expect(raw.closeReason).toBe('protocol-error')
    await waitFor(() => errors.length === 1)
    expect(errors[0]!.error.message).toMatch(/'message' before the handshake/)

    // Also on a topic the node does not subscribe (whose frames an open link skips unread).
    const rawElsewhere = await RawPeer.secureHandshake(a.port)
    await rawElsewhere.write(frame('message', 'elsewhere', plain('sneaked in')))
    await rawElsewhere.whenClosed()
    expect(rawElsewhere.closeReason).toBe('protocol-error')

    // A peer that answers the exchange then claims an acceptance it was never asked for is dropped too.
    const raw2 = await RawPeer.secureHandshake(a.port)
    await raw2.write(frame('approve_accept', 'All', plain({})))
    await raw2.whenClosed()
    expect(raw2.closeReason).toBe('protocol-error')

    // Others untouched: the linked friend still gets messages, the other pending peer still waits.
    const atFriend = nodeEvent(friend, 'message')
    a.publish('news', 'still here')
    expect(await atFriend).toMatchObject({ data: 'still here' })
    expect(a.pendingPeers().map((peer) => peer.id)).toEqual([waiting.id])
    expect(a.edges.map((edge) => edge.id)).toEqual([friend.id])
  })

  it(`holds at most ${MAX_PENDING_PEERS_PER_SOURCE} pending peers per source address and ${MAX_PENDING_PEERS} in all`, async () => {
    const a = await createNode({ name: 'a', trust: 'approve' })
    const peers: RawPeer[] = []
    try {
      for (let i = 0; i < MAX_PENDING_PEERS_PER_SOURCE; i++) peers.push(await RawPeer.secureHandshake(a.port))
      const refused = await RawPeer.secureHandshake(a.port, { answer: 'close' })
      peers.push(refused)
      expect(refused.closeReason).toBe('too-many-pending')
      // Other sources still get their share, up to the total.
      const sources = MAX_PENDING_PEERS / MAX_PENDING_PEERS_PER_SOURCE
      for (let s = 2; s <= sources; s++)
        for (let i = 0; i < MAX_PENDING_PEERS_PER_SOURCE; i++)
          peers.push(await RawPeer.secureHandshake(a.port, { localAddress: `127.0.0.${s}` }))
      const over = await RawPeer.secureHandshake(a.port, { answer: 'close', localAddress: '127.0.1.1' })
      peers.push(over)
      expect(over.closeReason).toBe('too-many-pending')
      expect(peers.filter((peer) => peer.closed)).toEqual([refused, over].filter((peer) => peer.closed))
      // A held peer that leaves frees its place.
      peers[0]!.destroy()
      await peers[0]!.whenClosed()
      const again = await RawPeer.secureHandshake(a.port, { localAddress: '127.0.1.1' })
      peers.push(again)
      expect(again.received('approve_commit')).toHaveLength(1)
    } finally {
      for (const peer of peers) peer.destroy()
    }
  })

  it('two approve nodes dialling each other at once keep one pending link, the same on both sides', async () => {
    const a = await createNode({ name: 'a', trust: 'approve' })
    const b = await createNode({ name: 'b', trust: 'approve' })
    const fromA = a.connect(b.address).catch((error: unknown) => error)
    const fromB = b.connect(a.address).catch((error: unknown) => error)
    // One of the two connects is refused as a duplicate (at once); the other link stays pending on both sides.
    const loser = await Promise.race([fromA, fromB])
    expect(loser).toMatchObject({ name: 'ConnectionRefusedError', reason: 'duplicate' })
    await waitFor(() => a.pendingPeers().length === 1 && b.pendingPeers().length === 1)
    const [onA] = a.pendingPeers()
    const [onB] = b.pendingPeers()
    expect(onA!.code).toBe(onB!.code)
    expect(onA!.direction).not.toBe(onB!.direction)
    a.acceptPeer(b.id)
    b.acceptPeer(a.id)
    await waitFor(() => a.edges.length === 1 && b.edges.length === 1)
    expect(a.pendingPeers()).toEqual([])
  })

  it('stop() ends every pending link; the peer is told it closed', async () => {
    const a = await createNode({ name: 'a', trust: 'approve' })
    const b = await createNode({ name: 'b', trust: 'approve' })
    const connecting = a.connect(b.address).catch((error: unknown) => error)
    await Promise.all([pendingOf(a, b.id), pendingOf(b, a.id)])
    const aEnded = nodeEvent(a, 'peer-pending-ended')
    await b.stop()
    expect(await connecting).toMatchObject({ name: 'ConnectionRefusedError', reason: 'stop' })
    expect(await aEnded).toEqual({ id: b.id, outcome: 'closed' })
    expect(a.pendingPeers()).toEqual([])
  })
})
