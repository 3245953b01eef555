// Issue #13 "a revoked peer's links close and stay refused", across restarts, with real processes: a foreground
// `chaski node --key k` keeps its trusted and revoked peers in k.trust.json (mode 0600, written atomically), so a peer
// revoked through `chaski trust` is still refused after the node restarts; `chaski trust unrevoke` makes it an unknown
// peer again (tofu trusts it at its next link). A trust file that is not ours, or broken, stops the node with a clear
// message and is left exactly as it was. `chaski serve` keeps the same decisions in its settings file.
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { ChaskiNode } from '../../../src/main/chaski/index'
import { CliProcess, killAllCli, runCli, useServeScratchDir, writeOneNodeSettings } from './cli-process'
import { waitFor } from '../../helpers/wait-for'

const dir = useServeScratchDir('chaski-trust-persist-')
const peers: ChaskiNode[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()))
  await killAllCli()
})

async function laptopNode(): Promise<ChaskiNode> {
  const laptop = new ChaskiNode({ name: 'Laptop', ip: '127.0.0.1', port: 0, reconnections: 0 })
  peers.push(laptop)
  await laptop.ready
  return laptop
}

function gateNode(key: string, json = true): CliProcess {
  const args = ['--name', 'Gate', '--ip', '127.0.0.1', '--port', '0', '--key', key]
  return CliProcess.start(['node', ...(json ? ['--json'] : []), ...args])
}

async function stop(cli: CliProcess): Promise<void> {
  cli.kill('SIGINT')
  expect((await cli.waitForExit()).code, cli.describe()).toBe(0)
}

async function trust(args: string[]): Promise<CliProcess> {
  const run = await runCli(['trust', ...args, '--json'])
  expect(run.exitInfo.code, run.describe()).toBe(0)
  return run
}

test('chaski node --key: a revoked peer is still refused after a restart; unrevoke makes it unknown again', async () => {
  const key = join(dir(), 'gate.key')
  const trustFile = `${key}.trust.json`
  let gate = gateNode(key)
  let port = await gate.readyPort()
  const laptop = await laptopNode()
  await laptop.connect(`127.0.0.1:${port}`)
  // The pin (tofu) is saved as soon as the link is up: the file exists, this user's only.
  await waitFor(() => readFileSync(trustFile, 'utf8').includes(laptop.id), {
    message: 'the pin saved in the trust file'
  })
  expect(statSync(trustFile).mode & 0o777).toBe(0o600)

  const removed = new Promise<{ detail?: string }>((resolve) => laptop.once('edge-removed', resolve))
  const revoke = await trust(['revoke', 'Laptop', '--key', key])
  expect(revoke.events('revoked')[0]).toMatchObject({ peerId: laptop.id })
  expect(await removed).toMatchObject({ detail: 'revoked' })
  await stop(gate)

  gate = gateNode(key)
  port = await gate.readyPort()
  expect(await gate.waitForEvent('trust-file')).toMatchObject({ file: trustFile, revoked: 1 })
  await expect(laptop.connect(`127.0.0.1:${port}`)).rejects.toMatchObject({ reason: 'revoked' })
  const listed = await trust(['list', '--key', key])
  expect(listed.events('node')[0]).toMatchObject({
    revoked: [{ id: laptop.id, name: 'Laptop' }],
    trusted: []
  })

  // Taken back: the peer is unknown again, so tofu links with it and pins it; kept across the next restart too.
  const unrevoke = await trust(['unrevoke', 'Laptop', '--key', key])
  expect(unrevoke.events('unrevoked')[0]).toMatchObject({ peerId: laptop.id })
  const edge = await laptop.connect(`127.0.0.1:${port}`)
  expect(edge.name).toBe('Gate')
  await waitFor(
    async () => {
      const node = (await trust(['list', '--key', key])).events('node')[0] as unknown as {
        trusted: { id: string }[]
        revoked: unknown[]
      }
      return node.revoked.length === 0 && node.trusted.some((p) => p.id === laptop.id)
    },
    { timeoutMs: 20_000, intervalMs: 200, message: 'unrevoked and trusted again' }
  )
  await stop(gate)
  const saved = JSON.parse(readFileSync(trustFile, 'utf8')) as {
    trusted: { id: string }[]
    revoked: unknown[]
  }
  expect(saved.revoked).toEqual([])
  expect(saved.trusted.map((p) => p.id)).toEqual([laptop.id])
})

test('chaski node --key: a trust file that is not ours, or broken, is refused with a clear message and left as it was', async () => {
  const cases = [
    ['foreign', '{"hello": "world"}\n', /is not a chaski node trust file/],
    ['broken', '{"format": "chaski-node-trust", "version": 1, "revo', /is not valid JSON/],
    ['newer', '{"format": "chaski-node-trust", "version": 9, "trusted": []}', /has version 9/]
  ] as const
  for (const [name, text, message] of cases) {
    const key = join(dir(), `${name}.key`)
    writeFileSync(`${key}.trust.json`, text, { mode: 0o600 })
    const gate = gateNode(key, false)
    const exit = await gate.waitForExit()
    expect(exit.code, gate.describe()).toBe(1)
    expect(gate.stderr).toMatch(/cannot be used as this node's trust file/)
    expect(gate.stderr).toMatch(message)
    expect(gate.stderr).toMatch(/It was left untouched/)
    expect(readFileSync(`${key}.trust.json`, 'utf8')).toBe(text)
  }
})

test('chaski serve: a revoked peer is still refused after serve restarts from its settings file; unrevoke lets it back', async () => {
  const config = join(dir(), 'serve.json')
  writeOneNodeSettings(config, 'Desk')
  const serveDesk = async () => {
    const serve = CliProcess.start(['serve', '--port', '0', '--json', '--config', config])
    const serving = await serve.waitForEvent('serving', () => true, 30_000)
    return { serve, address: (serving['nodes'] as { address: string }[])[0]!.address }
  }
  let { serve, address } = await serveDesk()
  const laptop = await laptopNode()
  await laptop.connect(address)
  await waitFor(
    async () =>
      (
        (await trust(['list', '--config', config])).events('node')[0] as unknown as {
          trusted: { id: string }[]
        }
      ).trusted.some((p) => p.id === laptop.id),
    { timeoutMs: 20_000, intervalMs: 200, message: 'Laptop trusted' }
  )
  await trust(['revoke', 'Laptop', '--config', config])
  await waitFor(() => laptop.edges.length === 0, { message: 'the link closed' })
  await stop(serve)
  ;({ serve, address } = await serveDesk())
  await expect(laptop.connect(address)).rejects.toMatchObject({ reason: 'revoked' })

  await trust(['unrevoke', idStart(laptop), '--config', config])
  expect((await laptop.connect(address)).name).toBe('Desk')
  await stop(serve)
})

/** The peer by the start of its id (what people read out), not its name. */
function idStart(node: ChaskiNode): string {
  return node.id.slice(0, 8)
}
