// What a person does on the dashboard, as steps the browser tests share: open it, create a node from the dialog,
// pick a node or a tab, read the graph, save a screenshot in light and dark. Selectors are data-testid only.
import { expect } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import type { AppState } from '../../../src/shared/snapshots'
import { waitFor } from '../../helpers/wait-for'
import type { BrowserSession } from './browser'
import { connectToHost } from './host-setup'

export const tid = (id: string): string => `[data-testid="${id}"]`

/** Opens the dashboard and waits until the host's state is loaded (either the tabs or the first-run empty state). */
export async function openDashboard(
  session: BrowserSession,
  url: string,
  beforeLoad?: (page: Page) => void
): Promise<Page> {
  const page = await session.newPage()
  page.setDefaultTimeout(20_000)
  beforeLoad?.(page)
  await page.goto(url)
  await page.waitForSelector(`${tid('tabs')}, ${tid('no-nodes')}`)
  return page
}

export interface NewNode {
  name: string
  /** Address to listen on (default: what the dialog offers, 127.0.0.1 under the tests' LAN cap). */
  ip?: string
  subscriptions?: string[]
  lan?: boolean
  autoConnect?: boolean
  port?: number
  ttl?: number
  maxConnections?: number
  reconnections?: number
  /** The trust policy chosen in the dialog (default what it offers: tofu). */
  trust?: 'open' | 'tofu' | 'approve'
  insecure?: boolean
}

/** Fills the create-node dialog and submits it; resolves once the node is listed in the sidebar. */
export async function createNode(page: Page, node: NewNode): Promise<Locator> {
  await page.click(tid('create-node-open'))
  await page.waitForSelector(tid('create-name'))
  await page.fill(tid('create-name'), node.name)
  if (node.ip !== undefined) await page.fill(tid('create-ip'), node.ip)
  if (node.port !== undefined) await page.fill(tid('create-port'), String(node.port))
  if (node.ttl !== undefined) await page.fill(tid('create-ttl'), String(node.ttl))
  if (node.maxConnections !== undefined)
    await page.fill(tid('create-max-connections'), String(node.maxConnections))
  if (node.reconnections !== undefined)
    await page.fill(tid('create-reconnections'), String(node.reconnections))
  for (const topic of node.subscriptions ?? []) {
    await page.click(tid('create-topic-add'))
    await page.fill(tid('create-topic-input'), topic)
    await page.press(tid('create-topic-input'), 'Enter')
  }
  if (node.lan === false) await setSwitch(page.locator(tid('create-lan')), false)
  if (node.autoConnect === false) await setSwitch(page.locator(tid('create-autoconnect')), false)
  if (node.trust !== undefined) await page.click(tid(`create-trust-${node.trust}`))
  if (node.insecure !== undefined) await setSwitch(page.locator(tid('create-insecure')), node.insecure)
  await page.click(tid('create-node-submit'))
  const item = page.locator(tid(`node-item-${node.name}`))
  await item.waitFor()
  await item.locator(tid('node-state')).filter({ hasText: 'serving' }).waitFor()
  await page.locator(tid('create-node-dialog')).waitFor({ state: 'detached' })
  return item
}

/** Naive UI switches are role="switch" with aria-checked. */
export async function setSwitch(control: Locator, on: boolean): Promise<void> {
  const state = await control.getAttribute('aria-checked')
  if ((state === 'true') !== on) await control.click()
  await waitFor(async () => (await control.getAttribute('aria-checked')) === String(on), {
    timeoutMs: 20_000,
    message: `switch ${on ? 'on' : 'off'}`
  })
}

export async function selectNode(page: Page, name: string): Promise<void> {
  await page.click(`${tid(`node-item-${name}`)} ${tid('node-select')}`)
  await page.locator(tid('header-node-name')).filter({ hasText: name }).waitFor()
}

/** Opens a view from its tab, or from the "More" menu when the window is too narrow for every tab. */
export async function openTab(page: Page, tab: string): Promise<void> {
  const button = page.locator(tid(`tab-${tab}`))
  // The tab bar is laid out after the first snapshot: wait for the tab or the menu before choosing.
  await page
    .locator(`${tid(`tab-${tab}`)}, ${tid('tab-more')}`)
    .first()
    .waitFor()
  if ((await button.count()) > 0) {
    // Already open: no click (a toast over the tab bar would only make the click wait for it to fade).
    if ((await button.getAttribute('aria-selected')) !== 'true') await button.click()
  } else {
    await page.click(tid('tab-more'))
    await page.click(tid(`tab-menu-${tab}`))
    await page.locator('.n-dropdown-menu').waitFor({ state: 'detached' })
  }
  await page.waitForSelector(tid(`view-${tab}`))
}

export function peerRow(page: Page, name: string): Locator {
  return page.locator(`${tid('peer-row')}[data-peer-name="${name}"]`)
}

/** Nodes drawn in the network graph (one <g data-id> per node), and the model's count the graph was given. */
export async function graphCounts(page: Page): Promise<{ drawn: number; model: number }> {
  const graph = page.locator(tid('network-graph'))
  return {
    drawn: await graph.locator('g.nodes > g[data-id]').count(),
    model: Number(await page.locator(tid('view-graph')).getAttribute('data-model-nodes'))
  }
}

/**
 * Waits for a toast of `kind` whose text matches, and returns its text. Matching (not "the last toast") matters:
 * an earlier action's toast may still be the newest one when this is called.
 */
export async function toastWith(
  page: Page,
  kind: 'success' | 'error',
  text: string | RegExp,
  timeoutMs = 20_000
): Promise<string> {
  // Found and read in one call: a toast lives 3 s, and on a busy machine it could vanish between a waitFor()
  // and a textContent() (which then waited for it in vain).
  const toasts = page.locator(tid(`toast-${kind}`))
  const matches = (t: string): boolean => (typeof text === 'string' ? t.includes(text) : text.test(t))
  let found: string | undefined
  await expect
    .poll(
      async () => {
        const texts = await toasts.allTextContents()
        found = texts.reverse().find(matches)
        return found !== undefined
      },
      { timeout: timeoutMs, interval: 50, message: `a ${kind} toast with ${String(text)}` }
    )
    .toBe(true)
  return found ?? ''
}

/**
 * Saves `<name>-light.png` and `<name>-dark.png` (the OS colour scheme the theme follows). Toasts of earlier steps
 * are hidden unless `keepToasts`: the picture is of the view.
 */
export async function screenshotBoth(
  session: BrowserSession,
  page: Page,
  name: string,
  { keepToasts = false } = {}
): Promise<void> {
  const hide = keepToasts
    ? null
    : await page.addStyleTag({ content: '.n-message-container { display: none }' })
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    await page.locator(`${tid('app')}[data-theme="${colorScheme}"]`).waitFor()
    await settled(page)
    await session.screenshot(page, `${name}-${colorScheme}`)
  }
  await hide?.evaluate((style) => (style as Element).remove())
  await page.emulateMedia({ colorScheme: 'light' })
}

/** Waits until no CSS transition or animation runs (Naive UI fades colours when the theme changes). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)
  )
}

/** expect.poll with room for a busy 2-core machine (its default gives up after 1 s). Use inside tests only. */
export function eventually<T>(read: () => T | Promise<T>, timeoutMs = 15_000) {
  return expect.poll(read, { timeout: timeoutMs, interval: 50 })
}

/** Arrival times (ms) of the host's update messages on the page's WebSocket bridge. */
export function recordUpdates(page: Page): number[] {
  const times: number[] = []
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.startsWith('{"type":"update"')) times.push(Date.now())
    })
  )
  return times
}

/** The most updates that arrived within any one second. */
export function maxPerSecond(times: readonly number[]): number {
  let best = 0
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= 1000) i++
    best = Math.max(best, j - i + 1)
  }
  return best
}

/**
 * The host's state as the dashboard gets it (getState over the WebSocket, with the page's Origin and token): for
 * checking what the page shows against the raw data, e.g. round-trip figures against their samples.
 */
export async function hostState(openUrl: string): Promise<AppState> {
  const host = await connectToHost(openUrl)
  try {
    return await host.call('getState')
  } finally {
    host.close()
  }
}

/**
 * Opens the Graph or Latency matrix tab in its "whole network" scope: every node the selected node knows from
 * neighbour adverts (its map). Scoped to the tab's view: the Graph tab stays in the page once opened.
 */
export async function openWholeNetwork(page: Page, tab: 'graph' | 'matrix'): Promise<void> {
  await openTab(page, tab)
  await page.check(`${tid(`view-${tab}`)} ${tid('scope-network')}`)
  await page.waitForSelector(tid(tab === 'graph' ? 'map-graph' : 'map-matrix-view'))
}
