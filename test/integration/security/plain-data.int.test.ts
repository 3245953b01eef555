// Issue #11 row 1 (the codec part) and issue #12 item 2a, over real sockets: a frame carrying any msgpack extension
// (a self-referencing structured clone, a record, a BigInt, a Date) is a protocol error for that link only, never a
// value handed to the application; a uint64 timestamp (as Python's msgpack writes it) is a number.
import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import type { ProtocolErrorEvent } from '../../../src/main/chaski/index'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { ext32, frame, handshakeData, plain, RawPeer } from './raw-peer'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

const createNode = useNodes({ secure: false, reconnections: 0 })

const cyclic: Record<string, unknown> = { name: 'loop' }
cyclic['self'] = cyclic

const NOT_PLAIN: [string, () => Buffer][] = [
  [
    'a self-referencing structured clone',
    () => Buffer.from(new Packr({ structuredClone: true }).pack(cyclic))
  ],
  ['a record', () => Buffer.from(new Packr({ useRecords: true }).pack({ a: 1, b: 2 }))],
  ['a 4 KiB BigInt (extension 0x42)', () => ext32(0x42, 4096)],
  ['a Date (timestamp extension -1)', () => Buffer.from(new Packr().pack(new Date(5)))]
]

describe('plain data only on the wire', () => {
  it.each(NOT_PLAIN)(
    '%s in a message is a protocol error for that link only, never delivered',
    async (_label, data) => {
      const node = await createNode({ subscriptions: ['news'] })
      const messages: unknown[] = []
      const errors: ProtocolErrorEvent[] = []
      node.on('message', ({ data: received }) => messages.push(received))
      node.on('protocol-error', (event) => errors.push(event))
      const bystander = await RawPeer.handshake(node.port, 'bystander', { subscriptions: ['news'] })
      const attacker = await RawPeer.handshake(node.port, 'attacker', { subscriptions: ['news'] })

      await attacker.write(frame('message', 'news', data()))
      await attacker.whenClosed()
      expect(attacker.closeReason).toBe('protocol-error')
      expect(errors).toHaveLength(1)
      expect(errors[0]!.error.message).toMatch(/extension/)
      expect(messages).toEqual([])

      // The node and its other links are untouched.
      await bystander.write(frame('message', 'news', plain({ still: 'fine' })))
      await waitFor(() => messages.length === 1)
      expect(messages).toEqual([{ still: 'fine' }])
      expect(bystander.closed).toBe(false)
      expect(node.edges.map((edge) => edge.id)).toEqual(['bystander'])
      bystander.destroy()
    }
  )

  it('an extension in a handshake, before anything else, is refused as a protocol error', async () => {
    const node = await createNode()
    const errors: ProtocolErrorEvent[] = []
    node.on('protocol-error', (event) => errors.push(event))
    const attacker = await RawPeer.connect(node.port)
    await attacker.write(frame('handshake', 'All', ext32(0x42, 64 * 1024)))
    await attacker.whenClosed()
    expect(attacker.closeReason).toBe('protocol-error')
    expect(errors[0]?.error.message).toMatch(/extension/)
    expect(node.edges).toEqual([])
  })

  it('accepts a handshake with its keys in another order and a uint64 millisecond timestamp', async () => {
    const node = await createNode()
    const peer = await RawPeer.connect(node.port)
    const data = plain(handshakeData('python-peer', 9))
    await peer.write(frame('handshake', 'All', data, { order: 'shuffled', timestamp: 'uint64' }))
    await peer.next('handshake_back')
    expect(node.edges.map((edge) => edge.id)).toEqual(['python-peer'])
    // And later frames in that layout too.
    const ping = plain({ ping_id: 7, latency_update: false, dummy_data: null })
    await peer.write(frame('ping', 'All', ping, { order: 'shuffled', timestamp: 'uint64' }))
    const pong = await peer.next('pong')
    expect(pong.data['ping_id']).toBe(7)
    peer.destroy()
  })

  it('a 64-bit integer outside ±(2^53 − 1) is a protocol error', async () => {
    const node = await createNode({ subscriptions: ['news'] })
    const attacker = await RawPeer.handshake(node.port, 'attacker', { subscriptions: ['news'] })
    const huge = Buffer.alloc(9)
    huge[0] = 0xcf
    huge.writeBigUInt64BE(2n ** 64n - 1n, 1)
    await attacker.write(frame('message', 'news', huge))
    await attacker.whenClosed()
    expect(attacker.closeReason).toBe('protocol-error')
  })

  it('refuses to send data that is not plain (a Date), with a clear error, and the link stays up', async () => {
    const node = await createNode({ subscriptions: ['news'] })
    const peer = await RawPeer.handshake(node.port, 'reader', { subscriptions: ['news'] })
    await expect(node.publish('news', { at: new Date(5) })).rejects.toMatchObject({
      name: 'UnsupportedDataError'
    })
    expect(await node.publish('news', { at: 5 })).toBe(1)
    await peer.next('message')
    expect(peer.closed).toBe(false)
    peer.destroy()
  })
})
