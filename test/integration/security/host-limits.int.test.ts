// Issue #11 row 11: the host keeps only what its own settings loader accepts (one set of limits, src/shared/limits.ts).
// Through the contract handlers (the path of the dashboard's calls), with a real settings file: past the limits a
// change is refused with a message the UI shows, the file stays loadable, and a restart brings back every node.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, expect, test } from 'vitest'
import { createContractHandlers } from '../../../src/main/host/contract-handlers'
import { NodeHost } from '../../../src/main/host/node-host'
import { SettingsStore } from '../../../src/main/settings/settings-store'
import { LIMITS, RANGES } from '../../../src/shared/limits'
import type { MethodName } from '../../../src/shared/methods'
import type { Result } from '../../../src/shared/result'
import { killAllCli, runCli } from '../cli/cli-process'

let dir: string
let file: string
const hosts: NodeHost[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-limits-'))
  file = join(dir, 'settings.json')
})
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.shutdown()))
  rmSync(dir, { recursive: true, force: true })
})
afterAll(() => killAllCli())

async function startHost() {
  const host = new NodeHost({ settingsFile: file, firstLaunchNode: false, logger: { warn: () => undefined } })
  hosts.push(host)
  await host.load()
  const handlers = createContractHandlers(host)
  const call = (method: MethodName, ...args: unknown[]) =>
    handlers.get(method)!(args) as Promise<Result<unknown>>
  return { host, call }
}

const stopped = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  ip: '127.0.0.1',
  port: 0,
  autoStart: false,
  lan: { enabled: false },
  ...extra
})

test(`node ${LIMITS.nodes + 1} is refused with a clear message; the file loads again with every node`, async () => {
  const { host, call } = await startHost()
  for (let i = 1; i <= LIMITS.nodes; i++) {
    const created = await call('createNode', stopped(`N${i}`))
    expect(created.ok, `node ${i}: ${JSON.stringify(created)}`).toBe(true)
  }
  const refused = await call('createNode', stopped('one too many'))
  expect(refused).toEqual({
    ok: false,
    error: {
      name: 'LimitError',
      message: `this host already runs ${LIMITS.nodes} nodes, the most it can keep (${LIMITS.nodes}); remove one first`
    }
  })
  expect(host.getState().nodes).toHaveLength(LIMITS.nodes)

  const loaded = await new SettingsStore(file).load()
  expect(loaded.kind).toBe('loaded')
  expect(loaded.settings.nodes).toHaveLength(LIMITS.nodes)
  await host.shutdown()
  const restarted = await startHost()
  expect(restarted.host.getState().nodes.map((n) => n.config.name)).toEqual(
    Array.from({ length: LIMITS.nodes }, (_, i) => `N${i + 1}`)
  )
  expect(restarted.host.getState().notices).toEqual([])
}, 120_000)

test(`subscribing past ${LIMITS.subscriptionsPerNode} topics (64 + 64) is refused; the node keeps its 64`, async () => {
  const { host, call } = await startHost()
  const created = (await call('createNode', stopped('Busy'))) as Result<{ id: string }>
  if (!created.ok) throw new Error(created.error.message)
  const id = created.value.id
  const first = Array.from({ length: 64 }, (_, i) => `first-${i}`)
  const second = Array.from({ length: 64 }, (_, i) => `second-${i}`)
  expect((await call('subscribe', id, first)).ok).toBe(true)
  const refused = await call('subscribe', id, second)
  expect(refused).toMatchObject({
    ok: false,
    error: {
      name: 'LimitError',
      message: 'Busy would have 128 topics; a node subscribes to at most 64 (it has 64)'
    }
  })
  // Topics already there do not count twice.
  expect((await call('subscribe', id, first.slice(0, 10))).ok).toBe(true)
  expect(host.getState().nodes[0].config.subscriptions).toEqual(first)
  // One call of more than 64 topics is refused by the contract itself.
  expect(await call('subscribe', id, [...first, 'extra'])).toMatchObject({
    ok: false,
    error: { name: 'ValidationError', message: expect.stringMatching(/at most 64 topics at once/) }
  })
  await host.shutdown()
  const restarted = await startHost()
  expect(restarted.host.getState().nodes[0].config.subscriptions).toEqual(first)
})

test('a topic the wire cannot carry (over 256 UTF-8 bytes) is refused before it is saved', async () => {
  const { call } = await startHost()
  const created = (await call('createNode', stopped('Wide'))) as Result<{ id: string }>
  if (!created.ok) throw new Error(created.error.message)
  const wide = 'é'.repeat(128) // 128 characters (the contract's limit), 256 bytes: fits
  const tooWide = '語'.repeat(100) // 100 characters, 300 bytes: the protocol refuses it
  expect((await call('subscribe', created.value.id, [wide])).ok).toBe(true)
  expect(await call('subscribe', created.value.id, [tooWide])).toMatchObject({
    ok: false,
    error: { name: 'ValidationError', message: expect.stringMatching(/at most 256 bytes in UTF-8/) }
  })
  // A stopped node with a wide topic still starts: the host and the library agree.
  expect(await call('startNode', created.value.id)).toMatchObject({ ok: true, value: { state: 'serving' } })
})

test('maxConnections has one range everywhere: the contract, the settings file and `chaski node`', async () => {
  const { call } = await startHost()
  const { min, max } = RANGES.maxConnections
  expect((await call('createNode', stopped('Low', { maxConnections: min }))).ok).toBe(true)
  expect((await call('createNode', stopped('High', { maxConnections: max }))).ok).toBe(true)
  expect(await call('createNode', stopped('Too high', { maxConnections: max + 1 }))).toMatchObject({
    ok: false,
    error: { message: expect.stringMatching(`maxConnections must be at most ${max}`) }
  })
  const cli = await runCli(['node', '--max-connections', String(max + 1), '--json'], 20_000)
  expect(cli.exitInfo.code).toBe(2)
  expect(cli.stderr).toMatch(`--max-connections must be between ${min} and ${max}, got ${max + 1}`)
})
