// `chaski trust` against a RUNNING host (`chaski serve --config`, a real process) through its local control channel:
// list shows the trusted peers, revoke closes a peer's link and keeps it refused, the socket is this user's only
// (mode 0600), and bad input gets a clear error.
import { statSync } from 'node:fs'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { ChaskiNode } from '../../../src/main/chaski/index'
import { controlSocketPath } from '../../../src/main/control/control-path'
import { MAX_CONTROL_REQUEST_BYTES } from '../../../src/main/control/control-protocol'
import { groupNodeId, shortGroupedNodeId } from '../../../src/shared/node-id-text'
import { CliProcess, killAllCli, runCli, useServeScratchDir, writeOneNodeSettings } from './cli-process'
import { waitFor } from '../../helpers/wait-for'

const dir = useServeScratchDir('chaski-trust-cli-')
const peers: ChaskiNode[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()))
  await killAllCli()
})

/** `chaski serve` with one node 'Desk' (trust tofu) on a free port; resolves with its address once serving. */
async function serveDesk(name: string): Promise<{ serve: CliProcess; config: string; address: string }> {
  const config = join(dir(), `${name}.json`)
  writeOneNodeSettings(config, 'Desk')
  const serve = CliProcess.start(['serve', '--port', '0', '--json', '--config', config])
  const serving = await serve.waitForEvent('serving', () => true, 30_000)
  expect(serving['controlSocket']).toBe(controlSocketPath(config))
  const nodes = serving['nodes'] as { address: string }[]
  return { serve, config, address: nodes[0]!.address }
}

test('trust list and revoke against chaski serve: the peer is listed, revoked, its link closed and refused again', async () => {
  const { config, address } = await serveDesk('revoke')
  const socket = controlSocketPath(config)
  expect(statSync(socket).mode & 0o777).toBe(0o600)

  const laptop = new ChaskiNode({ name: 'Laptop', ip: '127.0.0.1', port: 0, reconnections: 0 })
  peers.push(laptop)
  await laptop.ready
  await laptop.connect(address)

  const listed = await waitFor(
    async () => {
      const list = await runCli(['trust', 'list', '--config', config, '--json'])
      const node = list.events('node')[0] as { trusted?: { id: string; name: string }[] } | undefined
      return node?.trusted?.some((p) => p.id === laptop.id) ? list : undefined
    },
    { timeoutMs: 30_000, intervalMs: 200 }
  )
  expect(listed.exitInfo.code).toBe(0)
  const human = await runCli(['trust', 'list', '--config', config])
  expect(human.lines.join('\n')).toContain(groupNodeId(laptop.id)!)
  expect(human.lines.join('\n')).toMatch(/Desk .* serving, trust tofu/)

  const removed = new Promise<{ detail?: string }>((resolve) => laptop.once('edge-removed', resolve))
  const revoke = await runCli([
    'trust',
    'revoke',
    shortGroupedNodeId(laptop.id)!,
    '--config',
    config,
    '--json'
  ])
  expect(revoke.exitInfo.code, revoke.describe()).toBe(0)
  expect(revoke.events('revoked')[0]).toMatchObject({ peerId: laptop.id, name: 'Laptop', nodeName: 'Desk' })
  expect(await removed).toMatchObject({ detail: 'revoked' })
  await expect(laptop.connect(address)).rejects.toMatchObject({ reason: 'revoked' })

  const after = await runCli(['trust', 'list', '--config', config, '--json'])
  const node = after.events('node')[0] as unknown as {
    trusted: { id: string }[]
    revoked: { id: string; name: string }[]
  }
  expect(node.trusted.map((p) => p.id)).not.toContain(laptop.id)
  expect(node.revoked).toMatchObject([{ id: laptop.id, name: 'Laptop' }])
})

test('a foreground chaski node --trust approve: its pending peer is listed with the code and accepted through --key', async () => {
  const key = join(dir(), 'gate.key')
  const gate = CliProcess.start([
    'node',
    '--json',
    '--name',
    'Gate',
    '--ip',
    '127.0.0.1',
    '--port',
    '0',
    '--trust',
    'approve',
    '--key',
    key
  ])
  const port = await gate.readyPort()
  const control = await gate.waitForEvent('control')
  expect(control['socket']).toBe(controlSocketPath(key))
  expect(statSync(String(control['socket'])).mode & 0o777).toBe(0o600)

  const carol = new ChaskiNode({ name: 'Carol', ip: '127.0.0.1', port: 0, reconnections: 0 })
  peers.push(carol)
  await carol.ready
  const linking = carol.connect(`127.0.0.1:${port}`)
  linking.catch(() => undefined) // awaited below; a failed test must not leave it unhandled
  const printed = await gate.waitForEvent('peer-pending')
  const list = await runCli(['trust', 'list', '--key', key, '--json'])
  expect(list.exitInfo.code, list.describe()).toBe(0)
  const node = list.events('node')[0] as unknown as { trust: string; pending: { id: string; code: string }[] }
  expect(node.pending).toMatchObject([{ id: carol.id, code: printed['code'] }])
  expect((await runCli(['trust', 'list', '--key', key])).lines.join('\n')).toContain(
    `code ${String(printed['code'])}`
  )

  const accept = await runCli(['trust', 'accept', 'Carol', '--key', key, '--json'])
  expect(accept.exitInfo.code, accept.describe()).toBe(0)
  await linking
  expect(carol.edges.map((e) => e.name)).toEqual(['Gate'])
})

test('bad input: unknown action, unknown peer, no host running, and an oversized or unknown request on the socket', async () => {
  const usage = await runCli(['trust', 'trust-me'])
  expect(usage.exitInfo.code).toBe(2)
  expect(usage.stderr).toMatch(/unknown action 'trust-me' \(one of list, accept, reject, revoke, unrevoke\)/)

  const nobody = await runCli(['trust', 'list', '--config', join(dir(), 'nothing-here.json')])
  expect(nobody.exitInfo.code).toBe(1)
  expect(nobody.stderr).toMatch(/no Chaski host is running with these settings/)

  const { config } = await serveDesk('bad-input')
  const unknownPeer = await runCli(['trust', 'accept', 'ZZZZZZZ', '--config', config])
  expect(unknownPeer.exitInfo.code).toBe(1)
  expect(unknownPeer.stderr).toMatch(/no peer is waiting for approval/)

  const talk = (payload: string) =>
    new Promise<string>((resolve, reject) => {
      const client = createConnection(controlSocketPath(config))
      let text = ''
      client.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      client.on('close', () => resolve(text)).on('error', reject)
      client.on('connect', () => {
        client.write(payload)
        setTimeout(() => client.end(), 1000).unref()
      })
    })
  expect(await talk('{"id":7,"method":"removeNode","args":["x"]}\n')).toMatch(
    /"id":7.*the control channel serves getState, acceptPeer, rejectPeer, revokePeer, unrevokePeer; not \\"removeNode\\"/
  )
  expect(await talk('{"id":8,"method":"revokePeer","args":[42]}\n')).toMatch(/"id":8.*"ValidationError"/)
  expect(await talk('not json\n')).toMatch(/one JSON object per line/)
  expect(await talk('x'.repeat(MAX_CONTROL_REQUEST_BYTES + 10))).toMatch(
    /a request line is at most 65536 bytes/
  )
})
