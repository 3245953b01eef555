// Browser tests of the dashboard against `chaski serve` with real nodes: connecting by address (and the errors),
// the peers table and the graph, ping, disconnect and reconnect, publishing, the event log and the matrix.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { freePort } from '../helpers/free-port'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { startServe, type ServeProcess } from './harness/serve'
import { startChaskiNode, stopAllProcesses, type ChaskiNodeProcess } from './harness/processes'
import {
  createNode,
  graphCounts,
  toastWith,
  maxPerSecond,
  recordUpdates,
  openDashboard,
  openTab,
  peerRow,
  screenshotBoth,
  selectNode,
  tid,
  eventually
} from './harness/dashboard-page'

let serve: ServeProcess
let session: BrowserSession
let alpha: ChaskiNodeProcess
let beta: ChaskiNodeProcess
let page: Page
let updateTimes: number[] = []
const pageErrors: string[] = []
// Each test answers for the errors it raised in the page, whatever ran before it.
afterEach(() => {
  expect(pageErrors.splice(0), 'errors raised in the page').toEqual([])
})

beforeAll(async () => {
  ;[serve, session, alpha, beta] = await Promise.all([
    startServe('peers'),
    launchBrowser(),
    startChaskiNode({ name: 'Alpha', subscribe: ['news'] }),
    startChaskiNode({ name: 'Beta', subscribe: ['weather'] })
  ])
  page = await openDashboard(session, serve.openUrl, (p) => (updateTimes = recordUpdates(p)))
  page.on('pageerror', (err) => pageErrors.push(err.message))
  await createNode(page, { name: 'Hub', subscriptions: ['news'], lan: false })
})

afterAll(async () => {
  // Every step runs even if one fails, so no process outlives the file.
  await Promise.allSettled([session?.close(), stopAllProcesses()])
  await serve?.stop()
})

const connectFeedback = () =>
  page.locator(`.n-form-item:has(${tid('connect-address')}) .n-form-item-feedback-wrapper`).textContent()

// Each test sets up the links it needs (connecting or disconnecting what earlier tests left), so none depends on
// another having run before it, or not.

/** Hub selected, on the Peers tab. */
async function onHub(): Promise<void> {
  await selectNode(page, 'Hub')
  await openTab(page, 'peers')
}

const PEERS = () => [
  { name: 'Alpha', process: alpha },
  { name: 'Beta', process: beta }
]

/** Hub linked to Alpha and Beta (what is missing is connected by its address). */
async function hubLinkedToBoth(): Promise<void> {
  await onHub()
  for (const { name, process } of PEERS()) {
    if ((await peerRow(page, name).count()) > 0) continue
    await page.fill(tid('connect-address'), process.address)
    await page.click(tid('connect-submit'))
    await peerRow(page, name).waitFor()
  }
}

/** Hub linked to neither Alpha nor Beta (disconnected from the dashboard: they stay known peers). */
async function hubLinkedToNeither(): Promise<void> {
  await onHub()
  for (const { name } of PEERS()) {
    const row = peerRow(page, name)
    if ((await row.count()) === 0) continue
    await row.locator(tid('peer-disconnect')).click()
    await row.waitFor({ state: 'detached' })
  }
}

/** The graph draws exactly its model, these peers among its nodes and not those. */
async function graphShows(drawn: ChaskiNodeProcess[], notDrawn: ChaskiNodeProcess[] = []): Promise<void> {
  await openTab(page, 'graph')
  const count = (process: ChaskiNodeProcess) =>
    page.locator(`${tid('network-graph')} g.nodes > g[data-id="${process.id}"]`).count()
  await eventually(async () => {
    const counts = await graphCounts(page)
    if (counts.drawn !== counts.model) return false
    for (const process of drawn) if ((await count(process)) !== 1) return false
    for (const process of notDrawn) if ((await count(process)) !== 0) return false
    return true
  }).toBe(true)
}

describe('peers', () => {
  test('with no peer the table says what to do; a bad address is refused as you type', async () => {
    // A node of its own: Hub may have peers, depending on what ran before.
    await createNode(page, { name: 'Newcomer', lan: false })
    await selectNode(page, 'Newcomer')
    await openTab(page, 'peers')
    expect(await page.locator(tid('peers-empty')).textContent()).toMatch(
      /No peers yet.*turn on LAN discovery.*connect to an address/is
    )
    const submit = page.locator(tid('connect-submit'))
    await page.fill(tid('connect-address'), '127.0.0.1')
    await eventually(connectFeedback).toContain("expected 'ip:port'")
    await eventually(() => submit.isDisabled()).toBe(true)
    await page.fill(tid('connect-address'), '::1:8511')
    await eventually(connectFeedback).toContain('IPv6 addresses need brackets')
    await page.fill(tid('connect-address'), 'two words:8511')
    await eventually(connectFeedback).toContain("not an IP address or host name: 'two words'")
    await page.fill(tid('connect-address'), 'localhost:8511')
    await eventually(connectFeedback).toContain('Will look up localhost and connect to its port 8511')
    await page.fill(tid('connect-address'), 'Far@[::1]:8511')
    await eventually(connectFeedback).toContain('Will connect to Far at ::1 port 8511')
    await eventually(() => submit.isDisabled()).toBe(false)
  })

  test("an address where nobody listens shows the host's error text", async () => {
    await onHub()
    const closed = await freePort()
    await page.fill(tid('connect-address'), `127.0.0.1:${closed}`)
    await page.click(tid('connect-submit'))
    const error = page.locator(tid('connect-error'))
    await error.waitFor()
    expect(await error.textContent()).toContain(`connection refused by 127.0.0.1:${closed}`)
    await toastWith(page, 'error', 'connection refused')
    await screenshotBoth(session, page, 'dashboard-peers-connect-error', { keepToasts: true })
  })

  test('connecting by Name@ip:port lists the peer with its shared topic, and the graph draws it', async () => {
    await hubLinkedToNeither()
    await page.fill(tid('connect-address'), alpha.namedAddress)
    await page.press(tid('connect-address'), 'Enter')
    const row = peerRow(page, 'Alpha')
    await row.waitFor()
    expect(await row.locator(tid('peer-address')).textContent()).toBe(alpha.address)
    expect(await row.locator('[data-shared="true"]').textContent()).toBe('news')
    expect(await row.locator(tid('peer-state')).textContent()).toBe('connected')
    await alpha.waitForLine((l) => l.event === 'edge-added', 'edge to Hub')
    expect(await page.locator(tid('connect-error')).count()).toBe(0)

    await page.fill(tid('connect-address'), beta.address)
    await page.click(tid('connect-submit'))
    await peerRow(page, 'Beta').waitFor()
    // Beta shares no topic with Hub: nothing highlighted.
    expect(await peerRow(page, 'Beta').locator('[data-shared="true"]').count()).toBe(0)
    // The address is remembered for next time (offered on the arrow keys).
    await page.click(tid('connect-address'))
    await page.keyboard.press('ArrowDown')
    await page.waitForSelector(`${tid('suggestion')}:text-is("${beta.address}")`)
    await page.keyboard.press('Escape')

    await graphShows([alpha, beta])
    expect(await page.locator(tid('network-graph')).getAttribute('data-node-count')).toBe(
      String((await graphCounts(page)).model)
    )
  })

  test('ping shows the round trip (last, median, p95, jitter), the one-way estimate labelled, and a sparkline sample', async () => {
    await hubLinkedToBoth()
    const rows = await page.locator(tid('peer-row')).count()
    const row = peerRow(page, 'Alpha')
    await row.locator(tid('peer-ping')).click()
    await toastWith(page, 'success', /Alpha answered in [\d.]+ ms \(round trip\)/)
    await eventually(() => row.locator(tid('peer-latency')).textContent()).toMatch(/^[\d.]+ ms$/)
    expect(await row.locator(tid('peer-rtt')).textContent()).toMatch(/^median [\d.]+ · p95 [\d.]+ ms$/)
    expect(await row.locator(tid('peer-jitter')).textContent()).toMatch(/^jitter [\d.]+ ms$/)
    expect(await row.locator(tid('peer-one-way')).textContent()).toMatch(/^one-way est\. [\d.]+ ± [\d.]+ ms$/)
    expect(
      Number(await row.locator(tid('peer-sparkline')).getAttribute('data-samples'))
    ).toBeGreaterThanOrEqual(1)
    await page.fill(tid('peers-filter'), 'weather')
    await eventually(() => page.locator(tid('peer-row')).count()).toBe(1)
    expect(await page.locator(tid('peer-row')).getAttribute('data-peer-name')).toBe('Beta')
    await page.fill(tid('peers-filter'), '')
    await eventually(() => page.locator(tid('peer-row')).count()).toBe(rows)
    await screenshotBoth(session, page, 'dashboard-peers')
  })

  test('disconnect drops the peer at once; it stays a known peer, disconnected, and reconnects in one click', async () => {
    await hubLinkedToBoth()
    const before = alpha.lines.filter((l) => l.event === 'edge-removed').length
    await peerRow(page, 'Beta').locator(tid('peer-disconnect')).click()
    await peerRow(page, 'Beta').waitFor({ state: 'detached' })
    await toastWith(page, 'success', 'Disconnected from Beta; it is not reconnected until you ask')
    const known = page.locator(`${tid('known-peer')}[data-address="${beta.address}"]`)
    await eventually(() => known.getAttribute('data-status')).toBe('disconnected')
    expect(await known.locator(tid('known-peer-status')).textContent()).toContain('disconnected by you')
    // A known peer has its own row: it is not offered again under Recent peers.
    expect(await page.locator(`${tid('recent-peer')}[data-peer-name="Beta"]`).count()).toBe(0)
    await beta.waitForLine((l) => l.event === 'edge-removed', 'edge to Hub removed')
    expect(alpha.lines.filter((l) => l.event === 'edge-removed').length).toBe(before)

    await graphShows([alpha], [beta])

    await openTab(page, 'peers')
    await known.locator(tid('known-peer-connect')).click()
    await peerRow(page, 'Beta').waitFor()
    await eventually(() => known.getAttribute('data-status')).toBe('connected')
  })

  test('a burst of activity reaches the page as at most 10 updates a second', async () => {
    await hubLinkedToBoth()
    const before = updateTimes.length
    const pingAll = page.locator(tid('peers-ping-all'))
    for (let i = 0; i < 20; i++) await pingAll.click()
    await eventually(() => updateTimes.length - before).toBeGreaterThanOrEqual(5)
    // Every ping answer changes a latency: without coalescing that is 40 updates in about a second.
    // One extra is allowed for a frame delivered early by the network.
    expect(maxPerSecond(updateTimes)).toBeLessThanOrEqual(11)
  })

  test('a message published from the dashboard arrives at the peer process and at another local node', async () => {
    await hubLinkedToBoth()
    await openTab(page, 'messages')
    await page.fill(tid('publish-topic'), 'news')
    await page.fill(tid('publish-data'), 'hello from the dashboard')
    await page.click(tid('publish-submit'))
    await toastWith(page, 'success', 'Published to news: sent to 1 peer')
    const line = await alpha.waitForLine((l) => l.event === 'message', 'message from Hub')
    expect(line).toMatchObject({ topic: 'news', data: 'hello from the dashboard' })

    await createNode(page, { name: 'Reader', subscriptions: ['news'], lan: false })
    await selectNode(page, 'Hub')
    await openTab(page, 'peers')
    await page.click(tid('connect-local-select'))
    await page.click('.n-base-select-option:has-text("Reader")')
    await page.click(tid('connect-local-submit'))
    await peerRow(page, 'Reader').waitFor()

    await openTab(page, 'messages')
    await page.fill(tid('publish-topic'), 'news')
    await page.fill(tid('publish-data'), '{"temp": 21}')
    await page.press(tid('publish-data'), 'Enter')
    await toastWith(page, 'success', 'sent to 2 peers')

    await selectNode(page, 'Reader')
    const message = page.locator(`${tid('message')}[data-topic="news"]`).first()
    await message.waitFor()
    expect(await message.locator(tid('message-preview')).textContent()).toContain('{"temp": 21}')
    expect(await message.textContent()).toContain('from Hub')
    await screenshotBoth(session, page, 'dashboard-messages')
  })

  test('the event log lists edges with reasons and filters by node and kind; graph and matrix show the network', async () => {
    // Edges removed on purpose, and back: what the log must show (linked first, whatever ran before).
    await hubLinkedToBoth()
    await hubLinkedToNeither()
    await hubLinkedToBoth()
    await openTab(page, 'events')
    await page.click(tid('events-node-filter'))
    await page.click('.n-base-select-option:has-text("Hub")')
    const removed = page
      .locator(`${tid('event-row')}[data-kind="edge-removed"]`)
      .filter({ hasText: 'disconnected from Beta' })
    await eventually(() => removed.count()).toBeGreaterThan(0)
    expect(await removed.first().textContent()).toMatch(
      /disconnected from Beta \(127\.0\.0\.1:\d+\): closed from this side/
    )
    await page.click(tid('events-kind-filter'))
    await page
      .locator('.n-base-select-option')
      .filter({ hasText: /^connected$/ })
      .click()
    await page.keyboard.press('Escape')
    await eventually(
      async () =>
        new Set(
          await page
            .locator(tid('event-row'))
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))
        )
    ).toEqual(new Set(['edge-added']))
    await screenshotBoth(session, page, 'dashboard-events')

    // Local nodes and peers, one circle each.
    await graphShows([alpha, beta])
    await screenshotBoth(session, page, 'dashboard-graph')
    await openTab(page, 'matrix')
    await page.waitForSelector(tid('latency-matrix'))
    await screenshotBoth(session, page, 'dashboard-matrix')
    await openTab(page, 'lan')
    await page.waitForSelector(tid('lan-off'))
    await screenshotBoth(session, page, 'dashboard-lan-off')
    await openTab(page, 'discovery')
    await screenshotBoth(session, page, 'dashboard-discovery-idle')
  })
})
