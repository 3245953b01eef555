// Issue #11 row 2: frames whose data is a 4 MiB BigInt (msgpack extension 0x42) used to cost the node ~65× more CPU
// per byte than ordinary frames (a well-behaved peer's ping median went from 1 ms to 200+ ms). Now an extension is
// refused at its first byte, and before the handshake such a frame is refused at its header (too large for a
// handshake). Measured against the same flood of ordinary bytes on the same machine, not an absolute figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChaskiNode, type Edge } from '../../../src/main/chaski/index'
import { ChildNode, ext32, frame, handshakeData, mapOf, median, plain, RawPeer } from './raw-peer'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

/** Data bytes of one frame: the frame (with its envelope) stays within the default 4 MiB limit. */
const FRAME_BYTES = 4 * 1024 * 1024 - 1024
const FRAMES = 32
const CONNECTIONS = 2

/** msgpack bin 32 of `size` bytes: ordinary data of the same size as the extension. */
function bin32(size: number): Buffer {
  const out = Buffer.alloc(5 + size, 0x5a)
  out[0] = 0xc6
  out.writeUInt32BE(size, 1)
  return out
}

let target: ChildNode
let pinger: ChaskiNode
let edge: Edge

beforeAll(async () => {
  target = await ChildNode.start({ subscriptions: ['news'], keepAlive: false, reconnections: 0 })
  pinger = new ChaskiNode({ secure: false, ip: '127.0.0.1', port: 0, keepAlive: false, reconnections: 0 })
  await pinger.ready
  edge = await pinger.connect(`127.0.0.1:${target.port}`)
})

afterAll(async () => {
  await pinger.stop()
  await target.kill()
})

interface Phase {
  /** Median round trip of the pings (ms). */
  ping: number
  /** CPU time the node's process used (ms). */
  cpu: number
}

/**
 * Pings of a well-behaved peer, one started every PING_EVERY_MS (so the samples spread over time as the node's load
 * does), and the node's CPU time, while CONNECTIONS attackers run `attack` until FRAMES frames went out and 30 pings
 * ended.
 */
async function during(attack: () => Promise<number>): Promise<Phase> {
  const rtts: number[] = []
  const pending: Promise<void>[] = []
  let frames = 0
  let done = false
  const cpuBefore = target.cpuMs()
  const attackers = Array.from({ length: CONNECTIONS }, async () => {
    while (frames < FRAMES || rtts.length < 30) frames += await attack()
  })
  const pinging = (async () => {
    while (!done || rtts.length < 30) {
      pending.push(
        pinger.ping(edge, { latencyUpdate: false, timeoutMs: 30_000 }).then((ms) => void rtts.push(ms))
      )
      await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS))
    }
  })()
  await Promise.all(attackers)
  const cpu = target.cpuMs() - cpuBefore
  done = true
  await pinging
  await Promise.all(pending)
  return { ping: median(rtts), cpu }
}

/** Idle, a flood of ordinary 4 MiB frames, the same flood with BigInt extensions: the last costs about the second. */
async function compare(ordinary: () => Promise<number>, bigint: () => Promise<number>): Promise<void> {
  const quiet = await during(idle)
  const plainFlood = await during(ordinary)
  const extFlood = await during(bigint)
  const figures =
    `ping median: idle ${quiet.ping.toFixed(2)} ms, ordinary flood ${plainFlood.ping.toFixed(2)} ms, BigInt ` +
    `flood ${extFlood.ping.toFixed(2)} ms; node CPU: ordinary flood ${plainFlood.cpu} ms, BigInt flood ${extFlood.cpu} ms`
  // What the node spends: CPU time of its process (counted in 10 ms ticks: a few ticks of slack).
  expect(extFlood.cpu, figures).toBeLessThanOrEqual(2 * plainFlood.cpu + 50)
  // What a well-behaved peer sees (wall-clock, so with room for a machine busy with other tests).
  expect(extFlood.ping, figures).toBeLessThanOrEqual(10 * Math.max(quiet.ping, plainFlood.ping))
  expect(target.alive).toBe(true)
}

const PING_EVERY_MS = 10
/** Frames written back to back on one connection. */
const PIPELINE = 8
const PING = plain({ ping_id: 1, latency_update: false, dummy_data: null })
let nextId = 0

/** A valid handshake carrying `pad` as an extra field (receivers ignore unknown fields). */
function paddedHandshake(pad: Buffer): Buffer {
  const identity = handshakeData(`attacker-${nextId++}`, 20_000 + nextId)
  return mapOf([
    ...Object.entries(identity).map(([key, value]): [string, Buffer] => [key, plain(value)]),
    ['pad', pad]
  ])
}

/**
 * Before any handshake: PIPELINE handshake frames padded with `pad`, back to back, then a ping; done when the
 * node answered it or hung up. Returns the frames sent.
 */
async function handshakes(pad: () => Buffer): Promise<number> {
  const peer = await RawPeer.connect(target.port)
  for (let i = 0; i < PIPELINE; i++) void peer.write(frame('handshake', 'All', paddedHandshake(pad())))
  await peer.write(frame('ping', 'All', PING))
  await peer.next('pong', 30_000).catch(() => undefined) // a node that hung up answers no ping
  peer.destroy()
  return PIPELINE
}

/** After a handshake: PIPELINE messages on the subscribed topic, back to back, then a ping (as above). */
async function messages(data: Buffer): Promise<number> {
  const peer = await RawPeer.handshake(target.port, `attacker-${nextId++}`, { subscriptions: ['news'] })
  for (let i = 0; i < PIPELINE; i++) void peer.write(frame('message', 'news', data))
  await peer.write(frame('ping', 'All', PING))
  await peer.next('pong', 30_000).catch(() => undefined)
  peer.destroy()
  return PIPELINE
}

/** No attack: time passes (one "frame" per ping period). */
async function idle(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS))
  return 1
}

describe('a flood of 4 MiB BigInt extensions costs what the same bytes of ordinary data cost', () => {
  it('in handshakes, before any handshake completed', async () => {
    await compare(
      () => handshakes(() => bin32(FRAME_BYTES)),
      () => handshakes(() => ext32(0x42, FRAME_BYTES))
    )
  })

  it('in messages on a subscribed topic, after the handshake', async () => {
    await compare(
      () => messages(bin32(FRAME_BYTES)),
      () => messages(ext32(0x42, FRAME_BYTES))
    )
  })
})
