// What the connect box and the event log promise, through the host with real nodes on loopback: a typed 'Name@' is
// checked against the peer's handshake, an existing link is reported as such, host names resolve to an IP literal,
// local node names stay distinct, reconnect attempts fold into one event row, LAN devices stay listed offline.
import { afterEach, describe, expect, test } from 'vitest'
import { NodeHost, type NodeHostInit } from '../../../src/main/host/node-host'
import { createContractHandlers } from '../../../src/main/host/contract-handlers'
import type { AppUpdate, NodeSnapshot } from '../../../src/shared/snapshots'
import { PeerProcess } from '../../helpers/peer-handle'
import { waitFor } from '../../helpers/wait-for'

const hosts: NodeHost[] = []
const peers: PeerProcess[] = []
afterEach(async () => {
  await Promise.all([...hosts.splice(0).map((h) => h.shutdown()), ...peers.splice(0).map((p) => p.kill())])
})

async function startHost(init: Partial<NodeHostInit> = {}, updates: AppUpdate[] = []): Promise<NodeHost> {
  const host = new NodeHost({
    settingsFile: null,
    firstLaunchNode: false,
    onUpdate: (u) => updates.push(u),
    ...init
  })
  hosts.push(host)
  await host.load()
  return host
}

const local = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  ip: '127.0.0.1',
  port: 0,
  lan: { enabled: false },
  ...extra
})

function node(host: NodeHost, id: string): NodeSnapshot {
  return host.getState().nodes.find((n) => n.id === id)!
}

describe('connect', () => {
  test("a 'Name@' that is not the peer's handshake name is refused, closed again, and not remembered", async () => {
    const host = await startHost()
    const handlers = createContractHandlers(host)
    const alpha = await host.createNode(local('Alpha'))
    const bob = await host.createNode(local('Bob'))
    const wrong = `ümlaut@${bob.address}`
    await host.setPreferences({ recentAddresses: [wrong, `Bob@${bob.address}`] })

    const refused = await handlers.get('connect')!([alpha.id, { kind: 'address', address: wrong }])
    expect(refused).toEqual({
      ok: false,
      error: {
        name: 'PeerNameMismatchError',
        message: `the node at ${bob.address} is named 'Bob', not 'ümlaut'; nothing was connected`
      }
    })
    expect(node(host, alpha.id).edges).toEqual([])
    expect(node(host, alpha.id).recentPeers).toEqual([])
    // The wrong name leaves the suggestions; the right one stays.
    expect(host.getState().preferences.recentAddresses).toEqual([`Bob@${bob.address}`])
    await waitFor(() => node(host, bob.id).edges.length === 0, { message: 'Bob sees the link closed' })

    // The right name (case does not matter) connects.
    const edge = await host.connect(alpha.id, { kind: 'address', address: `bob@${bob.address}` })
    expect(edge).toMatchObject({ name: 'Bob', alreadyConnected: false })
  })

  test('connecting to a peer already connected says so, and keeps the one link', async () => {
    const host = await startHost()
    const alpha = await host.createNode(local('Alpha'))
    const hub = await host.createNode(local('Hub'))
    expect(await host.connect(alpha.id, { kind: 'address', address: hub.address! })).toMatchObject({
      name: 'Hub',
      alreadyConnected: false
    })
    expect(await host.connect(alpha.id, { kind: 'address', address: hub.address! })).toMatchObject({
      name: 'Hub',
      alreadyConnected: true
    })
    expect(await host.connect(alpha.id, { kind: 'node', nodeId: hub.id })).toMatchObject({
      alreadyConnected: true
    })
    const mismatch = host.connect(alpha.id, { kind: 'address', address: `Other@${hub.address}` })
    await expect(mismatch).rejects.toThrow(/named 'Hub', not 'Other' \(already connected to it\)/)
    expect(node(host, alpha.id).edges.map((e) => e.name)).toEqual(['Hub'])
  })

  test("host names resolve in the host: 'localhost' and a name the resolver knows; only the literal is dialled", async () => {
    const asked: string[] = []
    const host = await startHost({
      lookup: async (name, family) => {
        asked.push(`${name}/${family}`)
        if (name === 'hub.test')
          return [
            { address: '::1', family: 6 },
            { address: '127.0.0.1', family: 4 }
          ].filter((a) => family === 0 || a.family === family)
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
      }
    })
    const alpha = await host.createNode(local('Alpha'))
    const hub = await host.createNode(local('Hub'))
    // A node on 127.0.0.1 asks for IPv4 addresses only (a name may list ::1 first).
    const edge = await host.connect(alpha.id, { kind: 'address', address: `Hub@hub.test:${hub.port}` })
    expect(edge).toMatchObject({ name: 'Hub', address: hub.address })
    expect(host.getState().preferences.recentAddresses[0]).toBe(`Hub@hub.test:${hub.port}`)
    await expect(
      host.connect(alpha.id, { kind: 'address', address: 'nowhere.test:1' })
    ).rejects.toMatchObject({
      name: 'HostNameNotFoundError',
      message: "cannot find 'nowhere.test': no such host name (check the spelling, or use its IP address)"
    })
    expect(asked).toEqual(['hub.test/4', 'nowhere.test/4'])

    // The system resolver: 'localhost' comes from /etc/hosts, no network involved.
    const system = await startHost()
    const beta = await system.createNode(local('Beta'))
    const viaName = await system.connect(beta.id, { kind: 'address', address: `localhost:${hub.port}` })
    expect(viaName).toMatchObject({ name: 'Hub', ip: '127.0.0.1' })
  })
})

describe('local node names', () => {
  test('a second local node with the same name (any case) is refused, on create and on rename', async () => {
    const host = await startHost()
    const handlers = createContractHandlers(host)
    await host.createNode(local('Hub'))
    const clash = await handlers.get('createNode')!([local(' hub ')])
    expect(clash).toEqual({
      ok: false,
      error: {
        name: 'DuplicateNodeNameError',
        message: "a local node is already named 'Hub'; pick another name so you can tell them apart"
      }
    })
    const other = await host.createNode(local('Other'))
    await expect(host.renameNode(other.id, 'HUB')).rejects.toThrow(/already named 'Hub'/)
    // Renaming a node to its own name (another case) is fine.
    expect((await host.renameNode(other.id, 'OTHER')).config.name).toBe('OTHER')
    expect(host.getState().nodes.map((n) => n.config.name)).toEqual(['Hub', 'OTHER'])
  })
})

describe('event log', () => {
  test('reconnect attempts to one peer update one row, worded for people; the node says where it listens; a known peer is never given up on', async () => {
    const updates: AppUpdate[] = []
    const host = await startHost({}, updates)
    const alpha = await host.createNode(local('Alpha', { reconnections: 3 }))
    const bob = await PeerProcess.start({ name: 'Bob' })
    peers.push(bob)
    await host.connect(alpha.id, { kind: 'address', address: `127.0.0.1:${bob.port}` })
    await bob.kill('SIGKILL')
    const events = () => host.getState().events
    await waitFor(() => events().some((e) => e.kind === 'reconnect-gave-up'), {
      timeoutMs: 20_000,
      message: 'Alpha gives up on Bob'
    })
    // The node's own retries fold into one row, which the give-up ends; Bob was connected by hand (a known peer),
    // so the app goes on redialling it: one more row, for its own attempts, which never end.
    await waitFor(() => events().filter((e) => e.kind === 'reconnecting').length === 2, {
      timeoutMs: 20_000,
      message: "the app's redial row"
    })
    const rows = events().filter((e) => e.kind === 'reconnecting')
    expect(rows[1]!.text).toMatch(
      new RegExp(
        `^reconnecting to Bob \\(127\\.0\\.0\\.1:${bob.port}\\): attempt \\d+, next try in [\\d.]+ s \\(keeps trying until you disconnect it\\)`
      )
    )
    expect(rows[0]!.text).toMatch(
      new RegExp(
        `^reconnecting to Bob \\(127\\.0\\.0\\.1:${bob.port}\\): attempt 3 of 3, next try in [\\d.]+ s$`
      )
    )
    expect(rows[0]!.parts).toContainEqual({ text: 'Bob', untrusted: true })
    // Each attempt's row replaced the previous one in the updates too.
    const sent = updates
      .flatMap((u) => u.events)
      .filter((e) => e.kind === 'reconnecting' && e.text.includes(' of 3'))
    expect(sent.map((e) => e.text.match(/attempt (\d)/)![1])).toEqual(['1', '2', '3'])
    expect(sent[1]!.replaces).toBe(sent[0]!.seq)
    expect(sent[2]!.replaces).toBe(sent[1]!.seq)
    expect(events().find((e) => e.kind === 'reconnect-gave-up')!.text).toBe(
      `gave up reconnecting to Bob (127.0.0.1:${bob.port}) after 3 attempts`
    )
    expect(events().find((e) => e.kind === 'node-started')!.text).toBe(
      `Alpha started, listening on ${alpha.address}`
    )
    expect(node(host, alpha.id).edges).toEqual([])
    expect(node(host, alpha.id).knownPeers).toMatchObject([
      { address: `127.0.0.1:${bob.port}`, name: 'Bob', status: expect.stringMatching(/retrying|connecting/) }
    ])
  })
})
