// The network key on links (issue #13, docs/PROTOCOL.md §3a "Network key"), over real TLS sockets: nodes holding the
// same key link; a node with another key, or with none, is refused both ways with 'network-key-mismatch' and both
// ends are told; a node holding the old and the new key during a rotation links with either; bystanders keep their
// links; a proof is bound to its link (a raw peer replaying a proof captured on another link is refused).
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { security, type ChaskiNode, type ChaskiNodeEvents } from '../../../src/main/chaski/index'
import { useNodes } from '../../helpers/nodes'
import { nextEvent, waitFor } from '../../helpers/wait-for'
import { frame, plain, RawPeer } from './raw-peer'

const createNode = useNodes({ reconnections: 0 })

const K1 = security.parseNetworkKeyText(security.generateNetworkKeyText(), 'k1')
const K2 = security.parseNetworkKeyText(security.generateNetworkKeyText(), 'k2')
/** A node in the middle of a rotation from K1 to K2: the new key first, the old one second. */
const K2_AND_K1 = security.parseNetworkKeyText(
  `${K2.keys[0]!.toString('hex')}\n${K1.keys[0]!.toString('hex')}\n`,
  'rotation'
)

function nodeEvent<K extends keyof ChaskiNodeEvents>(
  node: ChaskiNode,
  event: K
): Promise<ChaskiNodeEvents[K]> {
  return nextEvent(node as unknown as Parameters<typeof nextEvent<ChaskiNodeEvents[K]>>[0], event)
}

describe('network key on links', () => {
  it('nodes holding the same key link, and a message goes through', async () => {
    const a = await createNode({ name: 'a', networkKey: K1, subscriptions: ['t'] })
    const b = await createNode({ name: 'b', networkKey: K1, subscriptions: ['t'] })
    const edge = await a.connect(b.address)
    expect(edge.id).toBe(b.id)
    expect(edge.secure).toBe(true)
    await waitFor(() => b.edges.length === 1)
    const got = nodeEvent(b, 'message')
    a.publish('t', { hello: 1 })
    expect((await got).data).toEqual({ hello: 1 })
  })

  it('another key is refused both ways, with the reason, and both ends are told; bystanders keep their link', async () => {
    const a = await createNode({ name: 'a', networkKey: K1 })
    const b = await createNode({ name: 'b', networkKey: K2 })
    const bystander = await createNode({ name: 'c', networkKey: K1 })
    await bystander.connect(a.address)
    await waitFor(() => a.edges.length === 1)

    const aRefused = nodeEvent(a, 'peer-refused')
    const bRefused = nodeEvent(b, 'peer-refused')
    await expect(a.connect(b.address)).rejects.toMatchObject({ name: 'NetworkKeyMismatchError' })
    expect(await bRefused).toMatchObject({ reason: 'network-key-mismatch', direction: 'inbound' })
    expect(await aRefused).toMatchObject({ reason: 'network-key-mismatch', direction: 'outbound' })

    const aRefusedAgain = nodeEvent(a, 'peer-refused')
    await expect(b.connect(a.address)).rejects.toMatchObject({ name: 'NetworkKeyMismatchError' })
    expect(await aRefusedAgain).toMatchObject({ reason: 'network-key-mismatch', direction: 'inbound' })

    expect(b.edges).toEqual([])
    expect(a.edges.map((e) => e.id)).toEqual([bystander.id])
    expect(bystander.edges.map((e) => e.id)).toEqual([a.id])
  })

  it('a node without a network key and a node with one do not link, either way, and each says why', async () => {
    const keyed = await createNode({ name: 'keyed', networkKey: K1 })
    const plain = await createNode({ name: 'plain' })
    const keyedTold = nodeEvent(keyed, 'peer-refused')
    const err = await plain.connect(keyed.address).catch((e: Error) => e)
    expect(err).toMatchObject({ name: 'NetworkKeyMismatchError' })
    expect((err as Error).message).toMatch(/holds a network key and this node holds none/)
    expect((await keyedTold).error.message).toMatch(/without proving the network key/)

    const plainTold = nodeEvent(plain, 'peer-refused')
    await expect(keyed.connect(plain.address)).rejects.toMatchObject({ name: 'NetworkKeyMismatchError' })
    expect((await plainTold).error.message).toMatch(/holds a network key and this node holds none/)
    expect(keyed.edges).toEqual([])
    expect(plain.edges).toEqual([])
  })

  it('rotation: a node holding the new and the old key links with nodes holding either, and they are not linked to each other', async () => {
    const old = await createNode({ name: 'old', networkKey: K1 })
    const next = await createNode({ name: 'next', networkKey: K2 })
    const rotating = await createNode({ name: 'rotating', networkKey: K2_AND_K1 })
    await rotating.connect(old.address)
    await rotating.connect(next.address)
    await old.connect(rotating.address) // already linked: the same edge
    expect(rotating.edges.map((e) => e.id).sort()).toEqual([old.id, next.id].sort())
    await expect(old.connect(next.address)).rejects.toMatchObject({ name: 'NetworkKeyMismatchError' })
  })

  it('the options refuse a network key with a plaintext or insecure node', async () => {
    await expect(createNode({ networkKey: K1, secure: false })).rejects.toThrow(/needs a secure node/)
    await expect(createNode({ networkKey: K1, insecure: true })).rejects.toThrow(/insecure/)
    await expect(createNode({ networkKey: { keys: ['x'] } as never })).rejects.toThrow(/network key set/)
  })

  it("a proof captured on one link is refused on another (bound to the link's TLS channel)", async () => {
    const a = await createNode({ name: 'a', networkKey: K1 })
    // A raw TLS client holding no key replays a proof made with K1 for another channel binding.
    const replayed = security
      .networkKeyProofs(K1, { channelBinding: Buffer.alloc(32, 7), role: 'dialler' })
      .map((p) => p.toString('hex'))
    const refused = nodeEvent(a, 'peer-refused')
    const closeReason = await rawProofDial(a.port, replayed)
    expect(closeReason).toBe('network-key-mismatch')
    expect((await refused).error.message).toMatch(/does not hold our network key/)
    expect(a.edges).toEqual([])
  })
})

/** Dials `port` over TLS with a fresh key, sends `network_key` with `proofs`, returns the close reason received. */
async function rawProofDial(port: number, proofs: string[]): Promise<string | null> {
  const credentials = await security.createTlsCredentials(security.generateNodeKey())
  const link = await security.secureDial(net.connect({ host: '127.0.0.1', port }), credentials)
  const peer = RawPeer.over(link.socket)
  try {
    await peer.write(frame('network_key', 'All', plain({ proofs })))
    await peer.next('close')
    return peer.closeReason
  } finally {
    peer.destroy()
  }
}
