// LAN discovery through the host: toggling it on a running node keeps its edges, and peers heard on loopback show
// in the snapshot and the graph (as 'heard' links) without any other change to trigger an update; a peer that
// leaves stays listed offline until forgotten.
import { afterEach, expect, test } from 'vitest'
import { NodeHost } from '../../../src/main/host/node-host'
import type { AppUpdate, NodeSnapshot } from '../../../src/shared/snapshots'
import { waitFor } from '../../helpers/wait-for'

const hosts: NodeHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.shutdown()))
})

test('LAN on and off at runtime: peers appear in updates, edges survive the toggle', async () => {
  const updates: AppUpdate[] = []
  const host = new NodeHost({ settingsFile: null, firstLaunchNode: false, onUpdate: (u) => updates.push(u) })
  hosts.push(host)
  await host.load()
  // A topic of our own, and no auto-connect, so nodes of other test files on the same beacon port stay apart.
  const topic = `lan-host-${process.pid}`
  const lan = { enabled: false, autoConnect: false, interfaces: ['127.0.0.1'] }
  const a = await host.createNode({ name: 'LanA', ip: '127.0.0.1', port: 0, subscriptions: [topic], lan })
  const b = await host.createNode({ name: 'LanB', ip: '127.0.0.1', port: 0, subscriptions: [topic], lan })
  const c = await host.createNode({ name: 'Wired', ip: '127.0.0.1', port: 0, lan })
  await host.connect(a.id, { kind: 'node', nodeId: c.id })

  const node = (id: string): NodeSnapshot => host.getState().nodes.find((n) => n.id === id)!
  await host.setLan(a.id, { enabled: true })
  await host.setLan(b.id, { enabled: true })
  expect(node(a.id).lan).toMatchObject({ enabled: true, active: true })
  // The edge made before the toggle is still there: the node was not restarted.
  expect(node(a.id).edges.map((e) => e.name)).toEqual(['Wired'])

  await waitFor(
    () => updates.some((u) => u.nodes.some((n) => n.id === a.id && n.lan.peers.some((p) => p.id === b.id))),
    {
      message: 'LanA hears LanB through an update'
    }
  )
  const graph = host.getState().graph
  expect(graph.links).toContainEqual(expect.objectContaining({ state: 'heard' }))
  expect(host.getState().events.map((e) => e.kind)).toContain('lan-peer-seen')

  await host.setLan(b.id, { enabled: false })
  // LanB said goodbye: it stays in the device list, offline, with when it was last heard.
  await waitFor(() => node(a.id).lan.peers.some((p) => p.id === b.id && !p.online), {
    message: 'LanB offline'
  })
  expect(node(a.id).edges.map((e) => e.name)).toEqual(['Wired'])
  expect(host.getState().graph.links).not.toContainEqual(expect.objectContaining({ target: b.id }))
  await expect(host.forgetLanPeer(a.id, c.id)).rejects.toThrow(/not in the LAN list/)
  const forgotten = await host.forgetLanPeer(a.id, b.id)
  expect(forgotten.lan.peers.some((p) => p.id === b.id)).toBe(false)
})
