// Malformed, spoofed and flooding beacons from raw dgram sockets on loopback: dropped, reported, bounded, and the
// honest peers keep discovering each other.
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeBeacon, LanDiscovery } from '../../../src/main/chaski/lan/index'
import type { Beacon, BeaconRejectedError } from '../../../src/main/chaski/lan/index'
import { setLogLevel } from '../../../src/main/chaski/logger'
import { sendDatagram, useLoopbackSenders } from '../../helpers/loopback-beacons'
import { uniqueBeaconEndpoint, waitFor } from './lan-test-env'

setLogLevel('silent')

const running: LanDiscovery[] = []
const rawSender = useLoopbackSenders()

afterEach(async () => {
  await Promise.all(running.splice(0).map((lan) => lan.stop()))
})

function makeLan(endpoint: { group: string; port: number }, port: number, init: { maxPeers?: number } = {}) {
  const id = randomUUID()
  const lan = new LanDiscovery({
    options: { group: endpoint.group, port: endpoint.port },
    self: () => ({
      id,
      name: 'honest',
      v: 1,
      ip: '127.0.0.1',
      port,
      subscriptions: ['A'],
      paired: false,
      root: false
    }),
    isConnected: () => false,
    ...init
  })
  const rejected: BeaconRejectedError[] = []
  lan.on('beacon-rejected', (error) => rejected.push(error))
  running.push(lan)
  return { id, lan, rejected }
}

function beacon(overrides: Partial<Beacon> = {}): Omit<Beacon, 'truncated'> {
  return {
    kind: 'announce',
    v: 1,
    id: randomUUID(),
    name: 'fake',
    ip: '127.0.0.1',
    port: 50_000,
    subscriptions: ['A'],
    paired: false,
    root: false,
    intervalMs: 1000,
    seq: 1,
    ...overrides
  }
}

describe('LanDiscovery against hostile datagrams', () => {
  it('drops garbage, truncated, oversized and spoofed-looking beacons with a reported reason', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const a = makeLan(endpoint, 46_001)
    const b = makeLan(endpoint, 46_002)
    await Promise.all([a.lan.start(), b.lan.start()])
    const raw = await rawSender()
    const good = encodeBeacon(beacon())
    const portZero = Buffer.from(good)
    portZero.writeUInt16BE(0, 8)
    const wrongVersion = Buffer.from(good)
    wrongVersion[4] = 9
    const hostile = [
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      Buffer.alloc(0),
      Buffer.alloc(1500, 0x41),
      good.subarray(0, good.length - 3),
      Buffer.concat([good, Buffer.from('trailing')]),
      portZero,
      wrongVersion,
      Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) & 255))
    ]
    for (const data of hostile) await sendDatagram(raw, data, endpoint)

    await waitFor(() => a.lan.peers.has(b.id) && b.lan.peers.has(a.id), { timeoutMs: 1000 })
    await waitFor(
      () => Object.values(a.lan.stats.dropped).reduce((sum, n) => sum + (n ?? 0), 0) === hostile.length,
      {
        timeoutMs: 1000,
        message: 'every hostile datagram to be counted'
      }
    )
    expect(a.lan.stats.dropped).toEqual({
      'too-short': 2, // empty, and the 18-byte HTTP line
      'too-large': 1,
      malformed: 2, // truncated, trailing bytes
      'bad-field': 1, // port 0
      'unsupported-version': 1,
      'bad-magic': 1
    })
    // Each reason is reported (logged + emitted) once at first, then summarised.
    expect(a.rejected.every((error) => error.name === 'BeaconRejectedError')).toBe(true)
    expect(new Set(a.rejected.map((error) => error.reason))).toEqual(
      new Set(Object.keys(a.lan.stats.dropped))
    )
    expect([...a.lan.peers.keys()]).toEqual([b.id])
  })

  it('ignores a forged goodbye that does not come from where the peer speaks', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const a = makeLan(endpoint, 46_011)
    const b = makeLan(endpoint, 46_012)
    await Promise.all([a.lan.start(), b.lan.start()])
    await waitFor(() => a.lan.peers.has(b.id), { timeoutMs: 1000 })
    const raw = await rawSender()
    await sendDatagram(
      raw,
      encodeBeacon(beacon({ kind: 'goodbye', id: b.id, port: 46_012, seq: 999 })),
      endpoint
    )
    // Let the forged goodbye arrive, then prove b is still listed with a real beacon after it.
    const before = a.lan.stats.accepted
    await waitFor(() => a.lan.stats.accepted > before + 1, {
      timeoutMs: 2000,
      message: 'traffic after the forgery'
    })
    expect(a.lan.peers.has(b.id)).toBe(true)
  })

  it('rate-limits a flood from one source and keeps the honest peer', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const a = makeLan(endpoint, 46_021)
    const b = makeLan(endpoint, 46_022)
    await Promise.all([a.lan.start(), b.lan.start()])
    const raw = await rawSender()
    // Paced in batches so the kernel's receive buffer does not drop most of the flood before we read it.
    for (let i = 0; i < 2000; i++) {
      await sendDatagram(raw, encodeBeacon(beacon({ seq: i, port: 10_000 + i })), endpoint)
      if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1))
    }
    await waitFor(() => (a.lan.stats.dropped['rate-limited'] ?? 0) > 500, {
      timeoutMs: 2000,
      message: 'rate limiting'
    })
    // At most the burst (20) plus what refilled at 10/s during the flood got through (plus b's own beacons).
    expect(a.lan.stats.accepted).toBeLessThan(60)
    expect(a.lan.peers.size).toBeLessThan(60)
    expect(a.rejected.some((error) => error.reason === 'rate-limited')).toBe(true)
    await waitFor(() => a.lan.peers.has(b.id) && b.lan.peers.has(a.id), { timeoutMs: 1500 })
  })

  it('bounds the peer table under a flood of fake ids from many sources', async () => {
    const endpoint = uniqueBeaconEndpoint()
    const a = makeLan(endpoint, 46_031, { maxPeers: 64 })
    const b = makeLan(endpoint, 46_032)
    await Promise.all([a.lan.start(), b.lan.start()])
    await waitFor(() => a.lan.peers.has(b.id), { timeoutMs: 1000 })
    const senders = await Promise.all(Array.from({ length: 40 }, () => rawSender()))
    for (let round = 0; round < 10; round++) {
      for (const [i, socket] of senders.entries()) {
        await sendDatagram(socket, encodeBeacon(beacon({ port: 20_000 + round * 100 + i })), endpoint)
      }
    }
    await waitFor(() => (a.lan.stats.dropped['table-full'] ?? 0) > 0, {
      timeoutMs: 2000,
      message: 'a full table'
    })
    expect(a.lan.peers.size).toBe(64)
    // The honest peer was there first and stays; fakes expire after 2.8 intervals and free the table.
    expect(a.lan.peers.has(b.id)).toBe(true)
    await waitFor(() => a.lan.peers.size === 1, { timeoutMs: 5000, message: 'fake peers to expire' })
    expect(a.lan.peers.has(b.id)).toBe(true)
  })
})
