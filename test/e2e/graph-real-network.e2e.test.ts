// The Graph and Matrix tabs against `chaski serve` with real nodes: three local nodes that hear each other on the
// (loopback) LAN, and a `chaski node` connected to one of them and heard by the others. What a person opening the
// dashboard would notice: a clean console (no error, no warning, no 404) while the tabs open and the first layout
// runs, even when they switch away before it rests; the assets sent compressed and cached; and the "heard on the
// LAN" lines between their own nodes hidden until they ask for them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { nodeDefaults } from '../../src/shared/node-defaults'
import { freePort } from '../helpers/free-port'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { eventually, openDashboard, openTab, setSwitch, tid } from './harness/dashboard-page'
import { spawnCli, startChaskiNode, stopAllProcesses, type JsonProcess } from './harness/processes'

let dir: string
let serve: JsonProcess
let openUrl: string
let session: BrowserSession
const LOCALS = ['Hub', 'Alpha', 'Beta']

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-e2e-graph-real-'))
  const hubPort = await freePort()
  // Local nodes hear each other's beacons but do not connect on their own: their only links are 'heard' ones.
  const nodes = LOCALS.map((name, i) => ({
    ...nodeDefaults(),
    id: randomUUID(),
    name,
    port: i === 0 ? hubPort : 0,
    subscriptions: ['news'],
    lan: { enabled: true, autoConnect: false, interfaces: [] }
  }))
  const settings = join(dir, 'settings.json')
  writeFileSync(
    settings,
    JSON.stringify({ version: 1, nodes, preferences: { theme: 'system', recentAddresses: [] }, window: null })
  )
  serve = spawnCli('chaski serve (graph real network)', [
    'serve',
    '--port',
    '0',
    '--json',
    '--config',
    settings
  ])
  const serving = await serve.waitForLine((l) => l.event === 'serving', 'serving line')
  openUrl = String(serving['openUrl'])
  ;[session] = await Promise.all([
    launchBrowser(),
    startChaskiNode({ name: 'Outside', subscribe: ['news'], connect: [`127.0.0.1:${hubPort}`], lan: true })
  ])
})

afterAll(async () => {
  await Promise.allSettled([session?.close(), stopAllProcesses()])
  rmSync(dir, { recursive: true, force: true })
})

/** Everything the console would show a developer: errors, warnings, uncaught exceptions, failed requests. */
function watchConsole(page: Page): string[] {
  const seen: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (err) => seen.push(`uncaught: ${err.message}`))
  page.on('response', (r) => {
    if (r.status() >= 400) seen.push(`${r.status()} ${r.url()}`)
  })
  return seen
}

const graphSvg = `${tid('network-graph')} svg.graph-svg`

describe('graph and matrix on a real network', () => {
  test('opening Graph and Matrix (and leaving Graph before its first layout rests) logs nothing', async () => {
    const responses: { url: string; headers: Record<string, string> }[] = []
    const page = await openDashboard(session, openUrl, (p) => {
      p.on('response', (r) => responses.push({ url: r.url(), headers: r.headers() }))
    })
    const seen = watchConsole(page)
    // Every local node listed, and the peer connected to Hub in the graph's model.
    await eventually(() => page.locator(`${tid('sidebar')} [data-testid^="node-item-"]`).count()).toBe(3)
    await openTab(page, 'graph')
    await eventually(() => page.locator(`${graphSvg} circle[data-node-id]`).count()).toBeGreaterThanOrEqual(4)
    // The layout runs in its worker (served like any asset, under the page's CSP), not in the page.
    expect(await page.locator(graphSvg).getAttribute('data-layout-engine')).toBe('worker')
    // Away while the layout still runs: it comes to rest (and fits the view) while the graph cannot be seen.
    await page.locator(`${graphSvg}[data-simulating="true"]`).waitFor()
    await openTab(page, 'matrix')
    await page.locator(`${graphSvg}[data-simulating="false"]`).waitFor({ state: 'attached', timeout: 30_000 })
    await openTab(page, 'graph')
    await page.locator(`${graphSvg}[data-simulating="false"]`).waitFor()
    // Every node drawn where it can be seen: nothing was moved to NaN by a zoom over an invisible graph.
    const box = (await page.locator(graphSvg).boundingBox())!
    await page.click(tid('graph-fit'))
    await eventually(async () => {
      const centres = await page.locator(`${graphSvg} circle[data-node-id]`).evaluateAll((els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect()
          return [r.x + r.width / 2, r.y + r.height / 2]
        })
      )
      return centres.every(
        ([x, y]) => x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height
      )
    }).toBe(true)
    await openTab(page, 'matrix')
    await eventually(async () =>
      Number(await page.locator(tid('latency-matrix')).getAttribute('data-pairs'))
    ).toBeGreaterThan(0)
    expect(seen).toEqual([])

    // The page's assets came compressed, the hashed ones cached for good, index.html never.
    const script = responses.find((r) => /\/assets\/index-[\w-]+\.js$/.test(r.url))!
    expect(script.headers['content-encoding']).toMatch(/^(gzip|br)$/)
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(script.headers['vary']).toBe('Accept-Encoding')
    const html = responses.find((r) => r.url.startsWith(openUrl.split('?')[0]) && r.url.includes('?token='))!
    expect(html.headers['cache-control']).toBe('no-store')
    expect(responses.some((r) => /\/assets\/icon-[\w-]+\.svg$/.test(r.url))).toBe(true)
    await page.close()
  })

  test("heard-on-LAN lines between the user's own nodes are hidden until the toggle shows them", async () => {
    const page = await openDashboard(session, openUrl)
    await openTab(page, 'graph')
    const toggle = page.locator(tid('graph-local-lan-links'))
    const localLinks = () => page.locator(graphSvg).getAttribute('data-local-lan-links')
    // The three local nodes hear each other: three such lines exist, none is drawn.
    await eventually(() => toggle.locator('xpath=..').textContent(), 20_000).toContain('(3)')
    expect(await toggle.getAttribute('aria-checked')).toBe('false')
    expect(await localLinks()).toBe('0')
    // The heard link from Alpha to the outside node (not local) stays.
    await eventually(async () =>
      Number(await page.locator(graphSvg).getAttribute('data-links'))
    ).toBeGreaterThanOrEqual(3)
    await setSwitch(toggle, true)
    await eventually(localLinks).toBe('3')
    await setSwitch(toggle, false)
    await eventually(localLinks).toBe('0')
    await page.close()
  })
})
