// Shapes shared by the runner (bench/index.ts) and every bench module.

/** How a figure is formatted and compared: durations and bytes are better small, rates better big. */
export type MetricKind = 'duration' | 'rate' | 'bytes'

/**
 * A target from the issue. `of: 'ratio'` compares ours/raw measured in the same run;
 * `of: 'ours'` compares our absolute figure (ms, items/s or bytes, like the metric).
 */
export interface Target {
  of: 'ratio' | 'ours'
  op: '<=' | '>='
  value: number
  /** Human text for the table, e.g. '≤ 2× raw' or '≤ 0.5 ms'. */
  text: string
}

export interface Metric {
  /** Stable key for the JSON files, e.g. 'ping.median'. */
  id: string
  /** Row label in the table. */
  label: string
  kind: MetricKind
  /** Our ChaskiNode figure; null when it could not be measured (see note). */
  ours: number | null
  /** The plain node:net baseline measured in the same run; null when no raw equivalent exists. */
  raw: number | null
  /** The original Python implementation's figure on this machine, as given in the issue (reference only). */
  original: number | null
  /** A target, or several that must all hold (e.g. an absolute figure and a ratio to raw). */
  target?: Target | readonly Target[]
  /** Short remark shown under the table (why a figure is missing, how many runs...). */
  note?: string
  /** Anything else worth keeping in the JSON (summaries, trials, parameters). */
  detail?: Record<string, unknown>
}

export type MetricStatus = 'PASS' | 'MISS' | 'ERROR' | ''

export interface BenchContext {
  /** --quick: smaller counts, for checking the harness itself. */
  quick: boolean
  /** One progress line on stderr, prefixed with the elapsed time and the module name. */
  progress(message: string): void
  /** Full GC when the process runs with --expose-gc; a no-op otherwise. */
  gc(): void
}

export interface BenchModule {
  /** Name used by --only and in the JSON. */
  name: string
  description: string
  run(ctx: BenchContext): Promise<Metric[]>
}
