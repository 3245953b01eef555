// Issue #11 row 3: TCP connections that never send a byte used to be kept until their handshake deadline, with no
// cap: enough of them took every file descriptor and a legitimate peer could no longer connect. Now at most 128 per
// source address and 512 in total wait for their handshake (docs/PROTOCOL.md §10); beyond that a new connection is
// closed at once. The node runs in a child process with a 1024 open-file limit, as many systems have.
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { useFileNode } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { ChildNode } from './raw-peer'

// Plaintext nodes (secure: false): these tests speak raw protocol version 1 frames to them, the frame layer a
// secure link carries inside TLS (test/integration/security/secure-links.int.test.ts covers the TLS part).

/** docs/PROTOCOL.md §10. */
const PER_SOURCE = 128
const TOTAL = 512
/** Below the 5 s handshake deadline: whatever the node closes by then, it closed because of a cap. */
const REFUSAL_BOUND_MS = 4_000

const sockets: net.Socket[] = []
const legitNode = useFileNode({ secure: false, name: 'legit', reconnections: 0 })
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await ChildNode.killAll()
})

interface Silent {
  /** Connections the node closed so far. */
  readonly closed: number
  readonly total: number
}

/** Opens `count` connections from `localAddress` that never send a byte; counts those the node closes. */
async function silentConnections(port: number, localAddress: string, count: number): Promise<Silent> {
  const state = { closed: 0, total: count }
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const socket = net.connect({ host: '127.0.0.1', port, localAddress })
          sockets.push(socket)
          socket.on('error', () => {})
          socket.once('close', () => state.closed++)
          socket.once('connect', () => resolve())
          socket.once('close', () => resolve())
        })
    )
  )
  return state
}

/** Waits (bounded) for `condition`; the failure says what was seen at the end. */
async function within(timeoutMs: number, condition: () => boolean, describe: () => string): Promise<void> {
  await waitFor(condition, { timeoutMs }).catch(() => {
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`)
  })
}

describe('connections that never finish their handshake', () => {
  it(`are held at most ${PER_SOURCE} per source; the rest are closed at once and a legitimate peer still connects`, async () => {
    const target = await ChildNode.start({ keepAlive: false, reconnections: 0 }, { fdLimit: 1024 })
    const flood = await silentConnections(target.port, '127.0.0.2', 1500)
    // A peer from another address connects and pings while the flood's connections are held.
    const legit = legitNode()
    const edge = await legit.connect(`127.0.0.1:${target.port}`)
    expect(await legit.ping(edge)).toBeGreaterThan(0)
    await within(
      REFUSAL_BOUND_MS,
      () => flood.closed >= flood.total - PER_SOURCE,
      () =>
        `the node to close all but ${PER_SOURCE} of ${flood.total} silent connections (closed: ${flood.closed})`
    )
    expect(flood.total - flood.closed).toBe(PER_SOURCE)
    expect(target.openFiles()).toBeLessThan(PER_SOURCE + 100)
    await legit.closeConnection(edge)
  })

  it(`are held at most ${TOTAL} in total, from however many sources`, async () => {
    const target = await ChildNode.start({ keepAlive: false, reconnections: 0 }, { fdLimit: 1024 })
    const sources = Array.from({ length: 6 }, (_, i) => `127.0.0.${10 + i}`)
    const floods = await Promise.all(sources.map((source) => silentConnections(target.port, source, 120)))
    const open = (): number => floods.reduce((sum, flood) => sum + flood.total - flood.closed, 0)
    await within(
      REFUSAL_BOUND_MS,
      () => open() <= TOTAL,
      () => `at most ${TOTAL} silent connections held (open: ${open()})`
    )
    expect(open()).toBe(TOTAL)
    expect(target.openFiles()).toBeLessThan(TOTAL + 100)
  })
})
