// The whole network of 20 nodes in the dashboard attached to one of them (issue #16): `chaski serve` hosts Hub;
// 19 `chaski node` processes on loopback link to it over two hops (A1–A4 to Hub, B1–B15 to the A's, a few links
// among them, plus whatever discovery pairs by topic; B6 and B11 start once the dashboard shows the rest, so the
// time measured is the drawing's, not the processes' start). The edges each process reports (its own edge-added and
// edge-removed lines) are the truth. The Graph tab's scope bar counts the 20 in the "your nodes" scope; its "whole
// network" scope draws all 20 with exactly the true links, each confirmed, within a bound measured from the last
// edge change; known-by marks and hops match a breadth-first search of the truth; filters by hops, topic and state;
// a pair's RTT measured or estimated; the Latency matrix's whole-network scope covers all 400 pairs, measured
// cells exactly where links are.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { waitFor } from '../helpers/wait-for'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { eventually, openDashboard, openWholeNetwork, selectNode, tid } from './harness/dashboard-page'
import {
  startChaskiNode,
  stopAllProcesses,
  type ChaskiNodeProcess,
  type JsonLine,
  type JsonProcess
} from './harness/processes'
import { serveHub } from './harness/serve-hub'

/** From the last edge change any node reports to the dashboard drawing it: adverts are debounced 1 s and sent
 *  at most every 2 s, relayed once, and the view asks for the map every second. */
const CONVERGENCE_BOUND_MS = 10_000
const KEEPALIVE = ['--keepalive', '1']

let dir: string
let serve: JsonProcess
let openUrl: string
let session: BrowserSession
let page: Page
let hubId = ''
const nodes: ChaskiNodeProcess[] = []
const byName = new Map<string, ChaskiNodeProcess>()

function topicsOf(name: string): string[] {
  if (name.startsWith('A')) return ['news']
  return Number(name.slice(1)) % 2 === 0 ? ['weather'] : ['sports']
}

async function start(name: string, connect: string[]): Promise<void> {
  const node = await startChaskiNode({ name, connect, subscribe: topicsOf(name), extra: KEEPALIVE })
  nodes.push(node)
  byName.set(name, node)
}

beforeAll(async () => {
  // LAN off: other test runs on this machine beacon on loopback, and their nodes are not part of this network.
  let hubPort: number
  ;({ dir, serve, openUrl, hubPort } = await serveHub('20 nodes', { enabled: false }))
  const hubAddress = `127.0.0.1:${hubPort}`
  ;[session] = await Promise.all([
    launchBrowser(),
    start('A1', [hubAddress]),
    start('A3', [hubAddress]),
    start('A4', [hubAddress])
  ])
  await start('A2', [hubAddress, byName.get('A1')!.address])
  const a = (i: number) => byName.get(`A${(i % 4) + 1}`)!.address
  // A few at a time: a dozen Node processes starting at once on a busy 2-core machine miss the ready line's bound.
  const first = [1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 14, 15]
  for (let i = 0; i < first.length; i += 4) {
    await Promise.all(first.slice(i, i + 4).map((n) => start(`B${n}`, [a(n)])))
  }
  expect(nodes).toHaveLength(17)
  page = await openDashboard(session, openUrl)
  await selectNode(page, 'Hub')
}, 120_000)

afterAll(async () => {
  await Promise.allSettled([session?.close(), stopAllProcesses()])
  await serve?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const pairKey = (x: string, y: string): string => (x < y ? `${x}|${y}` : `${y}|${x}`)

/** The links that exist now, as the nodes themselves report them, and when the last one changed. */
function truth(): { links: Set<string>; changedAt: number } {
  const links = new Set<string>()
  let changedAt = 0
  for (const node of nodes) {
    const live = new Map<string, JsonLine>()
    for (const line of node.lines) {
      const peer = (line['peer'] as { id?: string } | undefined)?.id
      if (!peer) continue
      if (line.event === 'edge-added') live.set(peer, line)
      else if (line.event === 'edge-removed') live.delete(peer)
      else continue
      changedAt = Math.max(changedAt, Date.parse(String(line['time'])))
    }
    for (const peer of live.keys()) links.add(pairKey(node.id, peer))
  }
  return { links, changedAt }
}

/** Hops from Hub over the true links (breadth first). */
function hopsFromHub(links: Set<string>): Map<string, number> {
  const next = new Map<string, string[]>()
  for (const key of links) {
    const [x, y] = key.split('|') as [string, string]
    next.set(x, [...(next.get(x) ?? []), y])
    next.set(y, [...(next.get(y) ?? []), x])
  }
  const hops = new Map([[hubId, 0]])
  const queue = [hubId]
  while (queue.length > 0) {
    const at = queue.shift()!
    for (const other of next.get(at) ?? []) {
      if (hops.has(other)) continue
      hops.set(other, hops.get(at)! + 1)
      queue.push(other)
    }
  }
  return hops
}

interface Drawn {
  nodes: { id: string; name: string; known: string; hops: string; ageMs: string; label: string }[]
  links: { key: string; confirmed: string; state: string }[]
}

async function drawn(): Promise<Drawn> {
  return page.evaluate(() => ({
    nodes: [...document.querySelectorAll('[data-testid="map-node"]')].map((el) => ({
      id: el.getAttribute('data-id')!,
      name: el.getAttribute('data-name')!,
      known: el.getAttribute('data-known')!,
      hops: el.getAttribute('data-hops')!,
      ageMs: el.getAttribute('data-age-ms')!,
      label: el.getAttribute('aria-label')!
    })),
    links: [...document.querySelectorAll('[data-testid="map-link"]')].map((el) => {
      const [a, b] = [el.getAttribute('data-a')!, el.getAttribute('data-b')!]
      return {
        key: a < b ? `${a}|${b}` : `${b}|${a}`,
        confirmed: el.getAttribute('data-confirmed')!,
        state: el.getAttribute('data-state')!
      }
    })
  }))
}

const summary = () => page.locator(tid('map-summary')).textContent()

describe('a 20-node network in the dashboard attached to one node', () => {
  test('the whole network shows all 20 with exactly the true links within the bound; the scope bar counts them', async () => {
    // The dashboard is open on the whole network before the last two nodes start: the time is the drawing's.
    await openWholeNetwork(page, 'graph')
    await eventually(() => summary(), 30_000).toMatch(/^18 nodes, /)
    await Promise.all([
      start('B6', [byName.get('A3')!.address, byName.get('B5')!.address]),
      start('B11', [byName.get('A4')!.address, byName.get('B10')!.address])
    ])
    expect(nodes).toHaveLength(19)
    hubId = (await page.locator(`${tid('map-node')}[data-known="local"]`).getAttribute('data-id'))!
    // Poll until the drawing equals the truth of that moment: 20 nodes, the same links, every one confirmed.
    let measuredMs = 0
    let last: Drawn | null = null
    await waitFor(
      async () => {
        const now = truth()
        last = await drawn()
        const keys = last.links.map((l) => l.key).sort()
        const ok =
          last.nodes.length === 20 &&
          keys.join() === [...now.links].sort().join() &&
          last.links.every((l) => l.confirmed === 'true' && l.state === 'up')
        if (ok) measuredMs = Date.now() - now.changedAt
        return ok
      },
      { timeoutMs: 30_000, intervalMs: 100, message: 'the whole network drawn as the nodes report it' }
    )
    const { links, changedAt } = truth()
    console.log(
      `20 nodes, ${links.size} links: drawn ${measuredMs} ms after the last edge change ` +
        `(the network formed in ${changedAt - Math.min(...nodes.map((n) => Date.parse(String(n.lines[0]!['time']))))} ms)`
    )
    expect(measuredMs).toBeLessThan(CONVERGENCE_BOUND_MS)

    // Known-by marks and hops: Hub local, its peers direct, the rest learned at their breadth-first distance.
    const hops = hopsFromHub(links)
    const names = new Map(nodes.map((n) => [n.id, n.name.replace('chaski node ', '')]))
    names.set(hubId, 'Hub')
    for (const node of last!.nodes) {
      const expected = hops.get(node.id)!
      expect(node.name).toBe(names.get(node.id))
      expect(node.hops).toBe(String(expected))
      expect(node.known).toBe(expected === 0 ? 'local' : expected === 1 ? 'direct' : 'learned')
      if (expected >= 2)
        expect(node.label).toMatch(new RegExp(`^${node.name}: learned, ${expected} hops away, `))
      // Age: every node but Hub has an advert of its own, and it is recent (periodic adverts every 30 s).
      if (expected > 0) {
        expect(Number(node.ageMs)).toBeLessThan(90_000)
        expect(node.label).toMatch(/advert (just now|\d+ s ago)$/)
      }
    }
    expect(
      last!.nodes
        .filter((n) => n.known === 'direct')
        .map((n) => n.name)
        .sort()
    ).toEqual(['A1', 'A2', 'A3', 'A4'])

    // "Your nodes": Hub and its 4 direct peers; the scope bar says how many more the network holds.
    await page.check(`${tid('view-graph')} ${tid('scope-mine')}`)
    const scope = page.locator(`${tid('view-graph')} ${tid('network-scope')}`)
    expect(await scope.textContent()).toContain('Your nodes and their peers (5)')
    expect(await scope.textContent()).toContain('Whole network, as Hub knows it (20)')
    expect(await page.locator(`${tid('view-graph')} ${tid('scope-hidden')}`).textContent()).toContain(
      '15 more known from neighbour adverts'
    )
  })

  test('filters: hop distance, topic (from adverts), state', async () => {
    await openWholeNetwork(page, 'graph')
    await eventually(() => summary(), 30_000).toMatch(/^20 nodes, \d+ links$/)
    const all = await drawn()
    const idsOf = (d: Drawn) => d.nodes.map((n) => n.name).sort()

    await page.selectOption(tid('map-filter-hops'), '1')
    await eventually(async () => idsOf(await drawn())).toEqual(['A1', 'A2', 'A3', 'A4', 'Hub'])
    await page.selectOption(tid('map-filter-hops'), '3')

    // Topic: the topics each node's advert carries. Hub stays (the map is its own).
    await page.selectOption(tid('map-filter-topic'), 'weather')
    const weather = ['B10', 'B12', 'B14', 'B2', 'B4', 'B6', 'B8', 'Hub']
    await eventually(async () => idsOf(await drawn())).toEqual(weather)
    const shown = await drawn()
    const ids = new Set(shown.nodes.map((n) => n.id))
    expect(shown.links.map((l) => l.key).sort()).toEqual(
      all.links
        .map((l) => l.key)
        .filter((key) => key.split('|').every((id) => ids.has(id)))
        .sort()
    )
    await page.selectOption(tid('map-filter-topic'), '')
    await eventually(() => summary()).toBe(`20 nodes, ${all.links.length} links`)

    // State: without the links both ends report, none is left (all are confirmed and up).
    await page.uncheck(tid('map-filter-confirmed'))
    await eventually(() => summary()).toBe('20 nodes, 0 links')
    await page.check(tid('map-filter-confirmed'))
    await eventually(() => summary()).toBe(`20 nodes, ${all.links.length} links`)
  })

  test('a pair shows its RTT, measured over a link or estimated; the matrix covers all 400 pairs', async () => {
    await openWholeNetwork(page, 'graph')
    await eventually(() => summary(), 30_000).toMatch(/^20 nodes, \d+ links$/)
    // By keyboard (the mouse path is in network-map.e2e.test.ts): Enter on Hub picks it, focus on another
    // shows the pair. Focus moves away and back on each read, so the text is fresh.
    const nodeAt = (name: string) => page.locator(`${tid('map-node')}[data-name="${name}"]`)
    const pairWith = async (name: string) => {
      await page.locator(tid('map-filter-hops')).focus()
      await nodeAt(name).focus()
      return page.locator(tid('map-pair-info')).textContent()
    }
    await nodeAt('Hub').focus()
    await page.keyboard.press('Enter')
    await eventually(() => pairWith('A1'), 30_000).toMatch(/^Hub ↔ A1: measured RTT \d+(\.\d+)? ms$/)
    await eventually(() => pairWith('B1'), 30_000).toMatch(
      /^Hub ↔ B1: estimated RTT ~\d+(\.\d+)? ms \(from coordinates, error \d+ %\)$/
    )
    await nodeAt('Hub').focus()
    await page.keyboard.press('Enter')

    await openWholeNetwork(page, 'matrix')
    const cells = page.locator(tid('map-matrix-cell'))
    await eventually(() => cells.count(), 30_000).toBe(400)
    // Measured cells exactly where a link joins the two (both directions), once every link has a round trip.
    const measuredPairs = () =>
      cells.evaluateAll((els) =>
        els
          .filter((el) => el.getAttribute('data-kind') === 'measured')
          .map((el) => [el.getAttribute('data-row')!, el.getAttribute('data-col')!])
          .map(([row, col]) => (row! < col! ? `${row}|${col}` : `${col}|${row}`))
      )
    await eventually(async () => [...new Set(await measuredPairs())].sort(), 30_000).toEqual(
      [...truth().links].sort()
    )
    expect(await measuredPairs()).toHaveLength(2 * truth().links.size)
    expect(
      await cells.evaluateAll(
        (els) => els.filter((el) => el.getAttribute('data-kind') === 'estimated').length
      )
    ).toBeGreaterThan(200)
  })

  test('state: a node killed without a goodbye leaves reconnecting links, drawn apart and filtered', async () => {
    await openWholeNetwork(page, 'graph')
    await eventually(() => summary(), 30_000).toMatch(/^20 nodes, \d+ links$/)
    // A node killed without a goodbye: its peers reconnect; those links are red, and the state filter hides them.
    // A1: A2 dialled it, so A2 retries it and advertises that link as reconnecting (the dialling side retries; a
    // direct peer's advert reaches Hub, while those of B4, B8 and B12, cut off with A1, no longer do).
    const victim = byName.get('A1')!
    await victim.kill('SIGKILL')
    const reconnecting = page.locator(`${tid('map-link')}[data-state="reconnecting"]`)
    await eventually(() => reconnecting.count(), 30_000).toBeGreaterThanOrEqual(1)
    const touching = await reconnecting.evaluateAll(
      (els, id) =>
        els.filter((el) => el.getAttribute('data-a') === id || el.getAttribute('data-b') === id).length,
      victim.id
    )
    expect(touching).toBe(await reconnecting.count())
    expect(await reconnecting.first().evaluate((el) => getComputedStyle(el).stroke)).not.toBe(
      await page
        .locator(`${tid('map-link')}[data-state="up"]`)
        .first()
        .evaluate((el) => getComputedStyle(el).stroke)
    )
    await page.uncheck(tid('map-filter-reconnecting'))
    await eventually(() => reconnecting.count()).toBe(0)
    expect(await page.locator(tid('map-link')).count()).toBeGreaterThan(0)
    await page.check(tid('map-filter-reconnecting'))
  })
})
