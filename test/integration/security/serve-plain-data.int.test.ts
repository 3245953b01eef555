// Issue #11 row 1, end to end: one `message` whose data is a self-referencing structure (msgpackr's structured
// clone extension) sent to a node of a real `chaski serve` process used to stop the whole process. Now the codec
// refuses it: that link alone is closed as a protocol error, the process keeps serving and the node keeps working.
import { Packr } from 'msgpackr'
import { afterEach, expect, test } from 'vitest'
import { ChaskiNode } from '../../../src/main/chaski/index'
import { CliProcess, killAllCli, useServeScratchDir } from '../cli/cli-process'
import { frame, RawPeer } from './raw-peer'
import { bridgeClient } from './serve-helpers'

useServeScratchDir('chaski-serve-plain-')
afterEach(() => killAllCli())

test('a self-referencing structured-clone message closes only its link; `chaski serve` keeps running', async () => {
  const serve = CliProcess.start(['serve', '--port', '0', '--bare', '--json'])
  const serving = await serve.waitForEvent('serving')
  const openUrl = String(serving['openUrl'])
  const bridge = await bridgeClient(String(serving['url']), {
    token: new URL(openUrl).searchParams.get('token')
  })
  expect(bridge.opened).toBe(true)
  const watcher = new ChaskiNode({
    ip: '127.0.0.1',
    port: 0,
    name: 'watcher',
    reconnections: 0
  })
  try {
    const created = (await bridge.call('createNode', [
      { name: 'Target', ip: '127.0.0.1', port: 0, subscriptions: ['news'], lan: { enabled: false } }
    ])) as { ok: boolean; value: { address: string } }
    expect(created.ok).toBe(true)
    const port = Number(created.value.address.split(':').at(-1))

    // `chaski serve`'s nodes are secure: the attacker links over TLS with a key of its own.
    const attacker = await RawPeer.secureHandshake(port, { subscriptions: ['news'] })
    // A cycle (JSON.stringify throws) whose toString / valueOf are not functions (String() throws too).
    const cyclic: Record<string, unknown> = { headline: 'loop', toString: 1, valueOf: 1 }
    cyclic['self'] = cyclic
    const data = Buffer.from(new Packr({ structuredClone: true }).pack(cyclic))
    await attacker.write(frame('message', 'news', data))

    // Only the bad link goes, with the reason on the wire.
    await attacker.whenClosed()
    expect(attacker.closeReason, `chaski serve output:\n${serve.describe()}`).toBe('protocol-error')
    // The process is alive and serving, and its node still links and answers pings.
    expect((await fetch(openUrl)).status).toBe(200)
    await watcher.ready
    const edge = await watcher.connect(`127.0.0.1:${port}`)
    expect(await watcher.ping(edge)).toBeGreaterThan(0)
    expect(serve.exitInfo).toBeNull()
  } finally {
    bridge.ws.close()
    await watcher.stop()
  }
})
