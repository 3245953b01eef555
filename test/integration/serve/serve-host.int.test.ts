// The browser dashboard host (chaski serve): token on every request, the contract over the WebSocket, and bad
// clients dropped without harming anyone else.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { startServeHost, type ServeHandle } from '../../../src/main/serve/serve-host'
import type { WsServerMessage } from '../../../src/shared/ws-protocol'
import { waitFor } from '../../helpers/wait-for'

let dir: string
let serve: ServeHandle
const warnings: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-serve-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chaski</title>')
  serve = await startServeHost({
    port: 0,
    token: 'test-token-123',
    rendererDir: dir,
    settingsFile: null,
    firstLaunchNode: false,
    logger: { warn: (m) => warnings.push(m) }
  })
})
afterAll(async () => {
  await serve?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A WebSocket client that collects what the host sends; it offers the token as the dashboard does. */
async function client(token: string | null = 'test-token-123') {
  const url = serve.url.replace('http', 'ws') + 'bridge'
  const protocols = ['chaski.v1', ...(token ? [`chaski.token.${token}`] : [])]
  const ws = new WebSocket(url, protocols, { origin: serve.url.replace(/\/$/, '') })
  const received: WsServerMessage[] = []
  let closeCode: number | null = null
  ws.on('message', (data) => received.push(JSON.parse(data.toString()) as WsServerMessage))
  ws.on('close', (code) => (closeCode = code))
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true))
    ws.once('error', () => resolve(false))
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode === 101))
  })
  let nextId = 1
  const call = async (method: string, args: unknown[]) => {
    const id = nextId++
    ws.send(JSON.stringify({ type: 'call', id, method, args }))
    const reply = await waitFor(() => received.find((m) => m.type === 'reply' && m.id === id))
    return reply.type === 'reply' ? reply.result : null
  }
  return { ws, received, opened, call, closeCode: () => closeCode }
}

describe('chaski serve host', () => {
  test('the page needs the token in its URL; no cookie is set; paths never leave the folder', async () => {
    expect((await fetch(serve.url)).status).toBe(401)
    expect((await fetch(`${serve.url}?token=wrong-token-000`)).status).toBe(401)
    const ok = await fetch(serve.openUrl)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('<title>Chaski</title>')
    expect(ok.headers.get('set-cookie')).toBeNull()
    expect((await fetch(`${serve.openUrl.replace('/?', '/../../etc/passwd?')}`)).status).toBe(404)
  })

  test('a WebSocket without the token is refused', async () => {
    const c = await client(null)
    expect(c.opened).toBe(false)
    const wrong = await client('wrong-token-000')
    expect(wrong.opened).toBe(false)
  })

  test('contract calls work over the WebSocket and updates are pushed', async () => {
    const c = await client()
    expect(c.opened).toBe(true)
    const created = await c.call('createNode', [
      { name: 'Web', ip: '127.0.0.1', port: 0, lan: { enabled: false } }
    ])
    expect(created).toMatchObject({ ok: true, value: { state: 'serving', config: { name: 'Web' } } })
    const state = await c.call('getState', [])
    expect(state).toMatchObject({ ok: true, value: { nodes: [{ config: { name: 'Web' } }] } })
    await waitFor(() =>
      c.received.some((m) => m.type === 'update' && m.update.nodes.some((n) => n.config.name === 'Web'))
    )
    // Arguments are validated exactly as IPC arguments are.
    expect(await c.call('renameNode', ['x', 42])).toMatchObject({
      ok: false,
      error: { name: 'ValidationError' }
    })
    expect(await c.call('noSuchMethod', [])).toMatchObject({ ok: false, error: { name: 'ValidationError' } })
    c.ws.close()
  })

  test.each([
    ['malformed JSON', '{"type": "call", ', 1008],
    ['a call without args', JSON.stringify({ type: 'call', id: 1, method: 'getState' }), 1008],
    [
      'an oversized message',
      JSON.stringify({ type: 'call', id: 1, method: 'getState', args: ['x'.repeat(300_000)] }),
      1009
    ]
  ])('%s closes that client only', async (_label, text, code) => {
    const bystander = await client()
    const bad = await client()
    bad.ws.send(text)
    await waitFor(() => bad.closeCode() !== null, { message: 'bad client closed' })
    expect(bad.closeCode()).toBe(code)
    // The host and the other client are fine.
    expect(await bystander.call('getState', [])).toMatchObject({ ok: true })
    bystander.ws.close()
  })
})
