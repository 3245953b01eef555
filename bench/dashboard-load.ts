// How fast the dashboard is usable (issue #15: first usable paint ≤ 400 ms on loopback). A real `chaski serve`
// with five local nodes (LAN on loopback) and headless Chromium; each sample is a fresh browser context (nothing
// cached: a first visit), then the same page loaded twice more in that context (a repeat visit: HTTP cache and V8
// code cache). "First usable paint" is defined in load-page-probe.ts: navigation start until every local node is
// listed, the tabs are shown, that frame is painted and the main thread is free again.
//
// CHASKI_BENCH_BASE_REF=<commit> measures that commit's build in the same run, sample by sample in turn with ours,
// so both see the same machine: the commit is extracted once into <tmpdir>/chaski-bench-base-<sha>/ and built
// there (its own `chaski serve` and dashboard).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { launchBrowser, type BrowserSession } from '../test/e2e/harness/browser'
import { nodeDefaults } from '../src/shared/node-defaults'
import { loadProbeScript, readLoadTimes, type LoadTimes } from './load-page-probe'
import { median, percentile, round } from './stats'
import type { BenchContext, BenchModule, Metric } from './types'

const ROOT = path.join(__dirname, '..')
const LOCAL_NODES = 5
const TARGET_MS = 400

interface Build {
  name: string
  dir: string
}

interface Served {
  build: Build
  openUrl: string
  child: ChildProcess
}

interface Sample {
  cold: LoadTimes
  repeat: LoadTimes
}

function built(dir: string): boolean {
  return (
    existsSync(path.join(dir, 'out', 'main', 'cli.js')) &&
    existsSync(path.join(dir, 'out', 'renderer', 'index.html'))
  )
}

function buildIn(ctx: BenchContext, dir: string): void {
  ctx.progress(`building ${path.relative(ROOT, dir) || '.'} (electron-vite build)`)
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
  })
  if (result.status !== 0) throw new Error(`electron-vite build failed in ${dir}`)
}

/** The base commit's tree, extracted and built once (node_modules hard-linked, so its bundle is byte-identical). */
function prepareBase(ctx: BenchContext, ref: string): Build {
  const sha = spawnSync('git', ['rev-parse', '--short', ref], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()
  if (!sha) throw new Error(`CHASKI_BENCH_BASE_REF=${ref}: not a commit`)
  // Outside the checkout, so its sources are never linted or type-checked as ours.
  const dir = path.join(tmpdir(), `chaski-bench-base-${sha}`)
  if (!built(dir)) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    ctx.progress(`extracting ${sha} into ${dir}`)
    const archive = spawnSync('sh', ['-c', `git archive --format=tar ${sha} | tar -x -C "${dir}"`], {
      cwd: ROOT
    })
    if (archive.status !== 0) throw new Error(`git archive ${sha} failed`)
    // Hard links keep module paths (and so the bundle) as in a checkout; a symlink is the fallback.
    const linked = spawnSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules')])
    if (linked.status !== 0) symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
    buildIn(ctx, dir)
  }
  return { name: `base ${sha}`, dir }
}

/** Five local nodes with LAN discovery on loopback, as a small real network a person would open. */
function writeSettings(dir: string): string {
  const file = path.join(dir, 'settings.json')
  const nodes = Array.from({ length: LOCAL_NODES }, (_, i) => ({
    ...nodeDefaults(),
    id: randomUUID(),
    name: `Bench${i}`,
    subscriptions: ['news', i % 2 === 0 ? 'weather' : 'sport'],
    lan: { enabled: true, autoConnect: false, interfaces: [] }
  }))
  writeFileSync(
    file,
    JSON.stringify({ version: 1, nodes, preferences: { theme: 'system', recentAddresses: [] }, window: null })
  )
  return file
}

async function startServe(build: Build, settings: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [path.join(build.dir, 'out', 'main', 'cli.js'), 'serve', '--port', '0', '--json', '--config', settings],
    {
      cwd: build.dir,
      env: {
        ...process.env,
        CHASKI_LAN_INTERFACES: '127.0.0.1',
        NO_COLOR: '1',
        CHASKI_RENDERER_DIR: path.join(build.dir, 'out', 'renderer')
      },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
  const openUrl = await new Promise<string>((resolve, reject) => {
    let pending = ''
    const timer = setTimeout(
      () => reject(new Error(`${build.name}: chaski serve did not start; ${stderr}`)),
      20_000
    )
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString()
      for (const line of pending.split('\n').slice(0, -1)) {
        try {
          const parsed = JSON.parse(line) as { event?: string; openUrl?: string }
          if (parsed.event === 'serving' && parsed.openUrl) {
            clearTimeout(timer)
            resolve(parsed.openUrl)
          }
        } catch {
          // not a JSON line
        }
      }
      pending = pending.slice(pending.lastIndexOf('\n') + 1)
    })
    child.once('exit', () => reject(new Error(`${build.name}: chaski serve exited; ${stderr}`)))
  })
  return { build, openUrl, child }
}

async function stopServe(served: Served): Promise<void> {
  if (served.child.exitCode !== null) return
  const exited = new Promise((resolve) => served.child.once('exit', resolve))
  served.child.kill('SIGTERM')
  const timer = setTimeout(() => served.child.kill('SIGKILL'), 6_000)
  await exited
  clearTimeout(timer)
}

/** One first visit in a fresh context, then two more loads in it; the probe's times for the first and the last. */
async function sample(session: BrowserSession, served: Served): Promise<Sample> {
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 800 } })
  try {
    const page = await context.newPage()
    await page.addInitScript({ content: loadProbeScript(LOCAL_NODES) })
    await page.goto(served.openUrl)
    const cold = await readLoadTimes(page)
    // The same URL with its token (the host sets no cookie: a page without the token is refused).
    await page.goto(served.openUrl)
    await readLoadTimes(page)
    await page.goto(served.openUrl)
    const repeat = await readLoadTimes(page)
    return { cold, repeat }
  } finally {
    await context.close()
  }
}

function summarise(samples: Sample[], pick: (s: Sample) => LoadTimes) {
  const of = (f: (t: LoadTimes) => number | null) =>
    round(median(samples.map((s) => f(pick(s))).filter((v): v is number => v !== null)))
  return {
    usable: of((t) => t.usable),
    p90: round(
      percentile(
        samples.map((s) => pick(s).usable ?? Infinity),
        90
      )
    ),
    scriptLoaded: of((t) => t.scriptLoaded),
    socketCreated: of((t) => t.socketCreated),
    socketOpen: of((t) => t.socketOpen),
    firstMessage: of((t) => t.firstMessage),
    listed: of((t) => t.listed),
    idle: of((t) => t.idle),
    presented: of((t) => t.presented),
    firstContentfulPaint: of((t) => t.firstContentfulPaint),
    transferBytes: of((t) => t.transferBytes)
  }
}

function describe(s: ReturnType<typeof summarise>): string {
  return `script in ${s.scriptLoaded} ms, app started (socket) ${s.socketCreated}, socket open ${s.socketOpen}, first state ${s.firstMessage}, listed ${s.listed}, idle ${s.idle}, on screen ${s.presented}: usable ${s.usable} (p90 ${s.p90}); FCP ${s.firstContentfulPaint}; ${s.transferBytes} B`
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const ours: Build = { name: 'ours', dir: ROOT }
  if (!built(ROOT)) buildIn(ctx, ROOT)
  const baseRef = process.env['CHASKI_BENCH_BASE_REF']
  const builds = [ours, ...(baseRef ? [prepareBase(ctx, baseRef)] : [])]
  const rounds = ctx.quick ? 3 : 12
  const dir = mkdtempSync(path.join(tmpdir(), 'chaski-bench-load-'))
  const served: Served[] = []
  let session: BrowserSession | null = null
  try {
    for (const build of builds)
      served.push(await startServe(build, writeSettings(mkdtempSync(path.join(dir, 'b-')))))
    session = await launchBrowser()
    // One warm-up load each (the first ever Chromium page pays for the process start), then rounds in turn.
    for (const s of served) await sample(session, s)
    const samples = new Map<Served, Sample[]>(served.map((s) => [s, []]))
    for (let i = 0; i < rounds; i++) {
      for (const s of i % 2 === 0 ? served : [...served].reverse())
        samples.get(s)!.push(await sample(session, s))
    }
    const metrics: Metric[] = []
    for (const s of served) {
      const list = samples.get(s)!
      const cold = summarise(list, (x) => x.cold)
      const repeat = summarise(list, (x) => x.repeat)
      ctx.progress(`${s.build.name}, first visit: ${describe(cold)}`)
      ctx.progress(`${s.build.name}, repeat visit: ${describe(repeat)}`)
      const isOurs = s.build === ours
      const label = isOurs ? '' : ` (${s.build.name})`
      const id = isOurs ? '' : '.base'
      metrics.push(
        {
          id: `load.firstUsablePaint${id}`,
          label: `dashboard first usable paint, first visit${label}`,
          kind: 'duration',
          ours: cold.usable,
          raw: null,
          original: null,
          target: isOurs ? { of: 'ours', op: '<=', value: TARGET_MS, text: `≤ ${TARGET_MS} ms` } : undefined,
          note: `median of ${list.length}, ${LOCAL_NODES} local nodes, loopback: ${describe(cold)}`,
          detail: { firstVisit: cold, repeatVisit: repeat }
        },
        {
          id: `load.firstUsablePaint.repeat${id}`,
          label: `dashboard first usable paint, repeat visit${label}`,
          kind: 'duration',
          ours: repeat.usable,
          raw: null,
          original: null,
          note: `third load in the same browser context (HTTP and code cache): ${describe(repeat)}`
        },
        {
          id: `load.transferBytes${id}`,
          label: `dashboard bytes over the wire, first visit${label}`,
          kind: 'bytes',
          ours: cold.transferBytes,
          raw: null,
          original: null
        }
      )
    }
    return metrics
  } finally {
    await session?.close()
    await Promise.all(served.map(stopServe))
    rmSync(dir, { recursive: true, force: true })
  }
}

const bench: BenchModule = {
  name: 'load',
  description: `dashboard first usable paint from \`chaski serve\` on loopback (${LOCAL_NODES} local nodes), first and repeat visit`,
  run
}
export default bench
