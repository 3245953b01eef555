// ConnectionManager (connections.ts) through its narrow host interface (ConnectionHost): handshakes, the edge
// registry, duplicate links, deliberate closes, limits and reconnection, between managers over real loopback TCP,
// with each node's time on a clock the test moves by hand (handshake deadlines, reconnection backoff). The host
// routes only the connection commands (handshake, handshake_back, close, update) to the manager, as the command
// registry does in a node, and records every event.
import net from 'node:net'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { closeCommand } from '../../../src/main/chaski/commands/close'
import { handshakeCommand, type HandshakeData } from '../../../src/main/chaski/commands/handshake'
import { handshakeBackCommand } from '../../../src/main/chaski/commands/handshake-back'
import { updateCommand } from '../../../src/main/chaski/commands/update'
import { ConnectionManager, type ConnectionHost } from '../../../src/main/chaski/connections'
import type { LinkedEdge } from '../../../src/main/chaski/linked-edge'
import type { Envelope } from '../../../src/main/chaski/envelope'
import type { ChaskiNodeEvents } from '../../../src/main/chaski/events'
import { createLogger, setLogLevel } from '../../../src/main/chaski/index'
import { normalizeOptions, type NormalizedOptions } from '../../../src/main/chaski/options'
import type { PeerLink } from '../../../src/main/chaski/peer-link'
import { tcpTransport } from '../../../src/main/chaski/transport'
import { WireFormat } from '../../../src/main/chaski/wire'
import { ManualClock } from '../../helpers/manual-clock'
import { tcpRelay } from '../../helpers/tcp-relay'
import { waitFor } from '../../helpers/wait-for'

setLogLevel('silent')

type Recorded = {
  [K in keyof ChaskiNodeEvents]: { event: K; payload: ChaskiNodeEvents[K] }
}[keyof ChaskiNodeEvents]

const CONNECTION_COMMANDS = {
  handshake: handshakeCommand,
  handshake_back: handshakeBackCommand,
  close: closeCommand,
  update: updateCommand
} as const

/** One node's connection layer: its manager, its listening socket, what it emitted. */
class TestNode implements ConnectionHost {
  readonly options: Readonly<NormalizedOptions>
  readonly log = createLogger('chaski:test')
  readonly clock = new ManualClock()
  readonly transport = tcpTransport
  readonly wire: WireFormat
  readonly events: Recorded[] = []
  readonly manager: ConnectionManager
  port = 0
  /** What this node says in its handshakes (the test may make it speak other versions). */
  versions = { v: 1, vmin: 1 }
  private readonly server: net.Server

  constructor(
    readonly id: string,
    options: Parameters<typeof normalizeOptions>[0] = {}
  ) {
    // Plain TCP, protocol version 1: this spec drives the manager over a bare net.Server (a fixed id needs secure: false).
    this.options = normalizeOptions({ ip: '127.0.0.1', port: 0, id, name: id, secure: false, ...options })
    this.wire = new WireFormat(this.options.codec, false, false)
    this.manager = new ConnectionManager(this)
    this.server = net.createServer({ noDelay: true }, (socket) => this.manager.accept(socket))
  }

  async listen(): Promise<this> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    this.port = (this.server.address() as net.AddressInfo).port
    return this
  }

  async stop(): Promise<void> {
    await this.manager.stop()
    this.server.close()
  }

  isRunning(): boolean {
    return true
  }

  listeningPort(): number {
    return this.port
  }

  handshakeData(version: number, reconnect: boolean): HandshakeData {
    return {
      v: version === 1 ? this.versions.v : version,
      vmin: this.versions.vmin,
      reconnect,
      features: [],
      id: this.id,
      name: this.id,
      ip: '127.0.0.1',
      port: this.port,
      subscriptions: ['t'],
      paired: false,
      root: false
    }
  }

  acceptsTopic(topic: string): boolean {
    return topic === 'All'
  }

  /** No user topics here: these specs exchange control frames only. */
  dispatchRun(): void {
    throw new Error('no message runs in these specs')
  }

  dispatch(link: PeerLink, envelope: Envelope): void {
    const command = CONNECTION_COMMANDS[envelope.command as keyof typeof CONNECTION_COMMANDS]
    if (command === undefined) return
    // Each command validates its data, then hands it to the manager (its receiver).
    ;(command.handle as (context: unknown, link: PeerLink, data: unknown, envelope: Envelope) => void)(
      { connections: this.manager },
      link,
      command.read(envelope.data as never),
      envelope
    )
  }

  onEdgeRemoved(): void {}
  onLinkReplaced(): void {}

  emit<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): void {
    this.events.push({ event, payload } as Recorded)
  }

  /** Payloads of `event` so far. */
  seen<K extends keyof ChaskiNodeEvents>(event: K): ChaskiNodeEvents[K][] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as ChaskiNodeEvents[K])
  }

  ids(): string[] {
    return this.manager.edges.map((edge) => edge.id).sort()
  }
}

const nodes: TestNode[] = []
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((node) => node.stop()))
})

async function node(id: string, options: Parameters<typeof normalizeOptions>[0] = {}): Promise<TestNode> {
  const created = await new TestNode(id, options).listen()
  nodes.push(created)
  return created
}

describe('ConnectionManager', () => {
  it('when connect() resolves, both sides list the edge with the peer’s identity (edge-added on each)', async () => {
    const [a, b] = [await node('a'), await node('b')]
    const edge = await a.manager.connect('127.0.0.1', b.port, false)
    expect(edge).toMatchObject({ id: 'b', name: 'b', port: b.port, direction: 'outbound', version: 1 })
    expect([...edge.subscriptions]).toEqual(['t'])
    expect(b.manager.edges.map((e) => [e.id, e.direction])).toEqual([['a', 'inbound']])
    expect(a.seen('edge-added').map((e) => e.reconnected)).toEqual([false])
    expect(b.seen('edge-added').map((e) => e.edge.id)).toEqual(['a'])
    // Asking again gives the same edge; concurrent calls to a new address share one attempt.
    expect(await a.manager.connect('127.0.0.1', b.port, false)).toBe(edge)
    const c = await node('c')
    const [first, second] = await Promise.all([
      a.manager.connect('127.0.0.1', c.port, false),
      a.manager.connect('127.0.0.1', c.port, false)
    ])
    expect(first).toBe(second)
    expect(c.manager.edges).toHaveLength(1)
  })

  it('both sides dialling at once end with one edge each, on the link the lower id opened', async () => {
    const [a, b] = [await node('a'), await node('b')]
    const [fromA, fromB] = await Promise.all([
      a.manager.connect('127.0.0.1', b.port, false),
      b.manager.connect('127.0.0.1', a.port, false)
    ])
    await waitFor(() => a.manager.edges.length === 1 && b.manager.edges.length === 1)
    expect(fromA.id).toBe('b')
    expect(fromB.id).toBe('a')
    expect(a.manager.edges[0]!.direction).toBe('outbound')
    expect(b.manager.edges[0]!.direction).toBe('inbound')
  })

  it('a deliberate close is announced: closed-by-us here, closed-by-peer there, no retry on either side', async () => {
    const [a, b] = [await node('a'), await node('b')]
    const edge = await a.manager.connect('127.0.0.1', b.port, false)
    await a.manager.close(edge, 'closed', 'closed-by-us')
    await waitFor(() => b.seen('edge-removed').length === 1)
    expect(a.seen('edge-removed').map((e) => [e.reason, e.willReconnect])).toEqual([['closed-by-us', false]])
    expect(b.seen('edge-removed').map((e) => [e.reason, e.willReconnect])).toEqual([
      ['closed-by-peer', false]
    ])
    expect(a.manager.reconnects).toEqual([])
    expect(b.manager.reconnects).toEqual([])
  })

  it('a lost link is retried by the side that dialled, after the backoff on its clock', async () => {
    const [a, b] = [await node('a', { reconnectBaseMs: 1_000 }), await node('b')]
    const path = await tcpRelay(b.port)
    await a.manager.connect('127.0.0.1', path.port, false)
    path.resetAll()
    await waitFor(() => a.seen('reconnecting').length === 1 && b.seen('edge-removed').length === 1)
    expect(a.seen('edge-removed').map((e) => [e.reason, e.willReconnect])).toEqual([['lost', true]])
    expect(b.seen('edge-removed').map((e) => [e.reason, e.willReconnect])).toEqual([['lost', false]])
    const { delayMs } = a.seen('reconnecting')[0]!
    expect(delayMs).toBeGreaterThanOrEqual(800)
    expect(delayMs).toBeLessThanOrEqual(1_200)
    // Nothing is dialled before the delay is over.
    a.clock.advance(delayMs - 1)
    expect(path.piped).toBe(1)
    a.clock.advance(1)
    await waitFor(() => a.seen('edge-added').length === 2, { message: 'the edge back' })
    expect(a.seen('edge-added').map((e) => e.reconnected)).toEqual([false, true])
    expect(path.piped).toBe(2)
    expect(a.manager.reconnects).toEqual([])
    expect(b.seen('reconnecting')).toEqual([])
  })

  it('an inbound connection that sends no handshake is dropped at handshakeTimeoutMs on its clock', async () => {
    const a = await node('a', { handshakeTimeoutMs: 2_000 })
    const silent = net.connect({ host: '127.0.0.1', port: a.port })
    await once(silent, 'connect')
    const closed = once(silent, 'close')
    silent.resume()
    // Wait until the manager took the socket (the first deadline is then set), without sleeping.
    await waitFor(() => a.clock.pending > 0, { message: 'the handshake deadline set' })
    // The deadline's timer fires 1 ms late on purpose (deadlines.ts: Node timers run on a lagging clock).
    a.clock.advance(1_999)
    expect(a.clock.pending).toBe(1)
    a.clock.advance(2)
    expect(a.clock.pending).toBe(0)
    await closed
  })

  it('peers without a common protocol version are refused (version), and both report it', async () => {
    const [a, b] = [await node('a'), await node('b')]
    b.versions = { v: 3, vmin: 2 }
    await expect(b.manager.connect('127.0.0.1', a.port, false)).rejects.toThrow(/protocol/)
    expect(a.manager.edges).toEqual([])
    expect(a.seen('protocol-error').map((e) => e.error.name)).toEqual(['ProtocolVersionError'])
  })

  it('a new peer beyond maxEdges is refused (too-many-edges); our own connect beyond it fails without dialling', async () => {
    const [a, b, c] = [await node('a', { maxEdges: 1 }), await node('b'), await node('c')]
    await b.manager.connect('127.0.0.1', a.port, false)
    await expect(c.manager.connect('127.0.0.1', a.port, false)).rejects.toMatchObject({
      name: 'ConnectionRefusedError',
      reason: 'too-many-edges'
    })
    await expect(a.manager.connect('127.0.0.1', c.port, false)).rejects.toMatchObject({
      name: 'TooManyEdgesError'
    })
    expect(c.manager.edges).toEqual([])
    expect(a.ids()).toEqual(['b'])
  })

  it('a reconnection from a peer this node closed is refused and stops its retries', async () => {
    const [a, b] = [await node('a', { reconnectBaseMs: 100 }), await node('b')]
    const path = await tcpRelay(b.port)
    const edge = await a.manager.connect('127.0.0.1', path.port, false)
    const onB: LinkedEdge = b.manager.edges[0]!
    expect(onB.id).toBe('a')
    // b closes a, but the close frame never arrives: the path dies first, so a sees a loss and retries.
    path.blackholeAll()
    await b.manager.close(onB, 'closed', 'closed-by-us')
    path.resetClients()
    await waitFor(() => a.seen('reconnecting').length === 1, { message: 'a retries' })
    expect(edge.state).toBe('closed')
    a.clock.advance(a.seen('reconnecting')[0]!.delayMs)
    await waitFor(() => a.manager.reconnects.length === 0, { message: 'retries stopped' })
    expect(a.seen('reconnect-gave-up')).toEqual([])
    expect(a.manager.edges).toEqual([])
    expect(b.manager.edges).toEqual([])
  })
})
