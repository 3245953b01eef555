// Issue #11 row 9: who may talk to `chaski serve`. Over real HTTP and WebSocket on loopback: the token never sits in
// a cookie (cookies are not separated by port), the WebSocket needs the dashboard's own Origin and the token, every
// request needs a Host header naming this server (DNS rebinding), and no response may be framed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServeHost, type ServeHandle } from '../../../src/main/serve/serve-host'
import { bridgeClient, rawGet } from './serve-helpers'

const TOKEN = 'origin-test-token-1'
let dir: string
let serve: ServeHandle
let port: number
/** Another service on the same address, as an attacker's page would be served from. */
let other: Server
let otherOrigin: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-serve-origin-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chaski</title>')
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("dashboard")')
  serve = await startServeHost({
    port: 0,
    token: TOKEN,
    rendererDir: dir,
    settingsFile: null,
    firstLaunchNode: false,
    logger: { warn: () => undefined }
  })
  port = Number(new URL(serve.url).port)
  other = createServer((_req, res) => res.end('<!doctype html><title>another service</title>'))
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
  otherOrigin = `http://127.0.0.1:${(other.address() as { port: number }).port}`
})
afterAll(async () => {
  await serve?.close()
  await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()))
  rmSync(dir, { recursive: true, force: true })
})

describe('chaski serve: the token reaches nobody else, and only the dashboard opens the bridge', () => {
  test('opening the dashboard sets no cookie: nothing another port of 127.0.0.1 would receive', async () => {
    const page = await fetch(serve.openUrl)
    expect(page.status).toBe(200)
    expect(page.headers.get('set-cookie')).toBeNull()
  })

  test('a page from another 127.0.0.1 port cannot open the bridge, even after the dashboard was opened once', async () => {
    // What a browser attaches after the dashboard was opened: whatever cookie the dashboard set (none now).
    const opened = await fetch(serve.openUrl)
    const cookie = opened.headers.get('set-cookie')?.split(';')[0]
    const fromOtherPage = await bridgeClient(serve.url, {
      origin: otherOrigin,
      token: null,
      headers: cookie ? { cookie } : {}
    })
    expect(fromOtherPage.opened).toBe(false)
    // Even a page that learnt the token cannot: the Origin is not the dashboard's.
    const withToken = await bridgeClient(serve.url, { origin: otherOrigin, token: TOKEN })
    expect(withToken.opened).toBe(false)
    expect(withToken.status).toBe(403)
    // Nor one that sends no Origin at all, nor the dashboard's origin without the token.
    expect((await bridgeClient(serve.url, { origin: null, token: TOKEN })).opened).toBe(false)
    const noToken = await bridgeClient(serve.url, { token: null })
    expect(noToken.opened).toBe(false)
    expect(noToken.status).toBe(401)
    expect((await bridgeClient(serve.url, { token: 'wrong-token-0000' })).status).toBe(401)
    // The token in the URL of the WebSocket (the old way) is not accepted either.
    const inUrl = await bridgeClient(serve.url.replace(/\/$/, `/?token=${TOKEN}`), { token: null })
    expect(inUrl.opened).toBe(false)
  })

  test('the dashboard itself (own Origin, token offered as a subprotocol) opens the bridge and works', async () => {
    const client = await bridgeClient(serve.url, { token: TOKEN })
    expect(client.opened).toBe(true)
    // The server selected the bridge's protocol, never the one carrying the token.
    expect(client.ws.protocol).toBe('chaski.v1')
    expect(await client.call('getState', [])).toMatchObject({ ok: true, value: { nodes: [] } })
    client.ws.close()
    const viaLocalhost = await bridgeClient(serve.url, {
      token: TOKEN,
      host: `localhost:${port}`,
      origin: `http://localhost:${port}`
    })
    expect(viaLocalhost.opened).toBe(true)
    viaLocalhost.ws.close()
  })

  test('a Host header that does not name this server is refused (DNS rebinding)', async () => {
    const rebound = await rawGet(serve.url, `/?token=${TOKEN}`, `evil.example:${port}`)
    expect(rebound.status).toBe(421)
    expect(rebound.body).toMatch(/127\.0\.0\.1:\d+ or localhost:\d+/)
    expect((await rawGet(serve.url, '/assets/app.js', `evil.example:${port}`)).status).toBe(421)
    expect((await rawGet(serve.url, `/?token=${TOKEN}`, `127.0.0.1:${port + 1}`)).status).toBe(421)
    // Bound to 127.0.0.1: [::1] is not an address this server listens on.
    expect((await rawGet(serve.url, `/?token=${TOKEN}`, `[::1]:${port}`)).status).toBe(421)
    expect((await rawGet(serve.url, `/?token=${TOKEN}`, '')).status).toBe(421)
    // The addresses it does serve.
    expect((await rawGet(serve.url, `/?token=${TOKEN}`, `127.0.0.1:${port}`)).status).toBe(200)
    expect((await rawGet(serve.url, `/?token=${TOKEN}`, `LOCALHOST:${port}`)).status).toBe(200)
    // The WebSocket too: a rebound name with a matching Origin (what a rebinding page sends) gets nowhere.
    const ws = await bridgeClient(serve.url, {
      token: TOKEN,
      host: `evil.example:${port}`,
      origin: `http://evil.example:${port}`
    })
    expect(ws.opened).toBe(false)
    expect(ws.status).toBe(421)
  })

  test('the page needs the token; the public build output (scripts) does not', async () => {
    expect((await fetch(serve.url)).status).toBe(401)
    expect((await fetch(`${serve.url}index.html`)).status).toBe(401)
    expect((await fetch(`${serve.url}assets/../index.html`)).status).toBe(401)
    expect((await fetch(`${serve.url}?token=wrong-token-000`)).status).toBe(401)
    expect((await fetch(`${serve.url}assets/app.js`)).status).toBe(200)
  })

  test("every response forbids framing: frame-ancestors 'none' and X-Frame-Options DENY", async () => {
    const responses = [
      await rawGet(serve.url, `/?token=${TOKEN}`), // 200 page
      await rawGet(serve.url, '/assets/app.js'), // 200 asset
      await rawGet(serve.url, '/'), // 401
      await rawGet(serve.url, '/missing.js'), // 404
      await rawGet(serve.url, '/', `evil.example:${port}`), // 421
      await rawGet(serve.url, '/', undefined, 'POST') // 405
    ]
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 404, 421, 405])
    for (const response of responses) {
      expect(response.headers['content-security-policy']).toBe("frame-ancestors 'none'")
      expect(response.headers['x-frame-options']).toBe('DENY')
      expect(response.headers['x-content-type-options']).toBe('nosniff')
    }
    // The WebSocket's 101 and a refused upgrade carry them too.
    const accepted = await bridgeClient(serve.url, { token: TOKEN })
    const refused = await bridgeClient(serve.url, { token: null })
    expect([accepted.opened, refused.status]).toEqual([true, 401])
    for (const { responseHeaders } of [accepted, refused]) {
      expect(responseHeaders['content-security-policy']).toBe("frame-ancestors 'none'")
      expect(responseHeaders['x-frame-options']).toBe('DENY')
    }
    accepted.ws.close()
  })
})
