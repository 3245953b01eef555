// Saved settings through the host: nodes survive a restart with their identity; a corrupt file is reported.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { NODE_PORTS } from '../../../src/shared/limits'
import { NodeHost } from '../../../src/main/host/node-host'

let dir: string
const hosts: NodeHost[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-host-settings-'))
})
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.shutdown()))
  rmSync(dir, { recursive: true, force: true })
})

async function open(firstLaunchNode = false): Promise<NodeHost> {
  const host = new NodeHost({ settingsFile: join(dir, 'settings.json'), firstLaunchNode })
  hosts.push(host)
  await host.load()
  return host
}

test('nodes, their options and preferences survive a restart, with the same node id', async () => {
  const first = await open()
  const created = await first.createNode({
    name: 'Keeper',
    ip: '127.0.0.1',
    port: 0,
    subscriptions: ['A'],
    ttl: 9,
    lan: { enabled: false }
  })
  await first.subscribe(created.id, ['B'])
  await first.setPreferences({ theme: 'dark' })
  await first.shutdown()

  const second = await open()
  const [restored] = second.getState().nodes
  expect(restored.id).toBe(created.id)
  expect(restored.config).toMatchObject({ name: 'Keeper', subscriptions: ['A', 'B'], ttl: 9 })
  expect(restored.state).toBe('serving')
  expect(second.getState().preferences.theme).toBe('dark')
})

test('first launch creates one node named after the host, on the first free port from 8511, on every interface of the LAN cap, LAN on', async () => {
  const host = await open(true)
  const [node] = host.getState().nodes
  expect(host.getState().nodes).toHaveLength(1)
  expect(node.config.name).toBe(hostname().split('.')[0])
  // CHASKI_LAN_INTERFACES=127.0.0.1 in tests: "every interface the LAN may use" is that one address.
  expect(node.config.ip).toBe('127.0.0.1')
  expect(node.config.port).toBeGreaterThanOrEqual(NODE_PORTS.first)
  expect(node.config.port).toBeLessThanOrEqual(NODE_PORTS.last)
  expect(node.config.lan).toMatchObject({ enabled: true })
  expect(readdirSync(dir)).toContain('settings.json')
})

test('a corrupt settings file is moved aside, the user is told where, and the app starts with defaults', async () => {
  writeFileSync(join(dir, 'settings.json'), '{ "version": 1, "nodes": [ {"name": ')
  const host = await open()
  const { notices, nodes } = host.getState()
  expect(nodes).toEqual([])
  expect(notices).toHaveLength(1)
  expect(notices[0].level).toBe('error')
  expect(notices[0].text).toMatch(/not valid JSON/)
  const moved = readdirSync(dir).find((f) => f.startsWith('settings.json.corrupt-'))
  expect(moved).toBeDefined()
  expect(notices[0].text).toContain(moved)
})
