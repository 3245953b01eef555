// Issue #11 row 9 in a real browser (Chromium): after the dashboard of `chaski serve` was opened, a page served by
// another port of 127.0.0.1 (another origin, same browser profile) can neither open the bridge nor frame the
// dashboard; the browser holds no cookie with the token; and the dashboard itself still connects and works.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { createNode, eventually, openDashboard, tid } from './harness/dashboard-page'
import { stopAllProcesses } from './harness/processes'
import { startServe, type ServeProcess } from './harness/serve'
import { serveStatic, type StaticServer } from './harness/static-server'

let serve: ServeProcess
let session: BrowserSession
let otherSite: StaticServer
let otherDir: string
let dashboard: Page
let attacker: Page

beforeAll(async () => {
  otherDir = mkdtempSync(join(tmpdir(), 'chaski-e2e-other-site-'))
  writeFileSync(join(otherDir, 'index.html'), '<!doctype html><title>another service on 127.0.0.1</title>')
  ;[serve, session, otherSite] = await Promise.all([
    startServe('security'),
    launchBrowser(),
    serveStatic(otherDir)
  ])
  dashboard = await openDashboard(session, serve.openUrl)
  // The same browser profile (context) as the dashboard: whatever the dashboard left behind, this page has too.
  attacker = await dashboard.context().newPage()
  await attacker.goto(otherSite.url)
})

afterAll(async () => {
  await Promise.allSettled([session?.close(), otherSite?.close(), stopAllProcesses()])
  await serve?.stop()
  rmSync(otherDir, { recursive: true, force: true })
})

/** In the attacker's page: tries the bridge and, if it opens, to create a node. 'refused' or 'open'. */
async function tryBridge(page: Page, wsUrl: string, protocols: string[]): Promise<string> {
  return page.evaluate(
    ([url, offered]) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, offered)
        ws.onopen = () => {
          ws.send(
            JSON.stringify({
              type: 'call',
              id: 1,
              method: 'createNode',
              args: [{ name: 'Intruder', port: 0 }]
            })
          )
          resolve('open')
        }
        ws.onerror = () => resolve('refused')
        ws.onclose = () => resolve('refused')
      }),
    [wsUrl, protocols] as const
  )
}

describe('chaski serve in a browser: only the dashboard gets in', () => {
  test('the dashboard connects, and the browser holds no cookie with the token', async () => {
    await eventually(() => dashboard.locator(tid('bridge-status')).getAttribute('data-connected')).toBe(
      'true'
    )
    expect(await dashboard.context().cookies()).toEqual([])
  })

  test('a page from another 127.0.0.1 port cannot open the bridge, even knowing the token', async () => {
    const { origin, searchParams } = new URL(serve.openUrl)
    const wsUrl = `${origin.replace('http', 'ws')}/bridge`
    const token = searchParams.get('token') ?? ''
    const nodeItems = dashboard.locator('[data-testid^="node-item-"]')
    const nodesBefore = await nodeItems.count()
    expect(await tryBridge(attacker, wsUrl, ['chaski.v1'])).toBe('refused')
    expect(await tryBridge(attacker, `${wsUrl}?token=${token}`, ['chaski.v1'])).toBe('refused')
    expect(await tryBridge(attacker, wsUrl, ['chaski.v1', `chaski.token.${token}`])).toBe('refused')
    // Nothing was created behind the dashboard's back (whatever other tests created before).
    expect(await nodeItems.count()).toBe(nodesBefore)
  })

  test('the dashboard cannot be framed by another page', async () => {
    const frameUrl = await attacker.evaluate(
      (src) =>
        new Promise<string>((resolve) => {
          const frame = document.createElement('iframe')
          frame.src = src
          frame.onload = () => resolve(src)
          document.body.append(frame)
        }),
      serve.openUrl
    )
    expect(frameUrl).toBe(serve.openUrl)
    const frame = attacker.frames().find((f) => f !== attacker.mainFrame())
    // Chromium replaces a frame refused by frame-ancestors / X-Frame-Options with its own error page.
    await eventually(() => frame?.url()).toMatch(/^chrome-error:/)
  })

  test('the dashboard still works: a node created from the dialog is serving', async () => {
    await createNode(dashboard, { name: 'Guarded', lan: false })
    await dashboard.reload()
    await dashboard.locator(tid('node-item-Guarded')).waitFor()
    await eventually(() => dashboard.locator(tid('bridge-status')).getAttribute('data-connected')).toBe(
      'true'
    )
  })
})
