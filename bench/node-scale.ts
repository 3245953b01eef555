// 1000 nodes in one process, connected in a star: time to all connected and resident memory per node, each
// measured in a fresh child process (bench/star-child.ts), ours and a raw star of plain node:net servers + UDP
// sockets (started by star-launcher.ts). With CHASKI_BENCH_BASE_REF=<commit>, that commit's library is measured
// too, right after ours in the same run (one-by-one star): extra rows "at <sha> (before)". The one-by-one star runs
// ROUNDS times, raw and ours (and base) in turn; its rows are the median child of each kind.
import { baseLibraryFile } from './base-library'
import { LIBRARY_ENV, libraryBundle } from './library-build'
import { runStarChild } from './star-launcher'
import type { StarResult } from './star-child'
import { median, round } from './stats'
import type { BenchContext, BenchModule, Metric } from './types'

const ORIGINAL_BYTES_PER_NODE = 30_000
/**
 * Leaves connect one after another for the main figure. A second run with BURST connects in flight shows the
 * listen backlog at work: the raw baseline keeps Node's default (511), whose overflowing SYNs wait out a 1 s
 * retransmit on this kernel; our nodes listen with a backlog of 4096 (LISTEN_BACKLOG) and do not.
 */
const SEQUENTIAL = 1
const BURST = 100
/**
 * Fresh children per kind for the one-by-one star. One child's RSS delta swings by ±4 KiB per node run to run
 * (where its young generation and its RSS stood before the star: README), so the rows take the median child.
 */
const ROUNDS = 5

function runChild(
  ctx: BenchContext,
  kind: 'raw' | 'node',
  count: number,
  concurrency: number,
  libraryFile?: string
): Promise<StarResult> {
  return runStarChild<StarResult>(
    ctx,
    'star-child.ts',
    count,
    [kind, String(count), String(concurrency)],
    libraryFile ? 'base star' : `${kind} star`,
    libraryFile ? { ...process.env, [LIBRARY_ENV]: libraryFile } : process.env
  )
}

/** A child's figures, or the median child's (with each child's figures in `rounds`). */
type Outcome = Partial<StarResult> & {
  rounds?: unknown[]
  /** Median over the children of RSS per node minus young generation per node (not a difference of medians). */
  rssAsidePerNode?: number
}

const FIGURES = [
  'createMs',
  'connectMs',
  'rssPerNode',
  'heapUsedPerNode',
  'externalPerNode',
  'youngGenerationPerNode',
  'rssBefore',
  'rssAfter'
] as const

/**
 * The median of each figure over the children that succeeded (a failed child's error is kept when none did), with
 * every child's RSS per node and young generation touched before the star in the detail.
 */
function medianOutcome(runs: readonly Outcome[]): Outcome {
  const ok = runs.filter((r) => r.error === undefined)
  if (ok.length === 0) return runs[0] ?? { error: 'no run' }
  const out: Outcome = { ...ok[0] }
  for (const key of FIGURES) out[key] = median(ok.map((r) => r[key] ?? Number.NaN))
  out.rssAsidePerNode = median(
    ok.map((r) => (r.rssPerNode ?? Number.NaN) - (r.youngGenerationPerNode ?? Number.NaN))
  )
  if (runs.length > 1) {
    out.rounds = runs.map((r) =>
      r.error === undefined
        ? { rssPerNode: Math.round(r.rssPerNode ?? Number.NaN), youngBefore: r.youngBefore }
        : { error: r.error }
    )
  }
  return out
}

async function runBoth(ctx: BenchContext, count: number, concurrency: number): Promise<[Outcome, Outcome]> {
  const failed = (err: Error): Outcome => ({ error: err.message })
  ctx.progress(`raw star of ${count}, ${concurrency} connect(s) in flight (child process)`)
  const raw = await runChild(ctx, 'raw', count, concurrency).catch(failed)
  ctx.progress(`ChaskiNode star of ${count}, ${concurrency} connect(s) in flight (child process)`)
  const ours = await runChild(ctx, 'node', count, concurrency).catch(failed)
  return [raw, ours]
}

const pick = (
  r: Outcome,
  key: 'connectMs' | 'createMs' | 'rssPerNode' | 'heapUsedPerNode' | 'youngGenerationPerNode'
): number | null => (r.error === undefined ? (r[key] ?? null) : null)

/** RSS per node without the young generation's growth (a per-process cost, star-child.ts youngGenerationBytes). */
function rssWithoutYoung(r: Outcome): number | null {
  if (r.error === undefined && r.rssAsidePerNode !== undefined) return r.rssAsidePerNode
  const rss = pick(r, 'rssPerNode')
  const young = pick(r, 'youngGenerationPerNode')
  return rss === null || young === null ? null : rss - young
}

function detailOf(r: Outcome): Record<string, unknown> {
  return {
    ...r,
    createMs: round(r.createMs ?? Number.NaN),
    connectMs: round(r.connectMs ?? Number.NaN),
    rssPerNode: Math.round(r.rssPerNode ?? Number.NaN),
    heapUsedPerNode: Math.round(r.heapUsedPerNode ?? Number.NaN),
    youngGenerationPerNode: Math.round(r.youngGenerationPerNode ?? Number.NaN),
    externalPerNode: Math.round(r.externalPerNode ?? Number.NaN)
  }
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const count = ctx.quick ? 200 : 1000
  // Built here, not in the children: Vite loaded into a child would count towards its memory.
  await libraryBundle().catch(() => {})
  const base = await baseLibraryFile(ctx.progress)
  const rounds = ctx.quick ? 1 : ROUNDS
  const rawRuns: Outcome[] = []
  const ourRuns: Outcome[] = []
  const baseRuns: Outcome[] = []
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) ctx.progress(`one-by-one star, round ${round} of ${rounds}`)
    const [rawRun, ourRun] = await runBoth(ctx, count, SEQUENTIAL)
    rawRuns.push(rawRun)
    ourRuns.push(ourRun)
    if (base) {
      ctx.progress(`ChaskiNode star of ${count} at ${base.sha} (before), ${SEQUENTIAL} connect(s) in flight`)
      baseRuns.push(
        await runChild(ctx, 'node', count, SEQUENTIAL, base.file).catch((err: Error): Outcome => ({
          error: err.message
        }))
      )
    }
  }
  const raw = medianOutcome(rawRuns)
  const ours = medianOutcome(ourRuns)
  const before = base ? medianOutcome(baseRuns) : null
  const [rawBurst, oursBurst] = await runBoth(ctx, count, BURST)
  const baseRows: Metric[] =
    base && before
      ? [
          {
            id: 'star.rssPerNodeBase',
            label: `star of ${count}: resident memory per node at ${base.sha} (before)`,
            kind: 'bytes',
            ours: pick(before, 'rssPerNode'),
            raw: pick(raw, 'rssPerNode'),
            original: null,
            note: before.error,
            detail: { ours: detailOf(before) }
          },
          {
            id: 'star.rssPerNodeWithoutYoungBase',
            label: `star of ${count}: resident memory per node, young gen. aside, at ${base.sha}`,
            kind: 'bytes',
            ours: rssWithoutYoung(before),
            raw: rssWithoutYoung(raw),
            original: null
          },
          {
            id: 'star.heapPerNodeBase',
            label: `star of ${count}: JS heap per node at ${base.sha} (before)`,
            kind: 'bytes',
            ours: pick(before, 'heapUsedPerNode'),
            raw: pick(raw, 'heapUsedPerNode'),
            original: null
          },
          {
            id: 'star.connectBase',
            label: `star of ${count}: all connected, one by one, at ${base.sha}`,
            kind: 'duration',
            ours: pick(before, 'connectMs'),
            raw: pick(raw, 'connectMs'),
            original: null
          }
        ]
      : []
  const errorNote = (o: Outcome, r: Outcome): string | undefined =>
    o.error ?? (r.error ? `raw: ${r.error}` : undefined)
  return [
    {
      id: 'star.connect',
      label: `star of ${count}: all connected, one by one`,
      kind: 'duration',
      ours: pick(ours, 'connectMs'),
      raw: pick(raw, 'connectMs'),
      original: null,
      note: errorNote(ours, raw) ?? 'leaves connect in turn; raw = bare TCP connects',
      detail: { ours: detailOf(ours), raw: detailOf(raw) }
    },
    {
      id: 'star.connectBurst',
      label: `star of ${count}: all connected, ${BURST} in flight`,
      kind: 'duration',
      ours: pick(oursBurst, 'connectMs'),
      raw: pick(rawBurst, 'connectMs'),
      original: null,
      note:
        errorNote(oursBurst, rawBurst) ??
        'raw listens with backlog 511: about 1 s or more = SYNs dropped (kernel retransmits after 1 s)',
      detail: { ours: detailOf(oursBurst), raw: detailOf(rawBurst) }
    },
    {
      id: 'star.create',
      label: `star of ${count}: create + listen`,
      kind: 'duration',
      ours: pick(ours, 'createMs'),
      raw: pick(raw, 'createMs'),
      original: null
    },
    {
      id: 'star.rssPerNode',
      label: `star of ${count}: resident memory per node`,
      kind: 'bytes',
      ours: pick(ours, 'rssPerNode'),
      raw: pick(raw, 'rssPerNode'),
      original: ORIGINAL_BYTES_PER_NODE,
      // Issue #12's target: both must hold.
      target: [
        { of: 'ours', op: '<=', value: 24 * 1024, text: '≤ 24 KiB' },
        { of: 'ratio', op: '<=', value: 1.5, text: '≤ 1.5× raw' }
      ],
      note: `RSS delta after GC / nodes, median of ${rounds} fresh child(ren) each; raw = TCP server + UDP socket + link`,
      detail: { ours: ours.rounds, raw: raw.rounds }
    },
    {
      id: 'star.rssPerNodeWithoutYoung',
      label: `star of ${count}: resident memory per node, young gen. aside`,
      kind: 'bytes',
      ours: rssWithoutYoung(ours),
      raw: rssWithoutYoung(raw),
      original: null,
      note: "the row above minus V8's young generation grown during the burst (once per process, capped)"
    },
    {
      id: 'star.heapPerNode',
      label: `star of ${count}: JS heap per node`,
      kind: 'bytes',
      ours: pick(ours, 'heapUsedPerNode'),
      raw: pick(raw, 'heapUsedPerNode'),
      original: null
    },
    ...baseRows
  ]
}

const bench: BenchModule = {
  name: 'scale',
  description: '1000 nodes in one process in a star: connect time and memory per node',
  run
}
export default bench
