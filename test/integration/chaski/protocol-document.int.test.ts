// What docs/PROTOCOL.md tells a second implementation it may rely on, at the points a client written from the
// document alone found left unspecified (issue #12, fix 2): the envelope ttl of control frames, extra keys,
// integer widths, a root node's '@' subscription, the echoed status request id, and which peers a node refuses
// reconnections from. Driven by a raw peer that writes msgpack bytes by hand, against a real node over loopback.
import dgram from 'node:dgram'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { msgpackCodec } from '../../../src/main/chaski/codec'
import type { ProtocolErrorEvent } from '../../../src/main/chaski/index'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { frame, handshakeData, plain, RawPeer } from '../security/raw-peer'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them (a fake peer).
const createNode = useNodes({ secure: false })

/** A float64 msgpack value (0xcb), as our encoder writes integers ≥ 2^32 and every timestamp. */
function float64(value: number): Buffer {
  const out = Buffer.alloc(9)
  out[0] = 0xcb
  out.writeDoubleBE(value, 1)
  return out
}

/** A ping's data with `ping_id` encoded as given. */
function pingWithId(pingId: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([0x83]),
    plain('ping_id'),
    pingId,
    plain('latency_update'),
    plain(false),
    plain('dummy_data'),
    plain(null)
  ])
}

/** One UDP datagram to the node's status port and its answer (bounded wait). */
async function statusExchange(port: number, request: Record<string, unknown>): Promise<Buffer> {
  const socket = dgram.createSocket('udp4')
  try {
    socket.bind(0, '127.0.0.1')
    await once(socket, 'listening')
    const answer = once(socket, 'message') as Promise<[Buffer]>
    socket.send(Buffer.concat([Buffer.from('CKS1', 'latin1'), plain(request)]), port, '127.0.0.1')
    const [bytes] = await Promise.race([
      answer,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no UDP answer')), 5_000))
    ])
    return bytes
  } finally {
    socket.close()
  }
}

describe('docs/PROTOCOL.md, points a second implementation relies on', () => {
  it('control frames carry the sender’s ttl option; a receiver ignores ttl on them (a ping with ttl 0 is answered)', async () => {
    const node = await createNode({ ttl: 7 })
    const peer = await RawPeer.connect(node.port)
    await peer.write(frame('handshake', 'All', plain(handshakeData('ttl-peer', 9)), { ttl: 0 }))
    expect((await peer.next('handshake_back')).ttl).toBe(7)
    await peer.write(frame('ping', 'All', pingWithId(plain(1)), { ttl: 0 }))
    expect((await peer.next('pong')).ttl).toBe(7)
    peer.destroy()
  })

  it('extra keys are ignored: in the envelope and in command data', async () => {
    const node = await createNode({ subscriptions: ['news'] })
    const errors: ProtocolErrorEvent[] = []
    node.on('protocol-error', (event) => errors.push(event))
    const messages: unknown[] = []
    node.on('message', ({ data }) => messages.push(data))
    const peer = await RawPeer.connect(node.port)
    const extra: [string, Buffer][] = [['x_signature', plain('abc')]]
    const data = plain({ ...handshakeData('extra-keys', 9), x_capabilities: ['tls'] })
    await peer.write(frame('handshake', 'All', data, { extra }))
    await peer.next('handshake_back')
    const ping = plain({ ping_id: 3, latency_update: false, dummy_data: null, x_padding: 1 })
    await peer.write(frame('ping', 'All', ping, { extra, order: 'shuffled' }))
    expect((await peer.next('pong')).data['ping_id']).toBe(3)
    await peer.write(frame('message', 'news', plain({ text: 'hi' }), { extra }))
    await waitFor(() => messages.length === 1, {
      message: 'the message with an extra envelope key delivered'
    })
    expect(messages).toEqual([{ text: 'hi' }])
    expect(errors).toEqual([])
    expect(node.edges.map((edge) => edge.id)).toEqual(['extra-keys'])
    peer.destroy()
  })

  it('an integer may come in any msgpack width or as an integral float64; ping_id is 0..2^53 − 1', async () => {
    const node = await createNode()
    const errors: ProtocolErrorEvent[] = []
    node.on('protocol-error', (event) => errors.push(event))
    const peer = await RawPeer.handshake(node.port, 'integers')
    await peer.write(frame('ping', 'All', pingWithId(float64(2 ** 40))))
    await waitFor(() => peer.received('pong').length === 1)
    expect(peer.received('pong')[0]!.data['ping_id']).toBe(2 ** 40)
    await peer.write(frame('ping', 'All', pingWithId(float64(1.5))))
    await peer.whenClosed()
    expect(peer.closeReason).toBe('protocol-error')
    expect(errors[0]?.error.message).toMatch(/ping_id/)
  })

  it("a root node lists '@' among its subscriptions and says root: true", async () => {
    const node = await createNode({ root: true, subscriptions: ['news'] })
    const peer = await RawPeer.connect(node.port)
    await peer.write(frame('handshake', 'All', plain(handshakeData('looks-at-root', 9))))
    const back = await peer.next('handshake_back')
    expect(back.data['root']).toBe(true)
    expect([...(back.data['subscriptions'] as string[])].sort()).toEqual(['@', 'news'])
    peer.destroy()
  })

  it('the status request id is echoed in the answer; extra keys in a request are ignored', async () => {
    const node = await createNode({ name: 'status' })
    const answer = await statusExchange(node.port, {
      command: 'status',
      id: 'request-42',
      x_hint: 'ignored',
      pad: ' '.repeat(300)
    })
    expect(answer.subarray(0, 4).toString('latin1')).toBe('CKS1')
    const { Packr } = await import('msgpackr')
    const body = new Packr({ useRecords: false, mapsAsObjects: true }).unpack(answer.subarray(4)) as Record<
      string,
      unknown
    >
    expect(body).toMatchObject({ command: 'response', id: 'request-42', name: 'status' })
  })

  it('reconnect-refused: only a peer this node closed itself is refused, and a handshake without reconnect is taken', async () => {
    const node = await createNode()
    // Each peer claims its own listening port: a new id at a known address would replace the old one.
    const ports: Record<string, number> = { stranger: 9, leaver: 10, closed: 11 }
    const reconnect = (id: string): Buffer =>
      frame('handshake', 'All', plain({ ...handshakeData(id, ports[id]!), reconnect: true }))
    // A reconnection from a peer this node never closed: accepted.
    const stranger = await RawPeer.connect(node.port)
    await stranger.write(reconnect('stranger'))
    await stranger.next('handshake_back')
    // A peer that closed the link itself: accepted back.
    const leaver = await RawPeer.handshake(node.port, 'leaver', { claimPort: 10 })
    await leaver.write(frame('close', 'All', plain({ reason: 'closed', id: 'leaver' })))
    await waitFor(() => !node.edges.some((edge) => edge.id === 'leaver'))
    leaver.destroy()
    const leaverBack = await RawPeer.connect(node.port)
    await leaverBack.write(reconnect('leaver'))
    await leaverBack.next('handshake_back')
    // A peer this node closed (closeConnection): its reconnection is refused...
    const closed = await RawPeer.handshake(node.port, 'closed', { claimPort: 11 })
    await node.closeConnection(node.edges.find((edge) => edge.id === 'closed')!)
    closed.destroy()
    const retry = await RawPeer.connect(node.port)
    await retry.write(reconnect('closed'))
    await retry.whenClosed()
    expect(retry.closeReason).toBe('reconnect-refused')
    // ...but a handshake without `reconnect` (a user's connect) is accepted.
    const userConnect = await RawPeer.connect(node.port)
    await userConnect.write(frame('handshake', 'All', plain(handshakeData('closed', 11))))
    await userConnect.next('handshake_back')
    expect(node.edges.map((edge) => edge.id).sort()).toEqual(['closed', 'leaver', 'stranger'])
    for (const peer of [stranger, leaverBack, userConnect]) peer.destroy()
  })

  it("a peer that lists 'message-runs' gets a burst in run frames, laid out byte for byte as §8 says", async () => {
    const node = await createNode()
    const peer = await RawPeer.handshake(node.port, 'runs-peer', {
      subscriptions: ['T'],
      features: ['message-runs']
    })
    await waitFor(() => node.edges.length === 1)
    const payloads = [Buffer.from([1, 2, 3]), Buffer.alloc(200, 7), 'text']
    await Promise.all(payloads.map((payload) => node.publish('T', payload)))
    // Usually one run; two or three when the burst crosses a millisecond (a run shares one timestamp).
    const runs = await waitFor(() => {
      const frames = peer.rawFrames.filter((f) => f.topic === 'T')
      const messages = frames.reduce((n, f) => n + f.body.readUInt32BE(1) - 3, 0)
      return messages === payloads.length ? frames : undefined
    })
    let next = 0
    for (const { body } of runs) {
      expect(body[0]).toBe(0xdd) // array 32 ...
      const n = body.readUInt32BE(1) - 3 // ... of timestamp, ttl, uuid, then n messages
      expect(body[5]).toBe(0xcb) // the timestamp as a float64
      expect(Math.abs(body.readDoubleBE(6) - Date.now())).toBeLessThan(10_000)
      expect(body[14]).toBe(64) // ttl: the node's ttl option (positive fixint)
      expect(body[15]! & 0xe0).toBe(0xa0) // uuid: a fixstr of 1–48 bytes
      const idLength = body[15]! & 0x1f
      const id = body.toString('latin1', 16, 16 + idLength)
      expect(id).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/)
      // Then each message's data as its own msgpack value (bin 8, bin 8, fixstr), nothing after.
      const mine = payloads.slice(next, next + n)
      expect(body.subarray(16 + idLength)).toEqual(Buffer.concat(mine.map((payload) => plain(payload))))
      // One plain msgpack value: [timestamp, ttl, uuid, ...data].
      expect(msgpackCodec.decode(body)).toEqual([body.readDoubleBE(6), 64, id, ...mine])
      next += n
    }
    // A peer that does not list the feature gets envelopes.
    const plainPeer = await RawPeer.handshake(node.port, 'envelope-peer', { subscriptions: ['T'] })
    await waitFor(() => node.edges.length === 2)
    await node.publish('T', 'one')
    const message = await plainPeer.next('message')
    expect(message.data).toBe('one')
    peer.destroy()
    plainPeer.destroy()
  })
})
