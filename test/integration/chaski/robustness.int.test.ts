// Every byte from the network is untrusted (spec §2 Ours): malformed, oversized and random frames on TCP close
// only that connection, with the reason logged and emitted; real peers keep being served.
import dgram from 'node:dgram'
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { msgpackCodec } from '../../../src/main/chaski/codec'
import { encodeFrame } from '../../../src/main/chaski/framing'
import {
  setLogSink,
  type ChaskiNode,
  type LogRecord,
  type ProtocolErrorEvent
} from '../../../src/main/chaski/index'
import { setLogLevel, stderrSink } from '../../../src/main/chaski/logger'
import { MAX_DISCOVERY_RELAYS_PER_EDGE } from '../../../src/main/chaski/constants'
import { fakePeer } from '../../helpers/fake-peer'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

const createNode = useNodes({ secure: false, reconnections: 0 })

afterEach(() => {
  setLogSink(stderrSink)
  setLogLevel('silent')
})

function frameOf(command: string, data: unknown, extra: Record<string, unknown> = {}): Buffer {
  const body = { command, topic: 'All', data, timestamp: Date.now(), ttl: 5, uuid: 'u-1', ...extra }
  return encodeFrame('All', msgpackCodec.encode(body))
}

const validIdentity = (port: number) => ({
  id: 'attacker',
  name: 'evil',
  ip: '127.0.0.1',
  port,
  subscriptions: ['t'],
  paired: false,
  root: false,
  v: 1,
  vmin: 1
})

interface Probe {
  socket: net.Socket
  closed: Promise<void>
}

async function rawConnect(port: number): Promise<Probe> {
  const socket = net.connect({ host: '127.0.0.1', port })
  socket.on('error', () => {})
  socket.on('data', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  return { socket, closed }
}

function header(bodyLength: number, topicLength: number): Buffer {
  const buf = Buffer.alloc(8)
  buf.writeUInt32BE(bodyLength, 0)
  buf.writeUInt32BE(topicLength, 4)
  return buf
}

async function servedPair(): Promise<{
  server: ChaskiNode
  friend: ChaskiNode
  errors: ProtocolErrorEvent[]
}> {
  const server = await createNode({ name: 'server', subscriptions: ['t'], maxFrameSize: 64 * 1024 })
  const friend = await createNode({ name: 'friend', subscriptions: ['t'] })
  await friend.connect(server)
  const errors: ProtocolErrorEvent[] = []
  server.on('protocol-error', (event) => errors.push(event))
  return { server, friend, errors }
}

async function stillServes(server: ChaskiNode, friend: ChaskiNode): Promise<void> {
  expect(server.running).toBe(true)
  expect(server.edges.map((edge) => edge.name)).toContain('friend')
  expect(await friend.ping(friend.edges[0]!, { timeoutMs: 5_000 })).toBeGreaterThan(0)
  const got: unknown[] = []
  server.on('message', ({ data }) => got.push(data))
  await friend.publish('t', 'still here')
  await waitFor(() => got.includes('still here'))
}

const badInputs: [string, (port: number) => Buffer][] = [
  ['random bytes', () => randomBytes(4096)],
  ['an oversized frame header (checked before allocating)', () => header(0xfffffff0, 3)],
  ['a topic length above the limit', () => Buffer.concat([header(10, 5000), Buffer.alloc(64)])],
  ['an undecodable body', () => encodeFrame('All', Buffer.from([0xc1, 0xc1, 0xc1]))],
  ['a body that is not a map', () => encodeFrame('All', msgpackCodec.encode([1, 2, 3]))],
  ['a frame before the handshake', () => frameOf('ping', { ping_id: 1 })],
  ['a handshake with a bad port', (port) => frameOf('handshake', { ...validIdentity(port), port: 70000 })],
  [
    'a handshake with a __proto__ payload',
    (port) =>
      frameOf('handshake', { ...validIdentity(port), subscriptions: { __proto__: { polluted: true } } })
  ],
  [
    'a handshake with a huge name',
    (port) => frameOf('handshake', { ...validIdentity(port), name: 'x'.repeat(5000) })
  ],
  [
    'an unsupported protocol version',
    (port) => frameOf('handshake', { ...validIdentity(port), v: 7, vmin: 7 })
  ],
  ['a body topic that differs from the frame topic', () => frameOf('handshake', {}, { topic: 'other' })],
  [
    'a valid handshake followed by a bad discovery',
    (port) =>
      Buffer.concat([
        frameOf('handshake', validIdentity(port)),
        frameOf('discovery', { search: 's', topic: 't', origin_id: 'o', visited: 'not-a-list' })
      ])
  ],
  [
    'a valid handshake followed by a ping with a string id',
    (port) => Buffer.concat([frameOf('handshake', validIdentity(port)), frameOf('ping', { ping_id: 'one' })])
  ],
  [
    "a valid handshake followed by a user message on topic 'All' (docs/PROTOCOL.md §10)",
    (port) => Buffer.concat([frameOf('handshake', validIdentity(port)), frameOf('message', 'hello')])
  ],
  [
    'a valid handshake followed by a control command (ping) on a user topic',
    (port) => {
      const body = { command: 'ping', topic: 't', data: { ping_id: 1 }, timestamp: 1, ttl: 5, uuid: 'u-2' }
      return Buffer.concat([
        frameOf('handshake', validIdentity(port)),
        encodeFrame('t', msgpackCodec.encode(body))
      ])
    }
  ]
]

describe('malformed input on TCP', () => {
  for (const [what, make] of badInputs) {
    it(`closes only the offending connection on ${what}`, async () => {
      const { server, friend, errors } = await servedPair()
      const records: LogRecord[] = []
      setLogLevel('warn')
      setLogSink((record) => records.push(record))
      const probe = await rawConnect(server.port)
      probe.socket.write(make(server.port))
      await probe.closed
      await waitFor(() => errors.length >= 1, { message: 'protocol-error emitted' })
      expect(errors[0]!.transport).toBe('tcp')
      expect(errors[0]!.error.message.length).toBeGreaterThan(0)
      // Logged as a warning by the server's connections, the line saying which node it is.
      const warning = records.find(
        (record) => record.level === 'warn' && record.name === 'chaski:connections'
      )
      expect(warning?.node).toEqual({ id: server.id, name: server.name })
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      await stillServes(server, friend)
      expect(server.edges).toHaveLength(1)
    })
  }

  it('a connection that never sends a handshake is dropped after the handshake timeout', async () => {
    const server = await createNode({ handshakeTimeoutMs: 100 })
    const probe = await rawConnect(server.port)
    await probe.closed
    expect(server.edges).toHaveLength(0)
  })

  it('a frame split into 1-byte chunks is still decoded (and a slowloris peer costs nothing)', async () => {
    const server = await createNode({ name: 'server' })
    const probe = await rawConnect(server.port)
    const bytes = frameOf('handshake', validIdentity(server.port))
    for (const byte of bytes) {
      probe.socket.write(Buffer.from([byte]))
      await new Promise((resolve) => setImmediate(resolve))
    }
    await waitFor(() => server.edges.length === 1)
    expect(server.edges[0]!.name).toBe('evil')
    probe.socket.destroy()
    await waitFor(() => server.edges.length === 0)
  })

  it('unknown commands are ignored and the edge stays', async () => {
    const { server, friend } = await servedPair()
    const probe = await rawConnect(server.port)
    probe.socket.write(
      Buffer.concat([frameOf('handshake', validIdentity(server.port)), frameOf('teleport', { to: 'mars' })])
    )
    await waitFor(() => server.edges.length === 2)
    await stillServes(server, friend)
    expect(server.edges).toHaveLength(2)
    probe.socket.destroy()
  })

  it('frames for topics the node does not subscribe to are skipped without decoding', async () => {
    const { server, friend, errors } = await servedPair()
    const probe = await rawConnect(server.port)
    probe.socket.write(frameOf('handshake', validIdentity(server.port)))
    await waitFor(() => server.edges.length === 2)
    // Garbage body under a topic the server does not subscribe to: skipped, never decoded, no error.
    probe.socket.write(Buffer.concat([header(1000, 5), Buffer.from('other'), randomBytes(1000)]))
    probe.socket.write(frameOf('teleport', {}))
    await stillServes(server, friend)
    expect(errors).toHaveLength(0)
    expect(server.edges).toHaveLength(2)
    probe.socket.destroy()
  })
})

describe('slow handlers do not stall a connection', () => {
  it('a discovery waiting on a silent UDP status does not delay pings on the same link', async () => {
    // The paired node asks the origin's status over UDP before pairing (spec §5); that origin never answers.
    const silent = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => silent.bind({ address: '127.0.0.1', port: 0 }, () => resolve()))
    try {
      const paired = await createNode({ subscriptions: ['S'], paired: true, statusTimeoutMs: 3_000 })
      const probe = await rawConnect(paired.port)
      const pongs: number[] = []
      let sentAt = 0
      const decoderBytes: Buffer[] = []
      probe.socket.on('data', (chunk: Buffer) => {
        decoderBytes.push(chunk)
        if (Buffer.concat(decoderBytes).includes(Buffer.from('pong'))) pongs.push(Date.now() - sentAt)
      })
      probe.socket.write(frameOf('handshake', { ...validIdentity(paired.port), subscriptions: ['S'] }))
      await waitFor(() => paired.edges.length === 1)
      const discovery = {
        search: 'search-1',
        topic: 'S',
        origin_id: 'far-away',
        origin_name: 'origin',
        origin_ip: '127.0.0.1',
        origin_port: silent.address().port,
        previous_hop: 'attacker',
        visited: ['attacker'],
        on_pair: 'none',
        root_ip: '127.0.0.1',
        root_port: paired.port,
        wait_ms: 10_000
      }
      probe.socket.write(frameOf('discovery', discovery))
      sentAt = Date.now()
      probe.socket.write(frameOf('ping', { ping_id: 1, latency_update: false, dummy_data: null }))
      await waitFor(() => pongs.length > 0, { timeoutMs: 10_000 })
      // Answered while the status request (3 s bound) is still pending.
      expect(pongs[0]!).toBeLessThan(2_500)
      probe.socket.destroy()
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })
})

describe('floods are bounded', () => {
  it('fresh discovery searches from one peer beyond the relay bound are answered none, and not fanned out', async () => {
    const node = await createNode({ subscriptions: ['A'], discoveryHopWaitMs: 60_000 })
    const flooder = await fakePeer({ answerPings: false, id: 'flooder', subscriptions: ['A'] })
    const sink = await fakePeer({ answerPings: true, id: 'sink', subscriptions: ['A'] })
    try {
      await node.connect(`127.0.0.1:${flooder.port}`)
      const toSink = await node.connect(`127.0.0.1:${sink.port}`)
      const bound = MAX_DISCOVERY_RELAYS_PER_EDGE
      const total = bound + 500
      for (let i = 0; i < total; i++) {
        flooder.send('discovery', {
          search: `search-${i}`,
          topic: 'A',
          origin_id: 'far-away',
          origin_name: 'origin',
          origin_ip: '127.0.0.1',
          origin_port: flooder.port,
          previous_hop: 'flooder',
          visited: ['flooder'],
          on_pair: 'none',
          root_ip: '127.0.0.1',
          root_port: flooder.port,
          wait_ms: 60_000
        })
      }
      // The first `bound` searches are relayed to the sink, which never answers: they wait. The rest are
      // answered 'none' at once.
      await waitFor(() => flooder.received('discovery_ack') >= total - bound, {
        timeoutMs: 10_000,
        message: `${total - bound} discovery_ack 'none' to the flooder`
      })
      // The pong comes after the sink has read every discovery the node forwarded before the ping.
      await node.ping(toSink)
      expect(sink.received('discovery')).toBe(bound)
      expect(flooder.received('discovery_ack')).toBe(total - bound)
      const results = flooder.receivedData('discovery_ack').map((ack) => (ack as { result?: string }).result)
      expect(new Set(results)).toEqual(new Set(['none']))
      expect(node.edges).toHaveLength(2)
    } finally {
      await Promise.all([flooder.close(), sink.close()])
    }
  })
})
