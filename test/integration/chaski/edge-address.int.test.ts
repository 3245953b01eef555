// A peer restarted at the same address with a new id replaces the stale edge there (connections.ts registerEdge),
// whether the node looks addresses up by scanning its few edges or in its address table (from 8 edges on: a leaf
// keeps no table for its one edge, memory per node, issue #12 item 3). Real sockets; the stale link is held open by a
// relay that stops forwarding, as a peer that vanished without a FIN would leave it.
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import type { ChaskiNode } from '../../../src/main/chaski/index'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'

const node = useNodes({ reconnections: 0 })

interface FreezableRelay {
  address: string
  /** From now on nothing is forwarded and the client side is never closed. */
  freeze(): void
  close(): Promise<void>
}

async function startRelay(targetPort: number): Promise<FreezableRelay> {
  let frozen = false
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => socket.destroy())
    }
    client.on('data', (chunk) => frozen || upstream.write(chunk))
    upstream.on('data', (chunk) => frozen || client.write(chunk))
    client.on('close', () => frozen || upstream.destroy())
    upstream.on('close', () => frozen || client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    freeze: () => (frozen = true),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

async function replaceAtSameAddress(otherEdges: number): Promise<void> {
  const a = await node({ name: 'a' })
  for (let i = 0; i < otherEdges; i++) await (await node({ name: `other-${i}` })).connect(a)
  const b = await node({ name: 'b' })
  const port = b.port
  const relay = await startRelay(port)
  try {
    const stale = await a.connect(relay.address)
    expect(stale.id).toBe(b.id)
    expect(stale.port).toBe(port)
    const removed: { id: string; detail?: string }[] = []
    a.on('edge-removed', ({ edge, detail }) => removed.push({ id: edge.id, detail }))

    relay.freeze()
    await b.stop()
    expect(a.edges.map((edge) => edge.id)).toContain(b.id) // a has not noticed: the relay holds its link open

    const c: ChaskiNode = await node({ name: 'c', port })
    expect(c.id).not.toBe(b.id)
    await c.connect(a)
    await waitFor(() => removed.some((r) => r.id === b.id), { message: "b's stale edge removed from a" })
    expect(removed.find((r) => r.id === b.id)?.detail).toBe('replaced by a new node at the same address')
    expect(a.edges.map((edge) => edge.id)).not.toContain(b.id)
    expect(a.edges).toHaveLength(otherEdges + 1)
    // connect() to that address finds the new node's edge, not a new dial nor the stale one.
    const again = await a.connect(`127.0.0.1:${port}`)
    expect(again.id).toBe(c.id)
  } finally {
    await relay.close()
  }
}

describe('a new node at the address of a stale edge', () => {
  it('replaces the stale edge on a node with a single edge (addresses found by scanning)', async () => {
    await replaceAtSameAddress(0)
  })

  it('replaces the stale edge on a node with many edges (addresses found in its table)', async () => {
    await replaceAtSameAddress(8)
  })
})
