// `chaski node --lan --auto-connect`: two nodes on the loopback interface find each other by multicast beacons
// (on a beacon port of this test's own) and connect because they share a topic, with no address typed.
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../helpers/free-port'
import type { CliEvent } from './cli-process'
import { CliProcess, killAllCli } from './cli-process'

afterEach(killAllCli)

const peerName = (event: CliEvent): string => (event.peer as { name: string } | null)?.name ?? ''

describe('chaski node --lan', () => {
  it('finds a LAN peer sharing a topic, connects to it, and sees it leave on SIGTERM', async () => {
    // CHASKI_LAN_INTERFACES=127.0.0.1 caps beacons to loopback whatever the flags say; the port keeps other
    // test files' beacons apart.
    const lanPort = String(await freePort())
    const lanFlags = ['--lan', '127.0.0.1', '--auto-connect', '--lan-port', lanPort, '--subscribe', 'L']
    const east = CliProcess.start(['node', '--json', '--name', 'east', ...lanFlags])
    const west = CliProcess.start(['node', '--json', '--name', 'west', ...lanFlags])
    const [eastReady, westReady] = await Promise.all([east.waitForEvent('ready'), west.waitForEvent('ready')])
    for (const ready of [eastReady, westReady]) {
      expect(ready.lan).toMatchObject({ interfaces: ['127.0.0.1'], autoConnect: true, port: Number(lanPort) })
      expect((ready.lan as { using: string[] }).using).toEqual([expect.stringContaining('127.0.0.1')])
    }

    const seen = await east.waitForEvent('lan-peer-seen', (event) => peerName(event) === 'west')
    expect(seen).toMatchObject({ subscriptions: ['L'], peer: { port: westReady.port, ip: '127.0.0.1' } })
    await west.waitForEvent('lan-peer-seen', (event) => peerName(event) === 'east')
    await east.waitForEvent('edge-added', (event) => peerName(event) === 'west')
    await west.waitForEvent('edge-added', (event) => peerName(event) === 'east')
    // One link for the pair, whoever dialed.
    expect(
      [...east.events('edge-added'), ...west.events('edge-added')].map((event) => event.direction).sort()
    ).toEqual(['inbound', 'outbound'])

    west.kill('SIGTERM')
    expect(await west.waitForExit()).toEqual({ code: 0, signal: null })
    const lost = await east.waitForEvent('lan-peer-lost', (event) => peerName(event) === 'west')
    expect(lost.reason).toBe('goodbye')
    const removed = await east.waitForEvent('edge-removed', (event) => peerName(event) === 'west')
    expect(removed).toMatchObject({ reason: 'peer-stopped', willReconnect: false })
  }, 60_000)
})
