// The host tells the person, in the event log, when a peer is refused for security (issue #13): a peer claiming a
// node id whose key it does not hold, a known peer back with another key (tofu), a plaintext peer; and a flood of refused connections makes one row a minute.
import { afterEach, expect, test } from 'vitest'
import { ChaskiNode, setLogLevel } from '../../../src/main/chaski/index'
import { NodeHost } from '../../../src/main/host/node-host'
import { PeerProcess } from '../../helpers/peer-handle'
import { RawPeer } from '../security/raw-peer'
import { waitFor } from '../../helpers/wait-for'

setLogLevel('silent')
const hosts: NodeHost[] = []
const nodes: ChaskiNode[] = []
const peers: PeerProcess[] = []
afterEach(async () => {
  await Promise.all([
    ...hosts.splice(0).map((h) => h.shutdown()),
    ...nodes.splice(0).map((n) => n.stop()),
    ...peers.splice(0).map((p) => p.kill())
  ])
})

async function hostWithNode(): Promise<{ host: NodeHost; port: number }> {
  const host = new NodeHost({ settingsFile: null, firstLaunchNode: false })
  hosts.push(host)
  await host.load()
  const created = await host.createNode({ name: 'Alpha', ip: '127.0.0.1', port: 0, lan: { enabled: false } })
  return { host, port: Number(created.address!.split(':').at(-1)) }
}

test('a peer claiming another node id is a "changed identity" row in plain words', async () => {
  const { host, port } = await hostWithNode()
  const real = new ChaskiNode({ name: 'Real', keepAlive: false })
  nodes.push(real)
  await real.ready
  const impostor = await RawPeer.secureHandshake(port, { claimId: real.id, answer: 'close' })
  const row = await waitFor(() => host.getState().events.find((e) => e.kind === 'identity-changed'))
  expect(row.text).toMatch(/claimed to be node [A-Z2-7]{7}-[A-Z2-7]{7} but proved the key of node .*refused/)
  expect(row.text).toMatch(/impersonating/)
  impostor.destroy()
})

test('a known peer back on its address with another key is refused (tofu): a "changed identity" row', async () => {
  const { host } = await hostWithNode()
  const alpha = host.getState().nodes[0]!
  let hub = await PeerProcess.start({ name: 'Hub' })
  peers.push(hub)
  const port = hub.port
  await host.connect(alpha.id, { kind: 'address', address: `127.0.0.1:${port}` })
  // A graceful stop: the library does not reconnect; the host redials its known peer by address alone.
  await hub.kill('SIGTERM')
  // Another node (another key, no key file) on the hub's port: Alpha's pin for that address refuses it.
  hub = await PeerProcess.start({ name: 'Hub', port })
  peers.push(hub)
  const row = await waitFor(() => host.getState().events.find((e) => e.kind === 'identity-changed'), {
    timeoutMs: 20_000
  })
  expect(row.text).toMatch(/is not the one this node knew: it proved another key/)
  // Also a notice in plain words, not only a log row; a repeat replaces it rather than stacking.
  const notice = await waitFor(() => host.getState().notices.find((n) => /refused the node at/.test(n.text)))
  expect(notice).toMatchObject({ level: 'warning' })
  expect(notice.text).toMatch(
    new RegExp(
      `Alpha refused the node at 127\\.0\\.0\\.1:${port}: it is not the node "Hub" that was there before`
    )
  )
  expect(notice.text).toMatch(/revoke its old one in the Trust section/)
  expect(host.getState().notices.filter((n) => /refused the node at/.test(n.text))).toHaveLength(1)
  expect(host.getState().nodes[0]!.edges.filter((e) => e.state === 'connected')).toEqual([])
})

test('a known peer refused for a changed key is not redialled: one "changed identity" row, the peer held', async () => {
  const { host } = await hostWithNode()
  const alpha = host.getState().nodes[0]!
  let hub = await PeerProcess.start({ name: 'Hub' })
  peers.push(hub)
  const port = hub.port
  const address = `127.0.0.1:${port}`
  await host.connect(alpha.id, { kind: 'address', address })
  await hub.kill('SIGTERM')
  hub = await PeerProcess.start({ name: 'Hub', port })
  peers.push(hub)
  const knownPeer = () => host.getState().nodes[0]!.knownPeers.find((p) => p.address === address)
  // Held, not retried: no timer runs for it, so no dial and no further row until the person acts.
  const held = await waitFor(
    () =>
      host.getState().events.filter((e) => e.kind === 'identity-changed').length > 1
        ? 'reported again'
        : knownPeer()?.status === 'identity-changed' && knownPeer(),
    { timeoutMs: 20_000 }
  )
  expect(held).toMatchObject({ status: 'identity-changed', nextAttemptAt: null })
  expect(host.getState().events.filter((e) => e.kind === 'identity-changed')).toHaveLength(1)
})

test('plaintext peers are a "refused" row, at most one a minute per source address', async () => {
  const { host, port } = await hostWithNode()
  for (let i = 0; i < 5; i++) {
    const plain = new ChaskiNode({ secure: false, keepAlive: false, reconnections: 0 })
    nodes.push(plain)
    await plain.ready
    await expect(plain.connect(`127.0.0.1:${port}`)).rejects.toMatchObject({ reason: 'secure-required' })
  }
  const rows = () => host.getState().events.filter((e) => e.kind === 'peer-refused')
  await waitFor(() => rows().length === 1)
  expect(rows()[0]!.text).toMatch(/without encryption.*refused.*--insecure/)
  expect(rows()).toHaveLength(1)
})
