// Trust through the host (issue #13), over real nodes: a node under policy approve lists an unknown peer as pending
// with the comparison code both sides show; accept links it, reject turns it away; revoke closes a link and keeps it
// refused; trusted and revoked peers, the policy and insecure are kept in the settings file across restarts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, expect, test } from 'vitest'
import { ChaskiNode, setLogLevel } from '../../../src/main/chaski/index'
import { createContractHandlers } from '../../../src/main/host/contract-handlers'
import { NodeHost } from '../../../src/main/host/node-host'
import type { NodeSnapshot } from '../../../src/shared/snapshots'
import { waitFor } from '../../helpers/wait-for'

setLogLevel('silent')
const dir = mkdtempSync(join(tmpdir(), 'chaski-host-trust-'))
const hosts: NodeHost[] = []
const nodes: ChaskiNode[] = []
afterEach(async () => {
  await Promise.all([...hosts.splice(0).map((h) => h.shutdown()), ...nodes.splice(0).map((n) => n.stop())])
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function startHost(settingsFile: string): Promise<NodeHost> {
  const host = new NodeHost({ settingsFile, firstLaunchNode: false, memorySaveDelayMs: 10 })
  hosts.push(host)
  await host.load()
  return host
}

async function peer(name: string): Promise<ChaskiNode> {
  const node = new ChaskiNode({ name, ip: '127.0.0.1', port: 0, reconnections: 0, trust: 'approve' })
  nodes.push(node)
  await node.ready
  return node
}

const desk = (host: NodeHost): NodeSnapshot => host.getState().nodes[0]!

test('approve: pending with the same code on both sides, accept links; reject turns away; the settings keep the policy', async () => {
  const file = join(dir, 'approve.json')
  const host = await startHost(file)
  const created = await host.createNode({
    name: 'Desk',
    ip: '127.0.0.1',
    port: 0,
    lan: { enabled: false },
    trust: 'approve'
  })
  expect(created.trust).toMatchObject({ policy: 'approve', insecure: false, pending: [], trusted: [] })
  expect(JSON.parse(readFileSync(file, 'utf8')).nodes[0]).toMatchObject({ trust: 'approve', insecure: false })

  const laptop = await peer('Laptop')
  const linking = laptop.connect(created.address!)
  const pending = await waitFor(() => desk(host).trust.pending.find((p) => p.id === laptop.id))
  const there = await waitFor(() => laptop.pendingPeers()[0])
  expect(pending).toMatchObject({ name: 'Laptop', direction: 'inbound', accepted: false })
  expect(pending.code).toMatch(/^\d{3} \d{3}$/)
  expect(pending.code).toBe(there.code)
  expect(desk(host).edges).toEqual([])
  expect(host.getState().events.some((e) => e.kind === 'peer-pending' && e.text.includes(pending.code))).toBe(
    true
  )

  // Through the contract, as the dashboard calls it: the grouped id people copy is taken too.
  const handlers = createContractHandlers(host)
  const accepted = await handlers.get('acceptPeer')!([desk(host).id, laptop.id])
  expect(accepted.ok).toBe(true)
  expect(laptop.acceptPeer(desk(host).nodeId!)).toBe(true)
  await linking
  await waitFor(() => desk(host).edges.find((e) => e.peerId === laptop.id && e.state === 'connected'))
  expect(desk(host).edges.find((e) => e.peerId === laptop.id)!.secure).toBe(true)
  expect(desk(host).trust.pending).toEqual([])
  expect(desk(host).trust.trusted).toMatchObject([{ id: laptop.id, name: 'Laptop' }])

  const stranger = await peer('Stranger')
  const refused = stranger.connect(created.address!)
  await waitFor(() => desk(host).trust.pending.find((p) => p.id === stranger.id))
  const rejected = await handlers.get('rejectPeer')!([desk(host).id, stranger.id])
  expect(rejected.ok).toBe(true)
  await expect(refused).rejects.toMatchObject({ reason: 'rejected' })
  expect(desk(host).edges.map((e) => e.peerId)).toEqual([laptop.id])

  // Bad input: a clear error, nothing changes.
  const again = await handlers.get('acceptPeer')!([desk(host).id, stranger.id])
  expect(again).toMatchObject({ ok: false, error: { name: 'UnknownPeerError' } })
  expect(!again.ok && again.error.message).toMatch(/no peer with that id is waiting for approval/)
  const badId = await handlers.get('revokePeer')!([desk(host).id, ''])
  expect(badId).toMatchObject({ ok: false, error: { name: 'ValidationError' } })
  const typo = await handlers.get('acceptPeer')!([
    desk(host).id,
    'AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAB'
  ])
  expect(typo).toMatchObject({ ok: false, error: { name: 'UnknownPeerError' } })
  const badPolicy = await handlers.get('editNode')!([desk(host).id, { trust: 'anyone' }])
  expect(badPolicy).toMatchObject({ ok: false, error: { name: 'ValidationError' } })
  expect(!badPolicy.ok && badPolicy.error.message).toMatch(/trust must be one of open, tofu, approve/)
})

test('revoke closes the link and keeps the peer refused, across a restart of the host; trusted peers are kept too', async () => {
  const file = join(dir, 'revoke.json')
  let host = await startHost(file)
  const created = await host.createNode({
    name: 'Desk',
    ip: '127.0.0.1',
    port: 0,
    lan: { enabled: false },
    trust: 'approve'
  })
  const address = created.address!
  const deskId = created.nodeId!
  const friend = await peer('Friend')
  const foe = await peer('Foe')
  for (const p of [friend, foe]) {
    const linking = p.connect(address)
    await waitFor(() => desk(host).trust.pending.find((x) => x.id === p.id))
    await host.acceptPeer(desk(host).id, p.id)
    p.acceptPeer(deskId)
    await linking
  }
  await waitFor(() => (desk(host).edges.length === 2 ? true : undefined))

  const removed = new Promise<{ detail?: string }>((resolve) => foe.once('edge-removed', resolve))
  const after = await host.revokePeer(desk(host).id, foe.id)
  expect(await removed).toMatchObject({ detail: 'revoked' })
  expect(after.trust.revoked).toMatchObject([{ id: foe.id, name: 'Foe' }])
  expect(after.trust.trusted.map((p) => p.id)).toEqual([friend.id])
  await expect(foe.connect(address)).rejects.toMatchObject({ reason: 'revoked' })
  expect(
    host.getState().events.some((e) => e.kind === 'trust-changed' && /you revoked node/.test(e.text))
  ).toBe(true)

  // Restart the whole host from its settings file (the node keeps its key and port).
  await host.shutdown()
  hosts.splice(hosts.indexOf(host), 1)
  host = await startHost(file)
  await waitFor(() => (desk(host).state === 'serving' ? true : undefined))
  expect(desk(host).nodeId).toBe(deskId)
  expect(desk(host).trust).toMatchObject({
    policy: 'approve',
    trusted: [{ id: friend.id, name: 'Friend' }],
    revoked: [{ id: foe.id, name: 'Foe' }]
  })
  // The revoked peer stays refused; the trusted one links without anyone being asked again.
  await expect(foe.connect(desk(host).address!)).rejects.toMatchObject({ reason: 'revoked' })
  await friend.connect(desk(host).address!)
  await waitFor(() => desk(host).edges.find((e) => e.peerId === friend.id && e.state === 'connected'))
  expect(desk(host).trust.pending).toEqual([])
})
