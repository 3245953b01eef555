// Issue #11 row 1, end to end: one `message` whose data is a self-referencing structure (msgpackr's structured
// clone extension) sent to a node of a real `chaski serve` process used to stop the whole process. Now the codec
// refuses it: that link alone is closed as a protocol error, the process keeps serving and the node keeps working.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Packr } from 'msgpackr'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import WebSocket from 'ws'
import { ChaskiNode } from '../../../src/main/chaski/index'
import { CliProcess, killAllCli } from '../cli/cli-process'
import { frame, RawPeer } from './raw-peer'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-serve-plain-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chaski</title>')
  process.env['CHASKI_RENDERER_DIR'] = dir
})
afterEach(() => killAllCli())
afterAll(() => {
  delete process.env['CHASKI_RENDERER_DIR']
  rmSync(dir, { recursive: true, force: true })
})

/** Calls one bridge method over the dashboard's WebSocket and returns its result. */
async function call(ws: WebSocket, id: number, method: string, args: unknown[]): Promise<unknown> {
  const reply = new Promise<unknown>((resolve) => {
    const onMessage = (raw: WebSocket.RawData): void => {
      const message = JSON.parse(raw.toString()) as { type: string; id: number; result: unknown }
      if (message.type !== 'reply' || message.id !== id) return
      ws.off('message', onMessage)
      resolve(message.result)
    }
    ws.on('message', onMessage)
  })
  ws.send(JSON.stringify({ type: 'call', id, method, args }))
  return reply
}

test('a self-referencing structured-clone message closes only its link; `chaski serve` keeps running', async () => {
  const serve = CliProcess.start(['serve', '--port', '0', '--bare', '--json'])
  const serving = await serve.waitForEvent('serving')
  const openUrl = String(serving['openUrl'])
  const ws = new WebSocket(openUrl.replace('http', 'ws').replace('/?', '/bridge?'))
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const watcher = new ChaskiNode({ ip: '127.0.0.1', port: 0, name: 'watcher', reconnections: 0 })
  try {
    const created = (await call(ws, 1, 'createNode', [
      { name: 'Target', ip: '127.0.0.1', port: 0, subscriptions: ['news'], lan: { enabled: false } }
    ])) as { ok: boolean; value: { address: string } }
    expect(created.ok).toBe(true)
    const port = Number(created.value.address.split(':').at(-1))

    const attacker = await RawPeer.handshake(port, 'attacker', { subscriptions: ['news'] })
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
    ws.close()
    await watcher.stop()
  }
})
