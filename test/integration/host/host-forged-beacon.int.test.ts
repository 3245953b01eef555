// Issue #13: a forged LAN beacon announcing a peer's key id at an impostor's address. LAN auto-connect dials it, the
// impostor proves another key and is refused as a changed identity. Over real sockets (beacons on loopback, a real
// impostor node): the same impostor met again, at a new address, updates ONE event row (a count and the last time)
// and one notice, instead of adding a row per dial. (That auto-connect leaves such an address alone for minutes is
// test/unit/chaski/lan/auto-connect.test.ts, on a manual clock.)
import { createSocket, type Socket } from 'node:dgram'
import { afterEach, expect, test } from 'vitest'
import { ChaskiNode, type ChaskiNodeOptions } from '../../../src/main/chaski/index'
import { encodeBeacon } from '../../../src/main/chaski/lan/index'
import { generateNodeKey } from '../../../src/main/chaski/security/index'
import { NodeHost } from '../../../src/main/host/node-host'
import type { HostEvent } from '../../../src/shared/snapshots'
import { waitFor } from '../../helpers/wait-for'
import { uniqueBeaconEndpoint } from '../lan/lan-test-env'

const hosts: NodeHost[] = []
const nodes: ChaskiNode[] = []
const sockets: Socket[] = []
const timers: NodeJS.Timeout[] = []
afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer)
  for (const socket of sockets.splice(0)) socket.close()
  await Promise.all(nodes.splice(0).map((n) => n.stop()))
  await Promise.all(hosts.splice(0).map((h) => h.shutdown()))
})

async function beaconSender(): Promise<Socket> {
  const socket = createSocket('udp4')
  sockets.push(socket)
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  socket.setMulticastInterface('127.0.0.1') // loopback only
  socket.setMulticastTTL(1)
  return socket
}

test('a forged beacon with a known key id: one changed-identity row and notice per impostor key, counted', async () => {
  const endpoint = uniqueBeaconEndpoint()
  const topic = `forged-${process.pid}`
  const host = new NodeHost({
    settingsFile: null,
    firstLaunchNode: false,
    // The host's node on this test's own beacon group and port (nodes of other test files stay apart).
    createLibraryNode: (options: ChaskiNodeOptions) =>
      new ChaskiNode({
        ...options,
        lan: typeof options.lan === 'object' ? { ...options.lan, ...endpoint } : options.lan
      })
  })
  hosts.push(host)
  await host.load()
  const desk = await host.createNode({
    name: 'Desk',
    ip: '127.0.0.1',
    port: 0,
    subscriptions: [topic],
    lan: { enabled: true, autoConnect: true, interfaces: ['127.0.0.1'] }
  })
  expect(desk.config.trust).toBe('tofu')

  // The impostor: a real node with a key of its own; the beacon claims another node's key id at its address.
  const claimedId = generateNodeKey().id
  const impostorKey = generateNodeKey()
  const sender = await beaconSender()
  let seq = 0
  const impostorAt = async (): Promise<ChaskiNode> => {
    const impostor = new ChaskiNode({
      name: 'Impostor',
      ip: '127.0.0.1',
      port: 0,
      key: impostorKey,
      lan: false
    })
    nodes.push(impostor)
    await impostor.ready
    const beacon = (): void => {
      const datagram = encodeBeacon({
        kind: 'announce',
        v: 2,
        id: claimedId,
        name: 'Laptop',
        ip: '127.0.0.1',
        port: impostor.port,
        subscriptions: [topic],
        paired: false,
        root: false,
        intervalMs: 60_000,
        seq: ++seq
      })
      sender.send(datagram, endpoint.port, endpoint.group)
    }
    beacon()
    timers.push(setInterval(beacon, 300))
    return impostor
  }
  const rows = (): HostEvent[] =>
    host.getState().events.filter((e) => e.nodeId === desk.id && e.kind === 'identity-changed')
  const notices = () => host.getState().notices.filter((n) => /impersonating/.test(n.text))

  const first = await impostorAt()
  await waitFor(() => rows().length >= 1, { timeoutMs: 15_000, message: 'the first changed-identity row' })
  expect(rows()[0]!.count).toBeUndefined()

  // The impostor moves to another port (the same key, the same claimed id): dialled there too, refused again.
  for (const timer of timers.splice(0)) clearInterval(timer)
  await first.stop()
  await impostorAt()
  // Two refusals so far: folded into one row, or (before) two rows.
  await waitFor(() => rows().length >= 2 || rows().some((e) => (e.count ?? 1) >= 2), {
    timeoutMs: 15_000,
    message: 'the second refusal in the log'
  })
  const [row, ...more] = rows()
  expect(more.map((e) => e.text)).toEqual([])
  expect(row!.count).toBe(2)
  expect(row!.text).toMatch(/claimed to be node|not the one this node knew/)
  expect(row!.text).toMatch(/\(2 times since \d\d:\d\d:\d\d UTC\)/)
  expect(row!.firstAt).toBeLessThan(row!.at)
  expect(notices()).toHaveLength(1)
})
