// `chaski node` processes on loopback, followed through their --json output: connect, discover and pair by topic
// (spec §4 first reference scenario), keep-alive latency lines at a calm rate, and a clean stop on SIGTERM/SIGINT
// that peers see as deliberate (spec §3 Ours: no reconnection).
import { afterEach, describe, expect, it } from 'vitest'
import type { CliEvent } from './cli-process'
import { mkdtempSync, rmSync } from 'node:fs'
import { networkInterfaces, tmpdir } from 'node:os'
import path from 'node:path'
import { freeFixedPort, freePort } from '../../helpers/free-port'
import { CliProcess, killAllCli, runCli } from './cli-process'

afterEach(killAllCli)

/** The human lines of a `chaski node` until one matches `last` (then it is stopped). */
async function runCliLines(args: string[], last: RegExp): Promise<string[]> {
  const cli = CliProcess.start(args)
  await cli.waitForLine((line) => last.test(line), String(last))
  cli.kill('SIGTERM')
  await cli.waitForExit()
  const end = cli.lines.findIndex((line) => last.test(line))
  return cli.lines.slice(0, end + 1)
}

const peerName = (event: CliEvent): string => (event.peer as { name: string } | null)?.name ?? ''

describe('chaski node', () => {
  it('nodes connect, discover and pair by topic; latency is printed at most once per link per interval', async () => {
    const hub = CliProcess.start([
      'node',
      '--json',
      '--name',
      'hub',
      '--subscribe',
      'A',
      '--paired',
      '--ttl',
      '15',
      '--max-connections',
      '10',
      '--reconnections',
      '0'
    ])
    const hubAddress = `127.0.0.1:${await hub.readyPort()}`

    // The first B node finds no partner anywhere: it concludes as the first node of B (without the full timeout).
    const one = CliProcess.start([
      'node',
      '--json',
      '--name',
      'one',
      '--subscribe',
      'B',
      '--connect',
      hubAddress,
      '--discover',
      '--timeout',
      '20'
    ])
    const first = await one.waitForEvent('discovery-concluded', (event) => event.topic === 'B')
    expect(first.result).toBe('first-of-topic')

    // The second B node searches through the hub: 'one' (paired for B) connects to it and reports the pairing.
    const two = CliProcess.start([
      'node',
      '--json',
      '--name',
      'two',
      '--subscribe',
      'B',
      '--connect',
      hubAddress,
      '--discover',
      '--timeout',
      '20',
      '--keepalive',
      '0.4',
      '--latency-every',
      '1.5'
    ])
    const paired = await two.waitForEvent('discovery-concluded', (event) => event.topic === 'B')
    expect(paired.result).toBe('paired')
    expect(peerName(paired)).toBe('one')
    expect(two.events('paired')).toContainEqual(
      expect.objectContaining({ topic: 'B', peer: expect.objectContaining({ name: 'one' }) })
    )

    // Every pair of the three nodes is connected, as each node's own edge-added lines tell.
    await hub.waitForEvent('edge-added', (event) => peerName(event) === 'two')
    await one.waitForEvent('edge-added', (event) => peerName(event) === 'two')
    const names = (cli: CliProcess): string[] => cli.events('edge-added').map(peerName).sort()
    expect(names(hub)).toEqual(['one', 'two'])
    expect(names(one)).toEqual(['hub', 'two'])
    expect(names(two)).toEqual(['hub', 'one'])
    const [ready] = two.events('ready')
    expect(ready).toMatchObject({ name: 'two', ip: '127.0.0.1', subscriptions: ['B'], root: false })

    // 'two' pings both links every ~0.4-0.6 s; it prints at most one latency line per link per 1.5 s.
    const latencyTo = (name: string): CliEvent[] =>
      two.events('latency').filter((event) => peerName(event) === name)
    await two.waitForEvent('latency', () => latencyTo('one').length >= 3, 30_000)
    const times = latencyTo('one').map((event) => Date.parse(event.time))
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1_450)
    const sample = latencyTo('one').at(-1)!
    expect(sample.rttMs).toBeGreaterThan(0)
    // Measured round trips (last, median, p95, jitter = their spread), and the smoothed one-way estimate apart.
    const trips = sample.roundTrips as {
      count: number
      lastMs: number
      medianMs: number
      p95Ms: number
      jitterMs: number
    }
    expect(trips.lastMs).toBe(sample.rttMs)
    expect(trips.count).toBeGreaterThanOrEqual(3)
    expect(trips.p95Ms).toBeGreaterThanOrEqual(trips.medianMs)
    expect(trips.jitterMs).toBeGreaterThanOrEqual(0)
    expect(sample.oneWayEstimateMs).toBeGreaterThan(0)
    expect(sample.estimateUncertaintyMs).toBeGreaterThan(0)
  }, 90_000)

  it("SIGTERM closes every link deliberately: peers see peer-stopped and the library's reconnection stays off", async () => {
    // 'mid' dials 'left' and is dialed by 'right': one neighbour accepted its link, the other initiated it (the side
    // that reconnects after an unexpected loss). Both keep the default 32 reconnection attempts.
    const left = CliProcess.start(['node', '--json', '--name', 'left'])
    const leftPort = await left.readyPort()
    const mid = CliProcess.start(['node', '--json', '--name', 'mid', '--connect', `127.0.0.1:${leftPort}`])
    const midPort = await mid.readyPort()
    const right = CliProcess.start(['node', '--json', '--name', 'right', '--connect', `127.0.0.1:${midPort}`])
    const rightPort = await right.readyPort()
    await left.waitForEvent('edge-added', (event) => peerName(event) === 'mid')
    await right.waitForEvent('edge-added', (event) => peerName(event) === 'mid')
    await mid.waitForEvent('edge-added', (event) => peerName(event) === 'right')
    expect(right.events('edge-added')[0].direction).toBe('outbound')
    expect(left.events('edge-added')[0].direction).toBe('inbound')

    mid.kill('SIGTERM')
    expect(await mid.waitForExit()).toEqual({ code: 0, signal: null })
    expect(
      mid
        .events()
        .map((event) => event.event)
        .slice(-4)
    ).toEqual(['stopping', 'edge-removed', 'edge-removed', 'stopped'])
    expect(mid.events('stopping')[0].signal).toBe('SIGTERM')
    expect(mid.events('edge-removed').map((event) => event.reason)).toEqual(['stopped', 'stopped'])

    for (const neighbour of [left, right]) {
      const removed = await neighbour.waitForEvent('edge-removed', (event) => peerName(event) === 'mid')
      expect(removed).toMatchObject({ reason: 'peer-stopped', willReconnect: false })
    }
    // Ask each neighbour over UDP whether it is retrying anything; by the time the answers arrive a reconnection
    // (first retry after ~250 ms) would long have shown up as a 'reconnecting' line or a new edge.
    const statuses = await Promise.all(
      [leftPort, rightPort].map((port) => runCli(['status', `127.0.0.1:${port}`, '--json']))
    )
    for (const status of statuses) {
      expect(status.exitInfo.code).toBe(0)
      expect(status.events('status')[0]).toMatchObject({ serving: true, reconnecting: false })
    }
    for (const neighbour of [left, right]) {
      expect(neighbour.events('reconnecting')).toEqual([])
      expect(neighbour.events('edge-added').filter((event) => peerName(event) === 'mid')).toHaveLength(1)
    }

    // SIGINT (Ctrl-C) stops as cleanly, with exit code 0.
    left.kill('SIGINT')
    expect(await left.waitForExit()).toEqual({ code: 0, signal: null })
    expect(left.events('stopped')).toHaveLength(1)
    expect(left.stderr).toBe('')
  }, 90_000)

  it('a --connect target stopped gracefully (SIGTERM) and started again on its port is linked again (issue 14)', async () => {
    // The hub keeps its key (--key): the leaf's trust policy (tofu) pins it at its address.
    const keyDir = mkdtempSync(path.join(tmpdir(), 'chaski-cli-hub-'))
    const keyFile = path.join(keyDir, 'hub.key')
    // Its port is outside the ephemeral range: the suite's other nodes (port 0) cannot take it while the hub is down.
    const port = await freeFixedPort()
    const startHub = (): CliProcess =>
      CliProcess.start(['node', '--json', '--name', 'hub', '--port', String(port), '--key', keyFile])
    const hub = startHub()
    expect(await hub.readyPort()).toBe(port)
    const leaf = CliProcess.start(['node', '--json', '--name', 'leaf', '--connect', `127.0.0.1:${port}`])
    await leaf.readyPort()
    await leaf.waitForEvent('edge-added', (event) => peerName(event) === 'hub')
    hub.kill('SIGTERM')
    expect(await hub.waitForExit()).toEqual({ code: 0, signal: null })
    const removed = await leaf.waitForEvent('edge-removed', (event) => peerName(event) === 'hub')
    expect(removed).toMatchObject({ reason: 'peer-stopped', willReconnect: false })
    // The library does not reconnect after a deliberate stop; the CLI keeps its --connect target linked.
    await leaf.waitForEvent('redialing', (event) => event.target === `127.0.0.1:${port}`)
    const again = startHub()
    expect(await again.readyPort()).toBe(port)
    await leaf.waitForEvent(
      'edge-added',
      () => leaf.events('edge-added').filter((event) => peerName(event) === 'hub').length === 2,
      20_000
    )
    // Both processes write beside the key (trust file, control socket) until they are gone.
    await killAllCli()
    rmSync(keyDir, { recursive: true, force: true })
  }, 60_000)

  it('a node on 0.0.0.0 prints where it can be reached: each interface, loopback marked (issue 14)', async () => {
    const wide = CliProcess.start(['node', '--json', '--name', 'wide', '--ip', '0.0.0.0'])
    const port = await wide.readyPort()
    const [ready] = wide.events('ready')
    const expected = Object.entries(networkInterfaces()).flatMap(([name, infos]) =>
      (infos ?? [])
        .filter((info) => info.family === 'IPv4')
        .map((info) => ({ address: `${info.address}:${port}`, interface: name, loopback: info.internal }))
    )
    expect(ready!.reachableAt).toHaveLength(expected.length)
    expect(ready!.reachableAt).toEqual(
      expect.arrayContaining(expected.map((e) => expect.objectContaining(e)))
    )
    const text = await runCliLines(['node', '--name', 'wide-text', '--ip', '0.0.0.0'], /others can join with/)
    expect(text).toContainEqual(
      expect.stringMatching(/^ +reachable at 127\.0\.0\.1:\d+ \(lo, loopback: this machine only\)$/)
    )
    expect(text.at(-1)).not.toContain('0.0.0.0')
  }, 60_000)

  it('a --connect to a port where nothing listens is reported, and the node keeps running', async () => {
    // Free for TCP and UDP right now: nothing accepts connections there.
    const port = await freePort()
    const lonely = CliProcess.start(['node', '--json', '--name', 'lonely', '--connect', `127.0.0.1:${port}`])
    const failed = await lonely.waitForEvent('connect-failed')
    expect(failed.target).toBe(`127.0.0.1:${port}`)
    expect((failed.error as { name: string }).name).toBe('PeerUnreachableError')
    const status = await runCli(['status', `127.0.0.1:${await lonely.readyPort()}`, '--json'])
    expect(status.events('status')[0]).toMatchObject({ name: 'lonely', serving: true })
    expect(lonely.exitInfo).toBeNull()
  }, 60_000)
})
