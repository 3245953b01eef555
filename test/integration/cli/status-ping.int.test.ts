// `chaski status` and `chaski ping` against a `chaski node` running in human-readable mode, on IPv4 and IPv6, and
// against ports where nothing listens (bounded failures with exit code 1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../helpers/free-port'
import { waitFor } from '../../helpers/wait-for'
import { CliProcess, START_TIMEOUT_MS, killAllCli, runCli } from './cli-process'

let target: CliProcess
let address = ''

/** Human mode: the first line says where the node listens. */
async function listeningAddress(cli: CliProcess): Promise<string> {
  const line = await waitFor(() => cli.lines.find((text) => / listening +target\S* on /.test(text)), {
    timeoutMs: START_TIMEOUT_MS,
    message: `listening line\n${cli.describe()}`
  })
  return /on (\S+) \(TCP and UDP\)/.exec(line)![1]
}

beforeAll(async () => {
  target = CliProcess.start(['node', '--name', 'target', '--subscribe', 'A,B', '--paired'])
  address = await listeningAddress(target)
}, START_TIMEOUT_MS + 5_000)

afterAll(async () => {
  // Ctrl-C on the foreground node: a clean stop and exit code 0.
  target.kill('SIGINT')
  const exit = await target.waitForExit().catch(() => null)
  await killAllCli()
  expect(exit).toEqual({ code: 0, signal: null })
  expect(target.lines.at(-1)).toMatch(/ stopped$/)
})

describe('chaski status', () => {
  it('prints the name, serving flag, paired topics and reconnecting flag (text and --json)', async () => {
    const [text, json] = await Promise.all([
      runCli(['status', address]),
      runCli(['status', address, '--json'])
    ])
    expect(text.exitInfo).toEqual({ code: 0, signal: null })
    expect(text.lines).toEqual([
      `target at ${address}`,
      '  serving:      yes',
      '  paired:       A yes, B yes',
      '  reconnecting: no'
    ])
    expect(json.exitInfo.code).toBe(0)
    expect(json.events()).toEqual([
      expect.objectContaining({
        event: 'status',
        target: address,
        name: 'target',
        serving: true,
        paired: { A: true, B: true },
        reconnecting: false
      })
    ])
  }, 60_000)

  it('times out with exit code 1 and a clear message when nothing answers', async () => {
    const port = await freePort()
    const started = Date.now()
    const [text, json] = await Promise.all([
      runCli(['status', `127.0.0.1:${port}`, '--timeout', '0.5']),
      runCli(['status', `127.0.0.1:${port}`, '--timeout', '0.5', '--json'])
    ])
    // Bounded: the 0.5 s request timeout plus process start-up, far below the runCli bound.
    expect(Date.now() - started).toBeLessThan(START_TIMEOUT_MS)
    expect(text.exitInfo).toEqual({ code: 1, signal: null })
    expect(text.stderr).toMatch(
      new RegExp(`no answer from 127\\.0\\.0\\.1:${port} within 0\\.5 s\\. Is a chaski node running there\\?`)
    )
    expect(json.exitInfo.code).toBe(1)
    expect(json.events('error')[0].error).toMatchObject({ name: 'StatusTimeoutError' })
  }, 60_000)
})

describe('chaski ping', () => {
  it('connects, prints each round trip and min/median/mean/p95/p99/max and jitter, then closes deliberately', async () => {
    const linesBefore = target.lines.length
    const json = await runCli(['ping', address, '--count', '5', '--interval', '0', '--json'])
    expect(json.exitInfo, json.describe()).toEqual({ code: 0, signal: null })
    expect(json.events('connected')[0]).toMatchObject({
      count: 5,
      peer: expect.objectContaining({ name: 'target' })
    })
    const pongs = json.events('pong')
    expect(pongs.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5])
    const rtts = pongs.map((event) => event.rttMs as number)
    const summary = json.events('summary')[0] as unknown as {
      sent: number
      received: number
      lost: number
      rtt: Record<string, number>
    }
    expect(summary).toMatchObject({ sent: 5, received: 5, lost: 0 })
    const sorted = [...rtts].sort((a, b) => a - b)
    expect(summary.rtt).toEqual({
      count: 5,
      minMs: sorted[0],
      medianMs: sorted[2],
      meanMs: expect.closeTo(rtts.reduce((sum, x) => sum + x, 0) / 5, 6),
      p95Ms: sorted[4],
      p99Ms: sorted[4],
      maxMs: sorted[4],
      // Jitter: the spread of the round trips (population standard deviation).
      jitterMs: expect.closeTo(
        Math.sqrt(rtts.reduce((sum, x) => sum + (x - rtts.reduce((a, b) => a + b, 0) / 5) ** 2, 0) / 5),
        6
      )
    })

    // The target saw the temporary node arrive and leave deliberately, with no reconnection attempt.
    const seen = (): string[] => target.lines.slice(linesBefore)
    await waitFor(
      () => seen().some((line) => /edge - +chaski-ping@127\.0\.0\.1:\d+: the peer stopped$/.test(line)),
      {
        message: `ping's deliberate close\n${target.describe()}`
      }
    )
    expect(seen().some((line) => /edge \+ +chaski-ping@127\.0\.0\.1:\d+ \(inbound\)/.test(line))).toBe(true)
    expect(seen().some((line) => / reconnect /.test(line))).toBe(false)
  }, 60_000)

  it('prints a human summary line', async () => {
    const text = await runCli(['ping', address, '-c', '3', '-i', '0.01'])
    expect(text.exitInfo).toEqual({ code: 0, signal: null })
    expect(text.lines[0]).toBe(`PING target@${address}: 3 pings of 0 bytes`)
    expect(
      text.lines.filter((line) => /^pong from target@.*: seq=\d rtt=[\d.]+ ms$/.test(line))
    ).toHaveLength(3)
    expect(text.lines).toContain(`--- target@${address}: 3 sent, 3 received, 0% lost ---`)
    expect(text.lines.at(-1)).toMatch(
      /^rtt min\/median\/mean\/p95\/p99\/max = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms, jitter [\d.]+ ms \(how much they spread\)$/
    )
  }, 60_000)

  it('fails with exit code 1 and says why when nothing listens', async () => {
    const port = await freePort()
    const run = await runCli(['ping', `127.0.0.1:${port}`, '--count', '2'])
    expect(run.exitInfo).toEqual({ code: 1, signal: null })
    expect(run.stderr).toMatch(
      new RegExp(`chaski ping: cannot reach 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`)
    )
  }, 60_000)

  it('works over IPv6 (status and ping to [::1])', async () => {
    const node6 = CliProcess.start(['node', '--json', '--ip', '::1', '--name', 'six', '--subscribe', 'A'])
    const port = await node6.readyPort()
    expect(node6.events('ready')[0]).toMatchObject({ ip: '::1', address: `six@[::1]:${port}` })
    const [status, ping] = await Promise.all([
      runCli(['status', `[::1]:${port}`, '--json']),
      runCli(['ping', `[::1]:${port}`, '-c', '2', '-i', '0', '--json'])
    ])
    expect(status.events('status')[0]).toMatchObject({ name: 'six', serving: true, paired: { A: false } })
    expect(ping.exitInfo.code).toBe(0)
    expect(ping.events('summary')[0]).toMatchObject({ sent: 2, received: 2 })
    node6.kill('SIGTERM')
    expect(await node6.waitForExit()).toEqual({ code: 0, signal: null })
  }, 60_000)
})
