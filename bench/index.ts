// The benchmark runner: `npm run bench [-- --only ping,connect] [-- --quick]`.
// Runs each bench module in sequence, prints one table (ours vs raw node:net vs the original Python figures,
// with PASS/MISS per target), and writes bench/results/bench-<timestamp>.json and bench/results/latest.json.
// Progress goes to stderr. Run with `node --expose-gc --import tsx bench/index.ts` for GC between modules.
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { mkdir, writeFile } from 'node:fs/promises'
import { formatBytes, formatDuration, formatRate, formatRatio, renderTable, round } from './stats'
import { libraryBundle } from './library-build'
import { openFileLimit } from './star-child'
import { withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric, MetricStatus, Target } from './types'

interface ModuleEntry {
  name: string
  load: () => Promise<{ default: BenchModule }>
}

// One line per bench module; each file default-exports a BenchModule with the same name.
const MODULES: ModuleEntry[] = [
  { name: 'connect', load: () => import('./node-connect') },
  { name: 'ping', load: () => import('./node-ping') },
  { name: 'throughput', load: () => import('./node-throughput') },
  { name: 'discovery', load: () => import('./node-discovery') },
  { name: 'scale', load: () => import('./node-scale') },
  { name: 'lan', load: () => import('./lan') },
  { name: 'graph', load: () => import('./dashboard-graph') },
  { name: 'load', load: () => import('./dashboard-load') },
  { name: 'codec', load: () => import('./codec-paths') },
  { name: 'map', load: () => import('./node-map') },
  { name: 'secure', load: () => import('./node-secure') },
  { name: 'channel', load: () => import('./secure-transport') }
]

const RESULTS_DIR = path.join(__dirname, 'results')
/** No single module may run longer than this; a hung one is reported and the run goes on. */
const MODULE_TIMEOUT_MS = 15 * 60_000

interface Args {
  only: string[] | null
  quick: boolean
}

const USAGE = `usage: tsx bench/index.ts [--only ${MODULES.map((m) => m.name).join(',')}] [--quick]`

function parseArgs(argv: string[]): Args {
  const args: Args = { only: null, quick: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') args.quick = true
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length)
      if (!value) throw new Error('--only needs a module name')
      args.only = [...(args.only ?? []), ...value.split(',').filter(Boolean)]
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`)
      process.exit(0)
    } else throw new Error(`unknown argument ${arg}`)
  }
  const unknown = (args.only ?? []).filter((name) => !MODULES.some((m) => m.name === name))
  if (unknown.length > 0) throw new Error(`unknown bench module(s): ${unknown.join(', ')}`)
  return args
}

interface ModuleReport {
  name: string
  description: string
  durationMs: number
  metrics: (Metric & { ratio: number | null; status: MetricStatus })[]
  error?: string
}

function ratioOf(m: Metric): number | null {
  return m.ours !== null && m.raw !== null && m.raw > 0 ? m.ours / m.raw : null
}

function targetsOf(m: Metric): readonly Target[] {
  if (m.target === undefined) return []
  return Array.isArray(m.target) ? m.target : [m.target as Target]
}

/** PASS when every target holds; ERROR when a figure one needs is missing. */
function statusOf(m: Metric): MetricStatus {
  const targets = targetsOf(m)
  if (targets.length === 0) return ''
  let status: MetricStatus = 'PASS'
  for (const target of targets) {
    const value = target.of === 'ratio' ? ratioOf(m) : m.ours
    if (value === null || !Number.isFinite(value)) return 'ERROR'
    if (!(target.op === '<=' ? value <= target.value : value >= target.value)) status = 'MISS'
  }
  return status
}

function format(kind: Metric['kind'], value: number | null): string {
  if (value === null) return '—'
  if (kind === 'duration') return formatDuration(value)
  if (kind === 'rate') return formatRate(value)
  return formatBytes(value)
}

function printTable(reports: ModuleReport[], machine: Record<string, unknown>): void {
  const rows: string[][] = []
  const notes: string[] = []
  for (const report of reports) {
    if (report.error) notes.push(`${report.name}: ERROR ${report.error}`)
    for (const m of report.metrics) {
      const ratio = m.ratio === null ? '—' : formatRatio(m.ratio, m.kind === 'rate' ? 'percent' : 'times')
      rows.push([
        m.label,
        format(m.kind, m.ours),
        format(m.kind, m.raw),
        ratio,
        format(m.kind, m.original),
        targetsOf(m)
          .map((target) => target.text)
          .join(' and '),
        m.status
      ])
      if (m.note) notes.push(`${m.label}: ${m.note}`)
    }
  }
  const header = ['metric', 'ours', 'raw', 'ours/raw', 'original (py)', 'target', 'result']
  const cpus = Number(machine.cpus)
  const load = (machine.loadAverage as number[])[0]
  const busy = load >= cpus ? ' (busy machine: tails and absolute figures are noisy; ratios less so)' : ''
  process.stdout.write(`\nnode ${String(machine.node)}, ${cpus} CPUs, load average ${load}${busy}\n`)
  process.stdout.write(`\n${renderTable(header, rows)}\n`)
  notes.push('raw = plain node:net, same frames, unless the row names node:tls (the secure rows)')
  notes.push('reference on this machine (issue): raw node:net echo ≈ 20 µs, ≈ 425 k 64-byte frames/s')
  process.stdout.write(`\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}\n`)
}

/** The commit measured (with '+changes' when the tree differs from it), so results can be compared later. */
function commitInfo(): string | null {
  try {
    const git = (args: string[]): string =>
      execFileSync('git', args, { cwd: __dirname, encoding: 'utf8' }).trim()
    const head = git(['rev-parse', '--short', 'HEAD'])
    return git(['status', '--porcelain', '--untracked-files=no']) === '' ? head : `${head}+changes`
  } catch {
    return null // not a git checkout
  }
}

function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus()
  return {
    node: process.version,
    platform: `${process.platform} ${os.release()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    totalMemory: os.totalmem(),
    loadAverage: os.loadavg().map((l) => round(l, 3)),
    exposeGc: typeof (globalThis as { gc?: unknown }).gc === 'function',
    openFileLimit: openFileLimit()
  }
}

async function main(): Promise<number> {
  let args: Args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`)
    return 2
  }
  const started = new Date()
  const t0 = performance.now()
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) process.stderr.write('[bench] note: no --expose-gc; GC between modules is skipped\n')
  const selected = MODULES.filter((m) => args.only === null || args.only.includes(m.name))
  const machineBefore = machineInfo()
  const reports: ModuleReport[] = []
  // Once, before any module: child processes (scale) load this same bundle instead of building their own.
  process.stderr.write('[bench] bundling src/main/chaski as it ships (bench/library-build.ts)\n')
  await libraryBundle().catch((err: Error) =>
    process.stderr.write(`[bench] library bundle failed, our figures will be missing: ${err.message}\n`)
  )

  for (const entry of selected) {
    const m0 = performance.now()
    const ctx: BenchContext = {
      quick: args.quick,
      progress: (message) =>
        process.stderr.write(
          `[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${entry.name}: ${message}\n`
        ),
      gc: () => gc?.()
    }
    const report: ModuleReport = { name: entry.name, description: '', durationMs: 0, metrics: [] }
    try {
      const bench = (await entry.load()).default
      if (!bench || typeof bench.run !== 'function')
        throw new Error('module has no default BenchModule export')
      report.description = bench.description
      ctx.progress('start')
      const metrics = await withTimeout(bench.run(ctx), MODULE_TIMEOUT_MS, `bench module ${entry.name}`)
      report.metrics = metrics.map((m) => ({ ...m, ratio: ratioOf(m), status: statusOf(m) }))
    } catch (err) {
      report.error = (err as Error).message
      ctx.progress(`ERROR ${report.error}`)
    }
    report.durationMs = round(performance.now() - m0)
    ctx.progress(`done in ${(report.durationMs / 1000).toFixed(1)} s`)
    reports.push(report)
    ctx.gc()
  }

  printTable(reports, machineBefore)
  const statuses = reports.flatMap((r) => r.metrics.map((m) => m.status)).filter(Boolean)
  const count = (s: MetricStatus): number => statuses.filter((x) => x === s).length
  const errors = count('ERROR') + reports.filter((r) => r.error).length
  const summary = { pass: count('PASS'), miss: count('MISS'), errors }
  process.stdout.write(`\ntargets: ${summary.pass} PASS, ${summary.miss} MISS, ${summary.errors} ERROR\n`)

  const output = {
    startedAt: started.toISOString(),
    commit: commitInfo(),
    durationMs: round(performance.now() - t0),
    args,
    machine: { ...machineBefore, loadAverageAfter: os.loadavg().map((l) => round(l, 3)) },
    summary,
    modules: reports
  }
  await mkdir(RESULTS_DIR, { recursive: true })
  const stamp = started.toISOString().replace(/[:.]/g, '-')
  const file = path.join(RESULTS_DIR, `bench-${stamp}.json`)
  const json = `${JSON.stringify(output, null, 2)}\n`
  await writeFile(file, json)
  await writeFile(path.join(RESULTS_DIR, 'latest.json'), json)
  process.stdout.write(`results: ${path.relative(process.cwd(), file)} (and latest.json)\n`)
  return errors > 0 ? 1 : 0
}

main().then(
  // Exit explicitly: a module that leaked a handle must not keep the run alive after its results are written.
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `[bench] fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`
    )
    process.exit(1)
  }
)
