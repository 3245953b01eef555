// Spec §3 connection scenarios on IPv4 and IPv6: pairs, a star, stopping the hub, closing edges one by one
// from the server side and from the client side; plus connect semantics (dedup, races, self, timeouts).
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { ChaskiNode, FAVOURITE_PORTS, type RemovalReason } from '../../../src/main/chaski/index'
import { edgeCounts, useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const createNode = useNodes({ reconnections: 0 })

for (const ip of ['127.0.0.1', '::1']) {
  describe(`connections on ${ip}`, () => {
    it('a pair: both sides list the edge with the peer identity when connect() resolves', async () => {
      const a = await createNode({ ip, name: 'A', subscriptions: ['x', 'y'] })
      const b = await createNode({ ip, name: 'B', subscriptions: ['y'] })
      const edge = await a.connect(b)
      expect(edge.name).toBe('B')
      expect(edge.ip).toBe(ip)
      expect(edge.port).toBe(b.port)
      expect([...edge.subscriptions]).toEqual(['y'])
      expect(a.isConnectedTo(b)).toBe(true)
      expect(b.isConnectedTo(a)).toBe(true)
      const back = b.edges[0]!
      expect(back.name).toBe('A')
      expect(back.port).toBe(a.port)
      expect([...back.subscriptions].sort()).toEqual(['x', 'y'])
    })

    it('a star: five leaves connect to a hub, then the hub stops and every leaf drops its edge', async () => {
      const hub = await createNode({ ip, name: 'hub' })
      const leaves = await Promise.all([1, 2, 3, 4, 5].map((i) => createNode({ ip, name: `leaf${i}` })))
      await Promise.all(leaves.map((leaf) => leaf.connect(hub)))
      expect(hub.edges).toHaveLength(5)
      const reasons: RemovalReason[] = []
      for (const leaf of leaves) leaf.on('edge-removed', ({ reason }) => reasons.push(reason))
      await hub.stop()
      await waitFor(() => leaves.every((leaf) => leaf.edges.length === 0), { message: 'leaves drop the hub' })
      expect(reasons).toEqual([
        'peer-stopped',
        'peer-stopped',
        'peer-stopped',
        'peer-stopped',
        'peer-stopped'
      ])
      expect(hub.edges).toHaveLength(0)
    })

    it('closing edges one by one from the server side', async () => {
      const hub = await createNode({ ip })
      const leaves = await Promise.all([1, 2, 3].map(() => createNode({ ip })))
      for (const leaf of leaves) await leaf.connect(hub)
      for (const [index, leaf] of leaves.entries()) {
        const edge = hub.edges.find((e) => e.id === leaf.id)!
        await hub.closeConnection(edge)
        await waitFor(() => leaf.edges.length === 0, { message: `leaf ${index} drops the edge` })
        expect(hub.edges).toHaveLength(leaves.length - index - 1)
      }
      expect(edgeCounts(leaves)).toEqual([0, 0, 0])
    })

    it('closing from the client side', async () => {
      const server = await createNode({ ip })
      const client = await createNode({ ip })
      const edge = await client.connect(server)
      const removed = new Promise<RemovalReason>((resolve) =>
        server.once('edge-removed', ({ reason }) => resolve(reason))
      )
      await client.closeConnection(edge)
      expect(client.edges).toHaveLength(0)
      expect(await removed).toBe('closed-by-peer')
      expect(server.edges).toHaveLength(0)
    })
  })
}

describe('connect semantics', () => {
  it('accepts ip:port, Name@ip:port, *-prefixed, [v6]:port and (ip, port)', async () => {
    const server = await createNode({ name: 'S' })
    const server6 = await createNode({ ip: '::1' })
    const client = await createNode()
    const byText = await client.connect(`127.0.0.1:${server.port}`)
    expect(await client.connect(`S@127.0.0.1:${server.port}`)).toBe(byText)
    expect(await client.connect(`*S@127.0.0.1:${server.port}`)).toBe(byText)
    expect(await client.connect('127.0.0.1', server.port)).toBe(byText)
    expect(await client.connect(server)).toBe(byText)
    const v6 = await client.connect(`[::1]:${server6.port}`)
    expect(v6.ip).toBe('::1')
    expect(client.edges).toHaveLength(2)
  })

  it('two racing connect() calls share one attempt and one edge', async () => {
    const a = await createNode()
    const b = await createNode()
    const [one, two] = await Promise.all([a.connect(b), a.connect(b)])
    expect(one).toBe(two)
    expect(a.edges).toHaveLength(1)
    expect(b.edges).toHaveLength(1)
  })

  it('two nodes dialling each other at once end with exactly one edge each', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await createNode()
      const b = await createNode()
      const [ab, ba] = await Promise.all([a.connect(b), b.connect(a)])
      expect(ab.id).toBe(b.id)
      expect(ba.id).toBe(a.id)
      await waitFor(() => a.edges.length === 1 && b.edges.length === 1)
      // The surviving link works.
      expect(await a.ping(a.edges[0]!)).toBeGreaterThan(0)
      expect(await b.ping(b.edges[0]!)).toBeGreaterThan(0)
    }
  })

  it('refuses to connect to itself', async () => {
    const a = await createNode()
    await expect(a.connect(a)).rejects.toMatchObject({ name: 'SelfConnectionError' })
    await expect(a.connect(`127.0.0.1:${a.port}`)).rejects.toMatchObject({ name: 'SelfConnectionError' })
    expect(a.edges).toHaveLength(0)
  })

  it('detects itself through the handshake id when listening on 0.0.0.0', async () => {
    const a = await createNode({ ip: '0.0.0.0' })
    await expect(a.connect(`127.0.0.2:${a.port}`)).rejects.toMatchObject({ name: 'SelfConnectionError' })
  })

  it('rejects with PeerUnreachableError when nothing listens', async () => {
    const a = await createNode()
    const probe = net.createServer()
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as net.AddressInfo).port))
    )
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    await expect(a.connect(`127.0.0.1:${port}`)).rejects.toMatchObject({ name: 'PeerUnreachableError' })
  })

  it('rejects with HandshakeTimeoutError when the peer accepts TCP but never answers', async () => {
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((socket) => {
      sockets.add(socket)
      socket.on('error', () => {})
    })
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as net.AddressInfo).port))
    )
    try {
      const a = await createNode({ handshakeTimeoutMs: 200 })
      await expect(a.connect(`127.0.0.1:${port}`)).rejects.toMatchObject({
        name: expect.stringMatching(/HandshakeTimeoutError$/)
      })
      expect(a.edges).toHaveLength(0)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })

  it('rejects bad addresses with InvalidAddressError', async () => {
    const a = await createNode()
    await expect(a.connect('nonsense')).rejects.toMatchObject({ name: 'InvalidAddressError' })
    await expect(a.connect('127.0.0.1:99999')).rejects.toMatchObject({ name: 'InvalidAddressError' })
    await expect(a.connect('::1:80')).rejects.toMatchObject({ name: 'InvalidAddressError' })
  })

  it('run: false waits for start(); connect before start fails clearly', async () => {
    const idle = new ChaskiNode({ run: false, keepAlive: false })
    try {
      expect(idle.port).toBe(0)
      await expect(idle.connect('127.0.0.1:1')).rejects.toMatchObject({ name: 'NotRunningError' })
      await idle.start()
      await idle.ready
      expect(idle.port).toBeGreaterThan(0)
      expect(idle.status.serving).toBe(true)
    } finally {
      await idle.stop()
    }
    expect(idle.status.serving).toBe(false)
  })

  it('ready rejects with AddressInUseError when the port is taken', async () => {
    const a = await createNode()
    const b = new ChaskiNode({ port: a.port, keepAlive: false })
    await expect(b.ready).rejects.toMatchObject({ name: 'AddressInUseError' })
    await b.stop()
  })

  it('renames and subscription changes reach the peers', async () => {
    const a = await createNode({ name: 'before', subscriptions: ['x'] })
    const b = await createNode()
    await b.connect(a)
    const names: string[] = []
    a.on('name-changed', ({ name }) => names.push(name))
    a.name = 'after'
    a.subscribe(['y'])
    await waitFor(() => b.edges[0]!.name === 'after' && b.edges[0]!.subscriptions.has('y'))
    expect(names).toEqual(['after'])
    a.unsubscribe('x')
    await waitFor(() => !b.edges[0]!.subscriptions.has('x'))
    expect([...a.subscriptions]).toEqual(['y'])
  })

  it('toString and status follow the spec format', async () => {
    const a = await createNode({ subscriptions: ['t'] })
    expect(a.toString()).toBe(`ChaskiNode@127.0.0.1:${a.port}`)
    expect(a.status.paired.t).toBe(false)
    a.subscribe(['u'], { paired: true })
    expect(a.pairedFor('u')).toBe(true)
    await a.discovery()
    expect(a.paired).toBe(true)
    expect(a.toString()).toBe(`*ChaskiNode@127.0.0.1:${a.port}`)
    const v6 = await createNode({ ip: '::1' })
    expect(v6.toString()).toBe(`*ChaskiNode@[::1]:${v6.port}`)
  })

  it('a root node with port 0 takes a favourite port (8511–8516) when one is free', async () => {
    const root = await createNode({ root: true })
    const plain = await createNode()
    // Another test file may hold some favourites; six of them are not all taken by this suite.
    expect(FAVOURITE_PORTS).toContain(root.port)
    expect(FAVOURITE_PORTS).not.toContain(plain.port)
    expect(root.paired).toBe(true)
    expect(root.pairedFor('@')).toBe(true)
  })
})
