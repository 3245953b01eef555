// The network graph and the latency matrix in real Chromium, on the built dashboard, fed a synthetic network
// through a fake window.chaski (bridge -> Pinia store -> components, as in the desktop app). Real nodes and
// `chaski serve` are covered by the dashboard*.e2e tests; here the model is known exactly, so counts, positions
// and selection can be checked against it.
import { resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
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
// Each test answers for the errors it raised in the page, whatever ran before it.
afterEach(() => {
  expect(errors.splice(0), 'errors raised in the page').toEqual([])
})

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

/**
 * The share of points along the link a–b (its middle 60 %, clear of the nodes) with a canvas pixel within
 * `tolerance` of the colour in CSS variable `colourVar` nearby: how much of the link shows in that colour.
 */
async function linkCoverage(
  page: Page,
  a: string,
  b: string,
  colourVar: string,
  tolerance = 28
): Promise<number> {
  return page.locator(tid('network-graph')).evaluate(
    (root, { a, b, colourVar, tolerance }) => {
      const canvas = root.querySelector('canvas')!
      const ctx = canvas.getContext('2d')!
      const box = canvas.getBoundingClientRect()
      const ratio = canvas.width / box.width
      const at = (id: string) => {
        const r = root.querySelector(`circle[data-node-id="${id}"]`)!.getBoundingClientRect()
        return { x: (r.x + r.width / 2 - box.x) * ratio, y: (r.y + r.height / 2 - box.y) * ratio }
      }
      const probe = document.createElement('canvas').getContext('2d')!
      probe.fillStyle = getComputedStyle(root).getPropertyValue(colourVar).trim()
      probe.fillRect(0, 0, 1, 1)
      const [cr, cg, cb] = probe.getImageData(0, 0, 1, 1).data
      const p = at(a)
      const q = at(b)
      let hits = 0
      let samples = 0
      for (let t = 0.2; t <= 0.8; t += 0.02) {
        const x = Math.round(p.x + (q.x - p.x) * t)
        const y = Math.round(p.y + (q.y - p.y) * t)
        const d = ctx.getImageData(x - 3, y - 3, 7, 7).data
        samples++
        for (let i = 0; i < d.length; i += 4) {
          if (Math.abs(d[i] - cr) + Math.abs(d[i + 1] - cg) + Math.abs(d[i + 2] - cb) <= tolerance) {
            hits++
            break
          }
        }
      }
      return hits / samples
    },
    { a, b, colourVar, tolerance }
  )
}

/** The share of points along a–b whose pixels 4 px to both sides differ from the graph's background. */
async function haloCoverage(page: Page, a: string, b: string): Promise<number> {
  return page.locator(tid('network-graph')).evaluate(
    (root, { a, b }) => {
      const canvas = root.querySelector('canvas')!
      const ctx = canvas.getContext('2d')!
      const box = canvas.getBoundingClientRect()
      const ratio = canvas.width / box.width
      const at = (id: string) => {
        const r = root.querySelector(`circle[data-node-id="${id}"]`)!.getBoundingClientRect()
        return { x: (r.x + r.width / 2 - box.x) * ratio, y: (r.y + r.height / 2 - box.y) * ratio }
      }
      const p = at(a)
      const q = at(b)
      const length = Math.hypot(q.x - p.x, q.y - p.y)
      const nx = (-(q.y - p.y) / length) * 4 * ratio
      const ny = ((q.x - p.x) / length) * 4 * ratio
      // The canvas is transparent: the background shows through where nothing is drawn.
      const drawn = (x: number, y: number) =>
        ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data[3] > 40
      let hits = 0
      let samples = 0
      for (let t = 0.2; t <= 0.8; t += 0.02) {
        const x = p.x + (q.x - p.x) * t
        const y = p.y + (q.y - p.y) * t
        samples++
        if (drawn(x + nx, y + ny) && drawn(x - nx, y - ny)) hits++
      }
      return hits / samples
    },
    { a, b }
  )
}

function distanceToSegment(
  x: number,
  y: number,
  a: { x: number; y: number },
  b: { x: number; y: number }
): number {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const t = Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / (dx * dx + dy * dy || 1)))
  return Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy))
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
    // Back to the model the other tests expect (latencies only: no re-layout either).
    const restored = (await readUpdateMeasures(page)).length
    await push(page, graph)
    await eventually(async () => (await readUpdateMeasures(page)).length).toBeGreaterThan(restored)
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
    // The joiner left: the next test starts from a layout at rest, whatever it is.
    await atRest(page)
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

  test("the selected node's links stand out by a halo and width, keeping their latency colour and state dashes", async () => {
    // A reconnecting link and a connected one of known latency, both from the same local node.
    const reconnecting = graph.links.find(
      (l) => l.state === 'reconnecting' && graph.nodes.find((n) => n.id === l.source)?.kind === 'local'
    )!
    const owner = reconnecting.source
    const connected = graph.links.find(
      (l) =>
        (l.source === owner || l.target === owner) &&
        l.state === 'connected' &&
        l.latencyMs !== null &&
        ![l.source, l.target].some((id) => lanIds.includes(id))
    )!
    await page.mouse.move(0, 0)
    const node = page.locator(`${tid('network-graph')} g.node[data-id="${owner}"]`)
    await node.focus()
    await page.keyboard.press('Enter')
    await eventually(() =>
      page.locator(`${tid('network-graph')} svg.graph-svg`).getAttribute('data-selected-id')
    ).toBe(owner)
    // At rest and not zooming (fit to view animates), so canvas and hit targets show the same view.
    await page
      .locator(`${tid('network-graph')} svg.graph-svg[data-simulating="false"]:not([data-zooming])`)
      .waitFor()
    const classOf = (ms: number) => [0.5, 2, 10, 50, 200].filter((t) => ms >= t).length
    // Pixels of the link's own colour all along it (between its ends, away from the nodes): the orange dashes of
    // a reconnecting link, the latency colour of a connected one.
    expect(
      await linkCoverage(page, reconnecting.source, reconnecting.target, '--graph-warning')
    ).toBeGreaterThan(0.3)
    expect(
      await linkCoverage(
        page,
        connected.source,
        connected.target,
        `--graph-lat-${classOf(connected.latencyMs!)}`
      )
    ).toBeGreaterThan(0.6)
    // And emphasised: 4 px to either side of the line (where a plain link leaves the background) the halo shows.
    expect(await haloCoverage(page, reconnecting.source, reconnecting.target)).toBeGreaterThan(0.6)
    expect(await haloCoverage(page, connected.source, connected.target)).toBeGreaterThan(0.6)
  })

  test('latency labels sit on their own link, never on a node', async () => {
    // The local node with the most links of known latency: the busiest place for labels.
    const counts = new Map<string, number>()
    for (const l of graph.links)
      if (l.latencyMs !== null)
        for (const id of [l.source, l.target]) counts.set(id, (counts.get(id) ?? 0) + 1)
    const busiest = [...counts].filter(([id]) => id.startsWith('local-')).sort((a, b) => b[1] - a[1])[0][0]
    await page.locator(`${tid('network-graph')} g.node[data-id="${busiest}"]`).focus()
    await page.keyboard.press('Enter')
    await eventually(() =>
      page.locator(`${tid('network-graph')} svg.graph-svg`).getAttribute('data-selected-id')
    ).toBe(busiest)
    const labels = page.locator(`${tid('network-graph')} g.link-label`)
    await eventually(() => labels.count()).toBeGreaterThan(0)
    const placed = await page.locator(`${tid('network-graph')} svg.graph-svg`).evaluate((svg) => {
      const centre = (el: Element) => {
        const r = el.getBoundingClientRect()
        return { x: r.x + r.width / 2, y: r.y + r.height / 2, r: r.width / 2 }
      }
      const nodes = [...svg.querySelectorAll('circle[data-node-id]')].map((c) => ({
        id: c.getAttribute('data-node-id')!,
        ...centre(c)
      }))
      const k = Number(
        /scale\(([\d.e-]+)\)/.exec(svg.querySelector('g.viewport')!.getAttribute('transform') ?? '')?.[1] ?? 1
      )
      return {
        k,
        nodes,
        labels: [...svg.querySelectorAll('g.link-label')].map((g) => {
          const r = g.querySelector('rect')!.getBoundingClientRect()
          return { key: g.getAttribute('data-link')!, left: r.x, top: r.y, right: r.right, bottom: r.bottom }
        })
      }
    })
    const byId = new Map(placed.nodes.map((n) => [n.id, n]))
    for (const label of placed.labels) {
      const [a, b] = label.key.split('|').map((id) => byId.get(id)!)
      const cx = (label.left + label.right) / 2
      const cy = (label.top + label.bottom) / 2
      // On its own link: the label's centre lies on the segment between the link's two nodes.
      expect(distanceToSegment(cx, cy, a, b), `label ${label.key}`).toBeLessThan(1.5)
      // On no node: no drawn circle (the hit target less its 2-unit margin) reaches into the label's box.
      for (const n of placed.nodes) {
        const r = n.r - 2 * placed.k
        const dx = Math.max(label.left - n.x, 0, n.x - label.right)
        const dy = Math.max(label.top - n.y, 0, n.y - label.bottom)
        expect(Math.hypot(dx, dy), `label ${label.key} over node ${n.id}`).toBeGreaterThanOrEqual(r)
      }
    }
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

describe('graph at any window size', () => {
  /** Node circles that the legend or the toolbar covers (by their on-screen boxes). */
  async function coveredNodes(page: Page): Promise<string[]> {
    return page.locator(tid('network-graph')).evaluate((root) => {
      const overlays = [
        root.querySelector('[data-testid="graph-legend"]')!,
        root.querySelector('.toolbar')!
      ].map((el) => el.getBoundingClientRect())
      return [...root.querySelectorAll('circle[data-node-id]')]
        .filter((c) => {
          const r = c.getBoundingClientRect()
          return overlays.some(
            (o) => r.right > o.left && r.left < o.right && r.bottom > o.top && r.top < o.bottom
          )
        })
        .map((c) => c.getAttribute('data-node-id')!)
    })
  }

  const legendOpen = (page: Page) =>
    page.locator(tid('graph-legend')).evaluate((el) => (el as HTMLDetailsElement).open)

  async function openAt(width: number, height: number): Promise<Page> {
    const page = await session.newPage()
    await page.setViewportSize({ width, height })
    page.setDefaultTimeout(20_000)
    page.on('pageerror', (err) => errors.push(err.message))
    await page.addInitScript({
      content: fakeBridgeScript({ state: syntheticAppState(graph), methods: METHOD_NAMES })
    })
    await page.goto(server.url)
    await openTab(page, 'graph')
    await atRest(page)
    await page.click(tid('graph-fit'))
    return page
  }

  test('small windows start with the legend folded; open or folded, it never covers a node', async () => {
    const page = await openAt(800, 600)
    expect(await legendOpen(page)).toBe(false)
    await eventually(() => coveredNodes(page)).toEqual([])
    await screenshotBoth(session, page, 'graph-800x600')
    await page.click(`${tid('graph-legend')} summary`)
    await eventually(() => legendOpen(page)).toBe(true)
    await page.click(tid('graph-fit'))
    await eventually(() => coveredNodes(page)).toEqual([])
    await screenshotBoth(session, page, 'graph-800x600-legend')
    // The matrix too keeps the view's whole width at this size: the details panel goes under it.
    await openTab(page, 'matrix')
    const matrixBox = async () =>
      (await page.locator(`${tid('latency-matrix')} canvas`).boundingBox()) ?? { width: 0, height: 0 }
    const viewWidth = (await page.locator(tid('view-matrix')).boundingBox())!.width
    await eventually(async () => (await matrixBox()).width).toBeGreaterThan(viewWidth * 0.9)
    expect((await matrixBox()).height).toBeGreaterThan(200)
    await screenshotBoth(session, page, 'matrix-800x600')
    await openTab(page, 'graph')
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.click(tid('graph-fit'))
    await eventually(() => coveredNodes(page)).toEqual([])
    await screenshotBoth(session, page, 'graph-1280x800')
    await page.close()
  })

  test('a large window starts with the legend open, beside the graph rather than over it', async () => {
    const page = await openAt(2560, 1440)
    expect(await legendOpen(page)).toBe(true)
    await eventually(() => coveredNodes(page)).toEqual([])
    await screenshotBoth(session, page, 'graph-2560x1440')
    await page.close()
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
})
