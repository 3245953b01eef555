// The network graph and the latency matrix in real Chromium, on the built dashboard, fed a synthetic network
// through a fake window.chaski (bridge -> Pinia store -> components, as in the desktop app). Real nodes and
// `chaski serve` are covered by the dashboard*.e2e tests; here the model is known exactly, so counts, positions
// and selection can be checked against it.
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { fakeBridgeScript } from '../../bench/graph-fake-bridge'
import { readNodePositions, readUpdateMeasures } from '../../bench/graph-page-probe'
import { syntheticAppState, syntheticGraph } from '../../bench/graph-synthetic'
import { buildLatencyMatrix, describeMatrixCell } from '../../src/renderer/src/graph/matrix-data'
import { matrixLayout } from '../../src/renderer/src/graph/matrix-layout'
import { METHOD_NAMES } from '../../src/shared/methods'
import type { GraphModelSnapshot } from '../../src/shared/snapshots'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { eventually, openTab, screenshotBoth, tid } from './harness/dashboard-page'
import { serveStatic, type StaticServer } from './harness/static-server'

let server: StaticServer
let session: BrowserSession
const errors: string[] = []

beforeAll(async () => {
  server = await serveStatic(resolve(__dirname, '../../out/renderer'))
  session = await launchBrowser()
})

afterAll(async () => {
  await session?.close()
  await server?.close()
})

const graph = syntheticGraph({ nodes: 40, links: 60, lanPeers: 3, seed: 3 })
const lanIds = graph.nodes.filter((n) => n.kind === 'lan').map((n) => n.id)

/** The dashboard on the Graph tab, fed `model`; resolves once the first layout has come to rest. */
async function openGraph(model: GraphModelSnapshot): Promise<Page> {
  const page = await session.newPage()
  page.setDefaultTimeout(20_000)
  page.on('pageerror', (err) => errors.push(err.message))
  await page.addInitScript({
    content: fakeBridgeScript({ state: syntheticAppState(model), methods: METHOD_NAMES })
  })
  await page.goto(server.url)
  await openTab(page, 'graph')
  await atRest(page)
  return page
}

async function atRest(page: Page): Promise<void> {
  await page.waitForSelector(`${tid('network-graph')} svg.graph-svg[data-simulating="false"]`, {
    timeout: 30_000
  })
}

const push = (page: Page, model: GraphModelSnapshot) =>
  page.evaluate(`window.__chaskiFake.pushGraph(${JSON.stringify(model)})`)

describe('network graph', () => {
  let page: Page

  beforeAll(async () => {
    page = await openGraph(graph)
  })

  test('draws one node per node of the model, LAN peers not connected marked as such', async () => {
    const circles = page.locator(`${tid('network-graph')} circle[data-node-id]`)
    expect(await circles.count()).toBe(graph.nodes.length)
    const drawn = await circles.evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')))
    expect(new Set(drawn)).toEqual(new Set(graph.nodes.map((n) => n.id)))
    const lan = page.locator(`${tid('network-graph')} g.node.lan`)
    expect(await lan.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort())).toEqual(
      [...lanIds].sort()
    )
    expect(await lan.first().getAttribute('aria-label')).toContain('heard on the LAN, not connected')
  })

  test('the legend lists the topics in use and every latency class', async () => {
    const topics = [...new Set(graph.nodes.flatMap((n) => n.topics))].sort()
    await expect
      .poll(async () => (await page.locator(tid('legend-topic')).allTextContents()).map((t) => t.trim()))
      .toEqual(topics)
    expect(await page.locator(`${tid('graph-legend')} [data-testid^="legend-latency-"]`).count()).toBe(6)
    await expect.poll(() => page.locator(tid('graph-legend')).textContent()).toContain('One-way latency')
  })

  test('hovering a node shows its details; clicking selects it and the side panel follows', async () => {
    const local = graph.nodes.find((n) => n.kind === 'local' && n.id !== 'local-0')!
    const target = page.locator(`circle[data-node-id="${local.id}"]`)
    await target.hover()
    const tooltip = page.locator(tid('graph-tooltip'))
    await eventually(() => tooltip.textContent()).toContain(local.label)
    expect(await tooltip.textContent()).toContain(local.address)
    await target.click()
    const svg = page.locator(`${tid('network-graph')} svg.graph-svg`)
    await eventually(() => svg.getAttribute('data-selected-id')).toBe(local.id)
    await eventually(() =>
      page.locator(`${tid('view-graph')} ${tid('graph-selection')}`).getAttribute('data-selected-id')
    ).toBe(local.id)
    // A click on empty space clears the peer selection (the selected local node stays: it is the app's context).
    await page.mouse.move(0, 0)
  })

  test('keyboard: Tab reaches the nodes and Enter selects one', async () => {
    const peer = graph.nodes.find((n) => n.kind === 'peer')!
    const node = page.locator(`${tid('network-graph')} g.node[data-id="${peer.id}"]`)
    expect(await node.getAttribute('tabindex')).toBe('0')
    await node.focus()
    await page.keyboard.press('Enter')
    await eventually(() =>
      page.locator(`${tid('network-graph')} svg.graph-svg`).getAttribute('data-selected-id')
    ).toBe(peer.id)
    await eventually(() =>
      page.locator(`${tid('view-graph')} ${tid('graph-selection')}`).textContent()
    ).toContain(peer.label)
  })

  test('a latency change repaints in place: no re-layout, nothing moves', async () => {
    const before = await readNodePositions(page)
    const measured = (await readUpdateMeasures(page)).length
    await page.evaluate('window.__chaskiFake.changeLatencies(20)')
    await eventually(async () => (await readUpdateMeasures(page)).length).toBeGreaterThan(measured)
    const last = (await readUpdateMeasures(page)).at(-1)!
    expect(last).toMatchObject({ structural: false, changedLinks: 20 })
    expect(await page.locator(`${tid('network-graph')} svg.graph-svg`).getAttribute('data-simulating')).toBe(
      'false'
    )
    expect(await readNodePositions(page)).toEqual(before)
  })

  test('a node joining starts next to its neighbour and the others stay where they were', async () => {
    const before = await readNodePositions(page)
    const anchor = graph.nodes.find((n) => n.kind === 'peer')!
    const joined: GraphModelSnapshot = {
      nodes: [
        ...graph.nodes,
        { id: 'joiner', label: 'Joiner', kind: 'peer', address: null, topics: ['A'], paired: false }
      ],
      links: [...graph.links, { source: anchor.id, target: 'joiner', latencyMs: 1, state: 'connected' }]
    }
    await push(page, joined)
    await eventually(() => page.locator(`${tid('network-graph')} circle[data-node-id]`).count()).toBe(
      graph.nodes.length + 1
    )
    await atRest(page)
    const after = await readNodePositions(page)
    const moved = Object.keys(before).map((id) =>
      Math.hypot(after[id].x - before[id].x, after[id].y - before[id].y)
    )
    moved.sort((a, b) => a - b)
    // On screen, most nodes keep their place to a pixel or two; only the newcomer's neighbourhood shifts a little.
    expect(moved[Math.floor(moved.length / 2)]).toBeLessThanOrEqual(3)
    expect(moved[moved.length - 1]).toBeLessThanOrEqual(15)
    const a = after[anchor.id]
    expect(Math.hypot(after.joiner.x - a.x, after.joiner.y - a.y)).toBeLessThan(120)
    await push(page, graph)
    await eventually(() => page.locator(`${tid('network-graph')} circle[data-node-id]`).count()).toBe(
      graph.nodes.length
    )
  })

  test('dragging a node moves it with the pointer and lets the layout adjust', async () => {
    const local = graph.nodes.find((n) => n.kind === 'local')!
    const circle = page.locator(`circle[data-node-id="${local.id}"]`)
    const start = (await circle.boundingBox())!
    const from = { x: start.x + start.width / 2, y: start.y + start.height / 2 }
    const to = { x: from.x + 60, y: from.y + 40 }
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    await page.mouse.move(to.x, to.y, { steps: 8 })
    await eventually(() =>
      page.locator(`${tid('network-graph')} svg.graph-svg`).getAttribute('data-simulating')
    ).toBe('true')
    await eventually(async () => {
      const box = (await circle.boundingBox())!
      return Math.hypot(box.x + box.width / 2 - to.x, box.y + box.height / 2 - to.y)
    }).toBeLessThan(3)
    await page.mouse.up()
    await atRest(page)
  })

  test('fit to view brings every node into the visible area', async () => {
    // Pan far away first, as a person dragging the background would.
    const box = (await page.locator(`${tid('network-graph')} svg.graph-svg`).boundingBox())!
    await page.mouse.move(box.x + box.width - 30, box.y + 60)
    await page.mouse.down()
    await page.mouse.move(box.x + 20, box.y + box.height - 20, { steps: 5 })
    await page.mouse.up()
    await page.click(tid('graph-fit'))
    await eventually(async () => {
      const circles = await page.locator(`${tid('network-graph')} circle[data-node-id]`).evaluateAll((els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect()
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 }
        })
      )
      return circles.every(
        (c) => c.x >= box.x && c.x <= box.x + box.width && c.y >= box.y && c.y <= box.y + box.height
      )
    }).toBe(true)
  })

  test('screenshots, light and dark', async () => {
    await page.click(tid('graph-fit'))
    await screenshotBoth(session, page, 'graph')
  })

  test('the peers table shows a round-trip sparkline per peer', async () => {
    await openTab(page, 'peers')
    const sparkline = page.locator(tid('rtt-sparkline')).first()
    await sparkline.waitFor()
    expect(Number(await sparkline.getAttribute('data-samples'))).toBeGreaterThan(0)
    expect(await sparkline.getAttribute('aria-label')).toMatch(/^Recent round trips: last /)
    await openTab(page, 'graph')
  })
})

describe('latency matrix', () => {
  test('one row per linked node; hovering a cell names the pair and its latency; a click selects', async () => {
    const page = await openGraph(graph)
    await openTab(page, 'matrix')
    const data = buildLatencyMatrix(graph)
    const matrix = page.locator(tid('latency-matrix'))
    expect(Number(await matrix.getAttribute('data-size'))).toBe(data.ids.length)
    expect(Number(await matrix.getAttribute('data-pairs'))).toBe(data.pairs.length)
    const canvas = matrix.locator('canvas')
    const box = (await canvas.boundingBox())!
    const layout = matrixLayout(data.ids.length, box.width, box.height)
    const { i, j } = data.pairs[0]
    const at = { x: layout.left + (j + 0.5) * layout.cell, y: layout.top + (i + 0.5) * layout.cell }
    await page.mouse.move(box.x + at.x, box.y + at.y)
    await eventually(() => page.locator(tid('matrix-tooltip')).textContent()).toContain(
      describeMatrixCell(data, i, j)
    )
    await page.mouse.click(box.x + at.x, box.y + at.y)
    await eventually(() =>
      page.locator(`${tid('view-matrix')} ${tid('graph-selection')}`).getAttribute('data-selected-id')
    ).toBe(data.ids[i])
    await screenshotBoth(session, page, 'matrix')
  })

  test('500 nodes and 1000 links render, in the graph and the matrix', async () => {
    const big = syntheticGraph({ nodes: 500, links: 1000, seed: 42 })
    const page = await openGraph(big)
    expect(await page.locator(`${tid('network-graph')} circle[data-node-id]`).count()).toBe(500)
    await screenshotBoth(session, page, 'graph-500')
    await openTab(page, 'matrix')
    expect(Number(await page.locator(tid('latency-matrix')).getAttribute('data-size'))).toBe(
      buildLatencyMatrix(big).ids.length
    )
    await screenshotBoth(session, page, 'matrix-500')
  })

  test('the page raised no errors', () => {
    expect(errors).toEqual([])
  })
})
