// Issue #11 row 4: a frame header announcing 4 MiB, then 4 MiB − 1 bytes, on 150 connections used to make the node
// hold ~3 MiB per connection (RSS 213 → 665 MiB), before the handshake (held until its deadline) as after it. Now a
// frame before the handshake may be at most 288 KiB, and all links together hold at most 64 MiB of unfinished
// frames after it; the link that would go over is closed with `close {reason: 'overloaded'}` (docs/PROTOCOL.md §10).
import { afterEach, describe, expect, it } from 'vitest'
import { useFileNode } from '../../helpers/nodes'
import { ChildNode, RawPeer } from './raw-peer'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

const MiB = 1024 * 1024
const CONNECTIONS = 150
/** Before the handshake: a first chunk or so read per connection, then refused at the header. */
const GROWTH_BOUND_BEFORE = 96 * MiB
/** 64 MiB of unfinished frames (docs/PROTOCOL.md §10), plus what reading in 64 KiB chunks and GC leave around. */
const GROWTH_BOUND_AFTER = 160 * MiB

/** A frame header announcing 4 MiB (topic + body) and all of it but the last byte: a frame that never completes. */
function almostAFrame(topic: string): Buffer {
  const topicBytes = Buffer.from(topic)
  const body = 4 * MiB - topicBytes.length
  const header = Buffer.alloc(8)
  header.writeUInt32BE(body, 0)
  header.writeUInt32BE(topicBytes.length, 4)
  return Buffer.concat([header, topicBytes, Buffer.alloc(body - 1, 0x5a)])
}

const legitNode = useFileNode({ secure: false, name: 'legit', reconnections: 0 })
afterEach(() => ChildNode.killAll())

/** Sends `bytes` on every peer; resolves when each one has written it all or was closed by the node. */
async function sendAll(peers: RawPeer[], bytes: Buffer): Promise<void> {
  await Promise.all(peers.map((peer) => peer.write(bytes)))
}

/** Source addresses for the attack's connections (at most 128 may wait for a handshake per source). */
const source = (i: number): string => `127.0.0.${2 + (i % 4)}`

describe('bytes held for unfinished frames', () => {
  it(`before the handshake: ${CONNECTIONS} connections announcing 4 MiB frames cost the node almost nothing`, async () => {
    const target = await ChildNode.start({ keepAlive: false, reconnections: 0 })
    const before = target.memory().rss
    const peers = await Promise.all(
      Array.from({ length: CONNECTIONS }, (_, i) => RawPeer.connect(target.port, source(i)))
    )
    await sendAll(peers, almostAFrame('All'))
    const growth = target.memory().peak - before
    expect(growth, `peak RSS growth ${(growth / MiB).toFixed(0)} MiB`).toBeLessThan(GROWTH_BOUND_BEFORE)
    await Promise.all(peers.map((peer) => peer.whenClosed(4_000))) // refused at the header, not at the deadline
    for (const peer of peers) peer.destroy()
  })

  it(`after the handshake: ${CONNECTIONS} links announcing 4 MiB frames are held to 64 MiB; the rest are dropped`, async () => {
    const target = await ChildNode.start({ keepAlive: false, reconnections: 0, subscriptions: ['news'] })
    const peers: RawPeer[] = []
    for (let i = 0; i < CONNECTIONS; i++) {
      peers.push(
        await RawPeer.handshake(target.port, `hog-${i}`, { subscriptions: ['news'], localAddress: source(i) })
      )
    }
    const before = target.memory().rss
    await sendAll(peers, almostAFrame('news'))
    const growth = target.memory().peak - before
    expect(growth, `peak RSS growth ${(growth / MiB).toFixed(0)} MiB`).toBeLessThan(GROWTH_BOUND_AFTER)
    const overloaded = peers.filter((peer) => peer.closeReason === 'overloaded').length
    // 16 links of 4 MiB fill 64 MiB: the others were told why they were dropped.
    expect(overloaded).toBeGreaterThanOrEqual(CONNECTIONS - 20)
    // The node itself is fine: a new peer links and pings.
    const legit = legitNode()
    const edge = await legit.connect(`127.0.0.1:${target.port}`)
    expect(await legit.ping(edge)).toBeGreaterThan(0)
    await legit.closeConnection(edge)
    for (const peer of peers) peer.destroy()
  })
})
