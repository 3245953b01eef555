// Runs of messages (docs/PROTOCOL.md §8 "Runs", handshake feature 'message-runs'), over real sockets: a burst of
// publishes costs about its data on the wire and every message still arrives whole and in order, whatever its data;
// a peer that does not list the feature gets envelopes; with propagation the messages of a run keep distinct ids; a
// malformed run closes only its own link and delivers nothing.
import { describe, expect, it } from 'vitest'
import type { ChaskiNode, ChaskiNodeOptions, ProtocolErrorEvent } from '../../../src/main/chaski/index'
import { encodeFrame } from '../../../src/main/chaski/framing'
import { useNodes } from '../../helpers/nodes'
import { tcpRelay } from '../../helpers/tcp-relay'
import { waitFor } from '../../helpers/wait-for'
import { frame, plain, RawPeer } from '../security/raw-peer'

const createNode = useNodes({ secure: false, adverts: false, reconnections: 0 })

function received(node: ChaskiNode, topic: string): unknown[] {
  const got: unknown[] = []
  node.on('message', (message) => {
    if (message.topic === topic) got.push(message.data)
  })
  return got
}

/** `a` linked to `b` through a relay that counts the bytes `a` sends. */
async function linkThroughRelay(a: ChaskiNode, b: ChaskiNode): Promise<{ bytes: () => number }> {
  const relay = await tcpRelay(b.port)
  await a.connect('127.0.0.1', relay.port)
  await waitFor(() => b.edges.length === 1)
  return { bytes: () => relay.bytesFromClients }
}

/** Publishes every value in one tick (no await in between), as a burst does; resolves when all were queued. */
async function burst(node: ChaskiNode, topic: string, values: unknown[]): Promise<void> {
  await Promise.all(values.map((value) => node.publish(topic, value)))
}

/**
 * `count` 64-byte messages published in one burst to a node made with `options`, through a relay that counts the
 * bytes: they arrive whole and in order; returns what each cost on the wire.
 */
async function burstThroughRelay(
  options: ChaskiNodeOptions,
  count: number
): Promise<{ bytesPerMessage: number; receiver: ChaskiNode }> {
  const receiver = await createNode(options)
  const sender = await createNode()
  const wire = await linkThroughRelay(sender, receiver)
  const got = received(receiver, 'T')
  const payloads = Array.from({ length: count }, (_, i) => Buffer.alloc(64, i % 251))
  const before = wire.bytes()
  await burst(sender, 'T', payloads)
  await waitFor(() => got.length === payloads.length)
  expect(got).toEqual(payloads)
  return { bytesPerMessage: (wire.bytes() - before) / payloads.length, receiver }
}

describe('message runs', () => {
  it('a burst of 64-byte messages costs under 75 bytes each on the wire (envelopes: ~156) and arrives in order', async () => {
    const { bytesPerMessage } = await burstThroughRelay({ subscriptions: ['T'] }, 3000)
    expect(bytesPerMessage).toBeLessThan(75)
  })

  it('every kind of data keeps its value and its order, across run and frame limits', async () => {
    const b = await createNode({ subscriptions: ['T'] })
    const a = await createNode()
    await a.connect(b)
    const got = received(b, 'T')
    const kinds: unknown[] = [
      Buffer.alloc(0),
      Buffer.alloc(300, 7), // bin 16
      Buffer.alloc(70_000, 9), // bin 32, larger than a run: a run of its own
      'short',
      'é'.repeat(100), // str 8, not ASCII
      'x'.repeat(40_000), // str 16
      '',
      null,
      42,
      -1.5,
      true,
      { nested: [1, 'two', null, { deep: false }] },
      [1, 2, 3]
    ]
    const values = Array.from({ length: 6 }, () => kinds).flat()
    await burst(a, 'T', values)
    await waitFor(() => got.length === values.length)
    expect(got).toEqual(values)
  })

  it('a peer that does not list the feature gets envelopes (here: a frame limit below a full run)', async () => {
    const { bytesPerMessage, receiver } = await burstThroughRelay(
      { subscriptions: ['T'], maxFrameSize: 8192 },
      500
    )
    expect(bytesPerMessage).toBeGreaterThan(120)
    expect(receiver.edges).toHaveLength(1)
  })

  it('with propagation, the messages of one run are pooled and forwarded under distinct ids', async () => {
    const relayNode = await createNode({ subscriptions: ['T'], messagePropagation: true })
    const far = await createNode({ subscriptions: ['T'], messagePropagation: true })
    const a = await createNode()
    await a.connect(relayNode)
    await far.connect(relayNode)
    await waitFor(() => relayNode.edges.length === 2)
    const atRelay = received(relayNode, 'T')
    const atFar = received(far, 'T')
    const payloads = Array.from({ length: 400 }, (_, i) => Buffer.from(`message ${i}`))
    await burst(a, 'T', payloads)
    await waitFor(() => atFar.length === payloads.length)
    expect(atRelay).toEqual(payloads)
    expect(atFar).toEqual(payloads)
  })
})

// A run body by hand: 0xdd <count u32> <timestamp> <ttl> <uuid> <data...> (docs/PROTOCOL.md §8 "Runs").
function runBody(
  count: number,
  parts: { uuid?: string; ttl?: number; data?: Buffer[]; trailing?: Buffer } = {}
) {
  const head = Buffer.alloc(5)
  head[0] = 0xdd
  head.writeUInt32BE(count, 1)
  const timestamp = Buffer.alloc(9)
  timestamp[0] = 0xcb
  timestamp.writeDoubleBE(Date.now(), 1)
  return Buffer.concat([
    head,
    timestamp,
    plain(parts.ttl ?? 3),
    plain(parts.uuid ?? 'run-1'),
    ...(parts.data ?? [plain('one'), plain('two')]),
    parts.trailing ?? Buffer.alloc(0)
  ])
}

const BAD_RUNS: [string, Buffer, RegExp][] = [
  ['a count beyond its messages', runBody(10), /truncated|beyond/],
  ['no message at all', runBody(3, { data: [] }), /no message/],
  [
    'an extension among the messages',
    runBody(5, { data: [plain('ok'), Buffer.from([0xd4, 0x01, 0x00])] }),
    /extension/
  ],
  ['a uuid of 49 bytes', runBody(5, { uuid: 'u'.repeat(49) }), /uuid/],
  ['a ttl of 300', runBody(5, { ttl: 300 }), /ttl/],
  ['bytes after the run', runBody(5, { trailing: plain('extra') }), /trailing/],
  [
    '20,000 one-byte messages in one frame (runs of several messages stay within 16 KiB)',
    runBody(20_003, { data: Array.from({ length: 20_000 }, () => plain(null)) }),
    /16384 bytes/
  ]
]

describe('a malformed run', () => {
  it.each(BAD_RUNS)('(%s) closes only its link and delivers nothing', async (_label, body, why) => {
    const node = await createNode({ subscriptions: ['T'] })
    const messages: unknown[] = []
    const errors: ProtocolErrorEvent[] = []
    node.on('message', ({ data }) => messages.push(data))
    node.on('protocol-error', (event) => errors.push(event))
    const bystander = await RawPeer.handshake(node.port, 'bystander', { subscriptions: ['T'] })
    const attacker = await RawPeer.handshake(node.port, 'attacker', { subscriptions: ['T'] })

    await attacker.write(encodeFrame('T', body))
    await attacker.whenClosed()
    expect(attacker.closeReason).toBe('protocol-error')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.error.message).toMatch(why)
    expect(messages).toEqual([])

    // A well-formed run from the other link still arrives, message by message.
    await bystander.write(encodeFrame('T', runBody(5)))
    await waitFor(() => messages.length === 2)
    expect(messages).toEqual(['one', 'two'])
    await bystander.write(frame('message', 'T', plain('an envelope too')))
    await waitFor(() => messages.length === 3)
    expect(bystander.closed).toBe(false)
    expect(node.edges.map((edge) => edge.id)).toEqual(['bystander'])
    bystander.destroy()
  })

  it('a run before the handshake is a protocol error', async () => {
    const node = await createNode({ subscriptions: ['T'] })
    const errors: ProtocolErrorEvent[] = []
    node.on('protocol-error', (event) => errors.push(event))
    const peer = await RawPeer.connect(node.port)
    await peer.write(encodeFrame('T', runBody(5)))
    await peer.whenClosed()
    expect(errors[0]?.error.message).toMatch(/before the handshake/)
    expect(node.edges).toEqual([])
  })
})
