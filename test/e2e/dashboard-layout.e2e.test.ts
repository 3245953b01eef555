// The dashboard on a real desk: every view at 800×600, 1280×800 and 2560×1440, in light and dark, against
// `chaski serve` with real nodes (long names, many topics, a root peer, a peer reconnecting, a LAN device gone
// offline). On each: no text sticks out of its box or is cut, no word broken across lines, no control off-screen
// or covered (harness/page-checks.ts), and no serious or critical axe-core violation (WCAG 2.1 A/AA, colour contrast
// included). One serve, one browser, one page: views are switched, not reloaded. Screenshots in both themes.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { startServe, type ServeProcess } from './harness/serve'
import { startChaskiNode, stopAllProcesses, type ChaskiNodeProcess } from './harness/processes'
import {
  createNode,
  eventually,
  openDashboard,
  openTab,
  openWholeNetwork,
  peerRow,
  settled,
  tid
} from './harness/dashboard-page'
import { waitFor } from '../helpers/wait-for'
import { accessibilityProblems, layoutProblems } from './harness/page-checks'

const VIEWS = ['overview', 'peers', 'lan', 'graph', 'matrix', 'discovery', 'messages', 'events'] as const
// The graph's drawing (canvas, and the svg of focusable node targets, which may overlap where nodes do) belongs to
// the graph's own tests (test/e2e/graph.e2e.test.ts); its legend and toolbar are checked here like any other text.
const IGNORE: Partial<Record<(typeof VIEWS)[number], string>> = {
  graph: '[data-testid="network-graph"] canvas, [data-testid="network-graph"] svg'
}
// The Graph and Latency matrix tabs again in their "whole network" scope (the selected node's map). The map's
// drawing (an svg whose node labels may overlap where nodes are close) is checked by its own browser tests.
const WHOLE_NETWORK = ['graph', 'matrix'] as const
const IGNORE_WHOLE_NETWORK = '[data-testid="map-graph"] svg'
// Unique per run: other runs on this machine may beacon on loopback too.
const TOPIC = `news-${process.pid}`

let serve: ServeProcess
let session: BrowserSession
let page: Page
const peers: ChaskiNodeProcess[] = []
const pageErrors: string[] = []
// Each test answers for the errors it raised in the page, whatever ran before it.
afterEach(() => {
  expect(pageErrors.splice(0), 'errors raised in the page').toEqual([])
})

beforeAll(async () => {
  const [s, b, ...started] = await Promise.all([
    startServe('layout'),
    launchBrowser(),
    startChaskiNode({ name: 'Alpha', subscribe: [TOPIC, 'weather'], lan: true }),
    startChaskiNode({
      name: 'Beta-with-a-rather-long-name-for-a-node',
      subscribe: [TOPIC, 'sports', 'music', 'traffic', 'a-topic-with-a-long-name'],
      lan: true
    }),
    startChaskiNode({ name: 'Root', extra: ['--root'] }),
    startChaskiNode({ name: 'Flaky', subscribe: [TOPIC] }),
    startChaskiNode({ name: 'Leaver', subscribe: ['weather'], lan: true })
  ])
  serve = s
  session = b
  peers.push(...started)
  const [alpha, beta, root, flaky, leaver] = started as [
    ChaskiNodeProcess,
    ChaskiNodeProcess,
    ChaskiNodeProcess,
    ChaskiNodeProcess,
    ChaskiNodeProcess
  ]
  page = await openDashboard(session, serve.openUrl)
  page.on('pageerror', (err) => pageErrors.push(err.message))
  // On every interface: its Overview lists each address it can be reached at.
  await createNode(page, {
    name: 'Hub',
    ip: '0.0.0.0',
    subscriptions: [TOPIC, 'weather'],
    autoConnect: false
  })
  await openTab(page, 'peers')
  const names = ['Alpha', 'Beta-with-a-rather-long-name-for-a-node', 'Root', 'Flaky']
  for (const [i, peer] of [alpha, beta, root, flaky].entries()) {
    await page.fill(tid('connect-address'), peer.address)
    await page.press(tid('connect-address'), 'Enter')
    await peerRow(page, names[i]!).waitFor()
  }
  await page.locator(tid('peers-ping-all')).click()
  await waitFor(async () => (await page.locator(tid('peer-rtt')).count()) >= 4, { message: 'ping answers' })
  // A message received, a peer lost without a goodbye (reconnecting), a LAN device that said goodbye (offline).
  await alpha.stop().catch(() => undefined)
  await openTab(page, 'lan')
  await page.locator(`${tid('lan-row')}[data-peer-name="Leaver"]`).waitFor()
  flaky.child.kill('SIGKILL')
  await leaver.stop()
  await page.locator(`${tid('lan-row')}[data-peer-name="Leaver"][data-online="false"]`).waitFor()
  await openTab(page, 'peers')
  await peerRow(page, 'Flaky')
    .locator(tid('peer-state'))
    .filter({ hasText: /^reconnecting, attempt \d+ of 32$/ })
    .waitFor()
  // Toasts come and go; the views are what is checked.
  await page.addStyleTag({ content: '.n-message-container { display: none }' })
}, 120_000)

afterAll(async () => {
  // Every step runs even if one fails, so no process outlives the file.
  await Promise.allSettled([session?.close(), stopAllProcesses()])
  await serve?.stop()
})

/** Every view in both themes at one size: layout problems and (if asked) axe violations, one line each. */
async function checkEveryView(width: number, height: number, axe: boolean): Promise<string[]> {
  await page.setViewportSize({ width, height })
  const problems: string[] = []
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme })
    await page.locator(`${tid('app')}[data-theme="${theme}"]`).waitFor()
    for (const view of VIEWS) {
      await openTab(page, view)
      await settled(page)
      const at = `${width}×${height} ${theme} ${view}:`
      for (const p of await layoutProblems(page, IGNORE[view])) problems.push(`${at} ${p}`)
      if (axe) for (const p of await accessibilityProblems(page)) problems.push(`${at} ${p}`)
      await session.screenshot(page, `layout-${width}x${height}-${view}-${theme}`)
    }
    for (const view of WHOLE_NETWORK) {
      await openWholeNetwork(page, view)
      await settled(page)
      const at = `${width}×${height} ${theme} ${view} (whole network):`
      for (const p of await layoutProblems(page, IGNORE_WHOLE_NETWORK)) problems.push(`${at} ${p}`)
      if (axe) for (const p of await accessibilityProblems(page)) problems.push(`${at} ${p}`)
      await session.screenshot(page, `layout-${width}x${height}-${view}-whole-network-${theme}`)
    }
    await page.check(`${tid('view-matrix')} ${tid('scope-mine')}`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
  return [...new Set(problems)]
}

describe('every view at every size, light and dark', () => {
  test('800×600: tabs that do not fit go to a menu, tables scroll sideways, nothing is cut or covered', async () => {
    await page.setViewportSize({ width: 800, height: 600 })
    // Not every tab fits: the rest are one click away in "More", nothing slides off-screen.
    await eventually(() => page.locator(tid('tab-more')).isVisible()).toBe(true)
    await page.click(tid('tab-more'))
    await page.click(tid('tab-menu-events'))
    await page.waitForSelector(tid('view-events'))
    // The menu fades out: the views are checked once it is gone.
    await page.locator('.n-dropdown-menu').waitFor({ state: 'detached' })
    expect(await page.locator(tid('tab-more')).textContent()).toContain('Events')
    // The peers table keeps its columns readable and scrolls sideways instead of squeezing.
    await openTab(page, 'peers')
    const name = peerRow(page, 'Beta-with-a-rather-long-name-for-a-node').locator(tid('peer-name'))
    expect(await name.getAttribute('title')).toBe('Beta-with-a-rather-long-name-for-a-node')
    expect(await checkEveryView(800, 600, true)).toEqual([])
  })

  test('1280×800: every tab shows; no problem in any view', async () => {
    await page.setViewportSize({ width: 1280, height: 800 })
    await eventually(() => page.locator(tid('tab-more')).count()).toBe(0)
    // The root peer's '@' topic says what it means; the reconnecting one says what its number is.
    await openTab(page, 'peers')
    expect(await peerRow(page, 'Root').locator('.topic-tag').textContent()).toBe(
      '@ (root: receives every topic)'
    )
    expect(await peerRow(page, 'Flaky').locator(tid('peer-state')).textContent()).toMatch(
      /^reconnecting, attempt \d+ of 32$/
    )
    expect(await checkEveryView(1280, 800, true)).toEqual([])
  })

  test('2560×1440: no problem in any view', async () => {
    expect(await checkEveryView(2560, 1440, false)).toEqual([])
  })

  test('the create-node dialog at 800×600 in both themes', async () => {
    await page.setViewportSize({ width: 800, height: 600 })
    await page.click(tid('create-node-open'))
    await page.waitForSelector(tid('create-name'))
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await page.locator(`${tid('app')}[data-theme="${theme}"]`).waitFor()
      await settled(page)
      problems.push(...(await layoutProblems(page)), ...(await accessibilityProblems(page)))
      await session.screenshot(page, `layout-800x600-create-dialog-${theme}`)
    }
    await page.keyboard.press('Escape')
    await page.locator(tid('create-node-dialog')).waitFor({ state: 'detached' })
    await page.emulateMedia({ colorScheme: 'light' })
    expect(problems).toEqual([])
  })

  test('the options dialog at 800×600 in both themes, with a change that waits for a restart', async () => {
    await page.setViewportSize({ width: 800, height: 600 })
    await page.click(`${tid('node-item-Hub')} ${tid('node-edit')}`)
    await page.waitForSelector(tid('edit-ttl'))
    await page.fill(tid('edit-ttl'), '12')
    await page.locator(tid('edit-restart-note')).waitFor()
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await page.locator(`${tid('app')}[data-theme="${theme}"]`).waitFor()
      await settled(page)
      problems.push(...(await layoutProblems(page)), ...(await accessibilityProblems(page)))
      await session.screenshot(page, `layout-800x600-edit-dialog-${theme}`)
    }
    await page.keyboard.press('Escape')
    await page.locator(tid('edit-node-dialog')).waitFor({ state: 'detached' })
    await page.emulateMedia({ colorScheme: 'light' })
    expect(problems).toEqual([])
  })
})
