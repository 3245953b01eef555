// The whole network (the Graph tab's "whole network" scope) against `chaski serve` with real nodes: one local node
// (Hub) linked to a `chaski node` A; B and D link to A, C links to B; L is only heard on the LAN. Hub's own edges
// show one node; the map shows all six, marked by how Hub knows them, with the link B–C (C is 3 hops away: its
// advert never reaches Hub) dashed; hovering shows measured and estimated round trips; filters and the layout
// switch change what is drawn; the Latency matrix's whole-network scope covers every node.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { eventually, openDashboard, openWholeNetwork, selectNode, tid } from './harness/dashboard-page'
import { startChaskiNode, stopAllProcesses, type ChaskiNodeProcess } from './harness/processes'
import { serveHub } from './harness/serve-hub'

let dir: string
let openUrl: string
let session: BrowserSession
const peers: Record<string, ChaskiNodeProcess> = {}

beforeAll(async () => {
  // LAN on, auto-connect off: L stays a node Hub only hears.
  let hubPort: number
  ;({ dir, openUrl, hubPort } = await serveHub('network map', { enabled: true }))
  const keepalive = ['--keepalive', '1']
  ;[session, peers.A] = await Promise.all([
    launchBrowser(),
    startChaskiNode({ name: 'A', connect: [`127.0.0.1:${hubPort}`], extra: keepalive })
  ])
  peers.B = await startChaskiNode({ name: 'B', connect: [peers.A!.address], extra: keepalive })
  peers.D = await startChaskiNode({ name: 'D', connect: [peers.A!.address], extra: keepalive })
  peers.C = await startChaskiNode({ name: 'C', connect: [peers.B!.address], extra: keepalive })
  peers.L = await startChaskiNode({ name: 'L', lan: true })
})

afterAll(async () => {
  await Promise.allSettled([session?.close(), stopAllProcesses()])
  rmSync(dir, { recursive: true, force: true })
})

async function drawnNodes(page: Page): Promise<Record<string, { known: string; hops: string }>> {
  return page.$$eval('[data-testid="map-node"]', (elements) =>
    Object.fromEntries(
      elements.map((el) => [
        el.getAttribute('data-name')!,
        { known: el.getAttribute('data-known')!, hops: el.getAttribute('data-hops')! }
      ])
    )
  )
}

function nodeAt(page: Page, name: string) {
  return page.locator(`${tid('map-node')}[data-name="${name}"]`)
}

/** Other test runs on this machine beacon on loopback too: only the LAN node of this file is counted. */
async function hideLanOnly(page: Page): Promise<void> {
  await nodeAt(page, 'L').waitFor()
  expect(await drawnNodes(page)).toMatchObject({ L: { known: 'lan', hops: '' } })
  expect(await nodeAt(page, 'L').getAttribute('aria-label')).toBe('L: heard on the LAN, no advert')
  await page.uncheck(tid('map-filter-lan'))
  await nodeAt(page, 'L').waitFor({ state: 'detached' })
}

describe('whole network scope', () => {
  test('shows every node Hub learned, how it knows each, one-end links dashed, RTTs measured and estimated', async () => {
    const page = await openDashboard(session, openUrl)
    await selectNode(page, 'Hub')
    await openWholeNetwork(page, 'graph')
    await hideLanOnly(page)
    await eventually(() => page.locator(tid('map-summary')).textContent(), 30_000).toBe('5 nodes, 4 links')
    // D is listed by A before its own advert arrives: wait for every node's own advert (names, hops).
    await eventually(() => drawnNodes(page), 30_000).toEqual({
      Hub: { known: 'local', hops: '0' },
      A: { known: 'direct', hops: '1' },
      B: { known: 'learned', hops: '2' },
      D: { known: 'learned', hops: '2' },
      // Listed by B only: no advert of its own reaches Hub, so no name (its id's start is shown).
      [peers.C!.id.slice(0, 8)]: { known: 'learned', hops: '3' }
    })
    const links = page.locator(tid('map-link'))
    await eventually(() =>
      links.evaluateAll((els) => els.filter((el) => el.getAttribute('data-confirmed') === 'false').length)
    ).toBe(1)
    const dashed = page.locator(`${tid('map-link')}[data-confirmed="false"]`)
    expect(await dashed.getAttribute('data-a')).toMatch(new RegExp(`${peers.B!.id}|${peers.C!.id}`))
    expect(await dashed.evaluate((el) => getComputedStyle(el).strokeDasharray)).not.toBe('none')

    // A link's RTT is measured (keep-alive pings every second on A, B, C, D).
    await eventually(async () => {
      await page
        .locator(`${tid('map-link')}[data-confirmed="true"]`)
        .first()
        .hover({ force: true })
      return page.locator(tid('map-pair-info')).textContent()
    }, 30_000).toMatch(/measured RTT \d+(\.\d+)? ms/)
    // B and D share no link: their RTT is estimated from coordinates.
    await nodeAt(page, 'B').locator('circle').click()
    await nodeAt(page, 'D').locator('circle').hover()
    await eventually(() => page.locator(tid('map-pair-info')).textContent()).toMatch(
      /^B ↔ D: estimated RTT ~\d+(\.\d+)? ms \(from coordinates, error \d+ %\)$/
    )

    // The matrix covers all five (and L: no link, no coordinates, '?'): measured cells where links are,
    // estimated ones elsewhere.
    await openWholeNetwork(page, 'matrix')
    const cells = page.locator(tid('map-matrix-cell'))
    await eventually(() => cells.count(), 30_000).toBeGreaterThanOrEqual(36)
    const rows = await page.locator(`${tid('map-matrix')} tbody th`).allTextContents()
    expect(rows).toEqual(expect.arrayContaining(['Hub', 'A', 'B', 'D', peers.C!.id.slice(0, 8), 'L']))
    await eventually(() =>
      cells.evaluateAll((els) => els.filter((el) => el.getAttribute('data-kind') === 'measured').length)
    ).toBeGreaterThanOrEqual(2)
    expect(
      await cells.evaluateAll(
        (els) => els.filter((el) => el.getAttribute('data-kind') === 'estimated').length
      )
    ).toBeGreaterThanOrEqual(2)

    // Filters: one hop; no one-end links. Layout: by force moves the nodes.
    await openWholeNetwork(page, 'graph')
    await page.selectOption(tid('map-filter-hops'), '1')
    await eventually(() => page.locator(tid('map-summary')).textContent()).toBe('2 nodes, 1 links')
    await page.selectOption(tid('map-filter-hops'), '3')
    await page.uncheck(tid('map-filter-reported'))
    await eventually(() => page.locator(tid('map-summary')).textContent()).toBe('5 nodes, 3 links')
    const before = await nodeAt(page, 'B').getAttribute('transform')
    await page.click(tid('map-layout-force'))
    await eventually(() => nodeAt(page, 'B').getAttribute('transform')).not.toBe(before)
    await page.close()
  })

  test('a node that leaves takes its links off the map within seconds', async () => {
    const page = await openDashboard(session, openUrl)
    await selectNode(page, 'Hub')
    await openWholeNetwork(page, 'graph')
    await hideLanOnly(page)
    await eventually(() => page.locator(tid('map-summary')).textContent(), 30_000).toBe('5 nodes, 4 links')
    const stoppedAt = Date.now()
    await peers.D!.stop()
    // A re-advertises without D (debounce 1 s); D's own last advert is stale and its link goes.
    await eventually(() => page.locator(tid('map-summary')).textContent(), 15_000).toBe('5 nodes, 3 links')
    const elapsedMs = Date.now() - stoppedAt
    console.log(`topology change (a node stopped) reached the dashboard in ${elapsedMs} ms`)
    expect(elapsedMs).toBeLessThan(15_000)
    await page.close()
  })
})
