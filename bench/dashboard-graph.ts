// Dashboard graph performance (issue "Dashboard"): the built app (out/renderer) in headless Chromium, fed a
// synthetic 500-node / 1000-link network (then a 2000-node / 4000-link one) through a fake window.chaski, so data
// flows bridge -> Pinia store -> NetworkGraph exactly as in the desktop app. The fake bridge pushes AppUpdates changing 50 links' latency at the
// host's rate (one per UPDATE_INTERVAL_MS). Measured: frames per second while the force simulation runs (first
// layout, and a reheat after one node joins), the graph's update time for 50 changed links (its own
// performance.measure entries), and how many updates per second the store received. The "raw" column of the fps
// rows is the frame rate of a blank page in the same browser right after: what this machine can do at all.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { launchBrowser, type BrowserSession } from '../test/e2e/harness/browser'
import { serveStatic } from '../test/e2e/harness/static-server'
import { UPDATE_INTERVAL_MS } from '../src/main/host/update-coalescer'
import { METHOD_NAMES } from '../src/shared/methods'
import { fakeBridgeScript } from './graph-fake-bridge'
import {
  FRAME_RECORDER_SCRIPT,
  frameStats,
  maxInWindow,
  readFrames,
  readUpdateMeasures,
  type FrameStats
} from './graph-page-probe'
import { syntheticAppState, syntheticGraph } from './graph-synthetic'
import { median, percentile, round } from './stats'
import type { BenchContext, BenchModule, Metric } from './types'

const NODES = 500
const LINKS = 1000
/** The large network of issue #15: ≥ 30 fps while it lays out. */
const BIG_NODES = 2000
const BIG_LINKS = 4000
const CHANGED_LINKS = 50
/** CHASKI_BENCH_RENDERER_DIR measures another build (e.g. the base commit's) with the same probe. */
const RENDERER_DIR = process.env['CHASKI_BENCH_RENDERER_DIR'] ?? path.join(__dirname, '..', 'out', 'renderer')

function ensureBuilt(ctx: BenchContext): void {
  if (existsSync(path.join(RENDERER_DIR, 'index.html'))) return
  if (process.env['CHASKI_BENCH_RENDERER_DIR']) throw new Error(`no index.html in ${RENDERER_DIR}`)
  ctx.progress('out/renderer missing: building the app (electron-vite build)')
  const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'electron-vite')
  const result = spawnSync(bin, ['build'], { cwd: path.join(__dirname, '..'), stdio: 'inherit' })
  if (result.status !== 0) throw new Error('electron-vite build failed')
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = performance.now()
  while (!(await cond())) {
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not reached after ${timeoutMs} ms`)
    await sleep(50)
  }
}

function describeFps(s: FrameStats | null): string {
  return s
    ? `${round(s.fps, 3)} fps over ${(s.spanMs / 1000).toFixed(1)} s (worst second ${s.worstSecondFps}, p95 frame ${round(s.p95FrameMs, 3)} ms)`
    : 'no frames'
}

/** Frame rate of an empty page in the same browser: the machine's ceiling at this moment. */
async function blankPageFps(session: BrowserSession, ms: number): Promise<FrameStats | null> {
  const page = await session.newPage()
  try {
    await page.setContent('<!doctype html><title>blank</title>')
    await page.evaluate(FRAME_RECORDER_SCRIPT)
    const from = await page.evaluate<number>('performance.now()')
    await sleep(ms)
    return frameStats(await readFrames(page), from, Infinity)
  } finally {
    await page.close()
  }
}

interface Scenario {
  nodes: number
  links: number
  /** Also report the update time and the store's update rate (the 500-node scenario, as before). */
  updateRows: boolean
  /** The target for the fps rows: the issue asks ≥ 55 at 500 nodes and ≥ 30 at 2000. */
  minFps: number
}

const SCENARIOS: Scenario[] = [
  { nodes: NODES, links: LINKS, updateRows: true, minFps: 55 },
  { nodes: BIG_NODES, links: BIG_LINKS, updateRows: false, minFps: 30 }
]

async function runScenario(
  ctx: BenchContext,
  session: BrowserSession,
  url: string,
  { nodes, links, updateRows, minFps }: Scenario
): Promise<Metric[]> {
  const idleMs = ctx.quick ? 1_500 : 3_000
  const page = await session.newPage()
  try {
    const graph = syntheticGraph({ nodes, links, seed: 42 })
    await page.addInitScript({
      content: fakeBridgeScript({ state: syntheticAppState(graph), methods: METHOD_NAMES })
    })
    await page.addInitScript({ content: FRAME_RECORDER_SCRIPT })
    await page.goto(url)
    await page.click('[data-testid="tab-graph"]', { timeout: 30_000 })
    const simulating = () =>
      page.evaluate<boolean>(
        `document.querySelector('[data-testid="network-graph"] svg')?.getAttribute('data-simulating') === 'true'`
      )
    await waitFor(
      async () =>
        (await page.locator('[data-testid="network-graph"] circle[data-node-id]').count()) === nodes,
      60_000,
      `${nodes} nodes drawn`
    )
    const mounted = await page.evaluate<number>('performance.now()')
    ctx.progress(
      `${nodes} nodes drawn; first layout with ${CHANGED_LINKS}-link updates every ${UPDATE_INTERVAL_MS} ms`
    )
    await page.evaluate(`window.__chaskiFake.start(${UPDATE_INTERVAL_MS}, ${CHANGED_LINKS})`)
    await waitFor(async () => !(await simulating()), 120_000, 'first layout settled')
    const settled = await page.evaluate<number>('performance.now()')

    ctx.progress(
      `layout settled after ${((settled - mounted) / 1000).toFixed(1)} s; ${idleMs} ms of updates at rest`
    )
    await sleep(idleMs)

    ctx.progress('one node joins: the layout reheats (alpha 0.3)')
    const reheated = await page.evaluate<number>(`(() => {
      const fake = window.__chaskiFake
      const g = fake.graph()
      const anchor = g.nodes.find((n) => n.kind === 'local')
      const node = { id: 'joiner', label: 'Joiner', kind: 'peer', address: '127.0.0.1:1', topics: ['A'], paired: false }
      fake.queueGraph({
        nodes: [...g.nodes, node],
        links: [...g.links, { source: anchor.id, target: node.id, latencyMs: 1, state: 'connected' }]
      })
      return performance.now()
    })()`)
    // The change rides on the next paced update: wait for it to be drawn, then for the layout to rest again.
    await waitFor(
      async () =>
        (await page.locator('[data-testid="network-graph"] circle[data-node-id]').count()) === nodes + 1,
      10_000,
      'the joining node drawn'
    )
    await waitFor(async () => !(await simulating()), 120_000, 'reheat settled')
    const reheatEnd = await page.evaluate<number>('performance.now()')
    await page.evaluate('window.__chaskiFake.stop()')
    const blank = await blankPageFps(session, idleMs)
    ctx.progress(`blank page: ${describeFps(blank)}`)

    const frames = await readFrames(page)
    const measures = await readUpdateMeasures(page)
    const deliveries = await page.evaluate<number[]>('window.__chaskiFake.deliveries()')
    const layout = frameStats(frames, mounted, settled, (f) => f.simulating)
    const reheat = frameStats(frames, reheated, reheatEnd + 1, (f) => f.simulating)
    const rest = frameStats(frames, settled, reheated)
    const latencyUpdates = measures.filter((m) => !m.structural && m.changedLinks >= CHANGED_LINKS)
    const durations = latencyUpdates.map((m) => m.duration)
    const duringLayout = latencyUpdates.filter((m) => m.start < settled).map((m) => m.duration)
    const updatesPerSecond = maxInWindow(deliveries)
    const meanRate =
      deliveries.length > 1
        ? ((deliveries.length - 1) / (deliveries[deliveries.length - 1] - deliveries[0])) * 1000
        : 0
    ctx.progress(`layout: ${describeFps(layout)}`)
    ctx.progress(`reheat: ${describeFps(reheat)}`)
    ctx.progress(`at rest: ${describeFps(rest)}`)
    ctx.progress(
      `update for ${CHANGED_LINKS} links: median ${round(median(durations), 3)} ms, p95 ${round(percentile(durations, 95), 3)} ms, max ${round(Math.max(...durations), 3)} ms (n=${durations.length})`
    )
    const scenario = `${nodes} nodes, ${links} links, ${CHANGED_LINKS} latencies changed every ${UPDATE_INTERVAL_MS} ms`
    const fpsDetail = (s: FrameStats | null) =>
      s && { ...s, fps: round(s.fps), p95FrameMs: round(s.p95FrameMs), maxFrameMs: round(s.maxFrameMs) }
    // The 500-node rows keep their ids from before the 2000-node scenario, so old results compare.
    const suffix = nodes === NODES ? '' : `.${nodes}`
    const target = { of: 'ours', op: '>=', value: minFps, text: `≥ ${minFps} fps` } as const
    const metrics: Metric[] = [
      {
        id: `graph.fps.layout${suffix}`,
        label: `graph fps, first layout (${nodes} nodes)`,
        kind: 'rate',
        ours: layout?.fps ?? null,
        raw: blank?.fps ?? null,
        original: null,
        target,
        note: `${scenario}; frames while the simulation runs: ${describeFps(layout)}; raw = a blank page`,
        detail: { layout: fpsDetail(layout), settleMs: round(settled - mounted) }
      },
      {
        id: `graph.fps.reheat${suffix}`,
        label: `graph fps, reheat after a node joins (${nodes})`,
        kind: 'rate',
        ours: reheat?.fps ?? null,
        raw: blank?.fps ?? null,
        original: null,
        target,
        note: `frames while the simulation runs: ${describeFps(reheat)}; at rest ${describeFps(rest)}`,
        detail: { reheat: fpsDetail(reheat), atRest: fpsDetail(rest), settleMs: round(reheatEnd - reheated) }
      }
    ]
    if (!updateRows) return metrics
    metrics.push(
      {
        id: 'graph.update.p95',
        label: `graph update, ${CHANGED_LINKS} changed links, p95`,
        kind: 'duration',
        ours: durations.length > 0 ? percentile(durations, 95) : null,
        raw: null,
        original: null,
        target: { of: 'ours', op: '<=', value: 16, text: '≤ 16 ms' },
        note: `NetworkGraph's update (diff, restyle, repaint at rest; performance.measure): ${durations.length} updates, median ${round(median(durations), 3)} ms, max ${round(Math.max(...durations), 3)} ms`,
        detail: {
          median: round(median(durations)),
          p95: round(percentile(durations, 95)),
          max: round(Math.max(...durations)),
          n: durations.length,
          medianDuringLayout: round(median(duringLayout))
        }
      },
      {
        id: 'graph.store.updatesPerSecond',
        label: 'updates received by the store, busiest second',
        kind: 'rate',
        ours: updatesPerSecond,
        raw: null,
        original: null,
        target: { of: 'ours', op: '<=', value: 10, text: '≤ 10 /s' },
        note: `${deliveries.length} updates, mean ${round(meanRate, 3)}/s (fake bridge driven at the host's ${UPDATE_INTERVAL_MS} ms interval)`,
        detail: { total: deliveries.length, meanPerSecond: round(meanRate) }
      }
    )
    return metrics
  } finally {
    await page.close()
  }
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  ensureBuilt(ctx)
  const server = await serveStatic(RENDERER_DIR)
  const session = await launchBrowser()
  try {
    const metrics: Metric[] = []
    for (const scenario of SCENARIOS) metrics.push(...(await runScenario(ctx, session, server.url, scenario)))
    return metrics
  } finally {
    await session.close()
    await server.close()
  }
}

const bench: BenchModule = {
  name: 'graph',
  description: `dashboard network graph in headless Chromium: ${NODES} nodes / ${LINKS} links and ${BIG_NODES} / ${BIG_LINKS}, fps and update time`,
  run
}
export default bench
