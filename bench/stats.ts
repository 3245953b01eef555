// Small statistics and formatting helpers shared by every bench module.
// Times are kept in milliseconds everywhere (performance.now() units); rates in items per second.

export interface Summary {
  n: number
  min: number
  median: number
  p99: number
  mean: number
  max: number
}

/** Median of the samples (mean of the two middle ones for an even count). NaN for no samples. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Nearest-rank percentile (p in 0..100): the smallest sample with at least p % of samples at or below it. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN
  let sum = 0
  for (const s of samples) sum += s
  return sum / samples.length
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    min: samples.length ? Math.min(...samples) : Number.NaN,
    median: median(samples),
    p99: percentile(samples, 99),
    mean: mean(samples),
    max: samples.length ? Math.max(...samples) : Number.NaN
  }
}

/** Rounds for JSON output so files stay readable (about 4 significant digits below 1). */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return value
  return Number(value.toPrecision(digits))
}

export function roundSummary(s: Summary): Summary {
  return {
    n: s.n,
    min: round(s.min),
    median: round(s.median),
    p99: round(s.p99),
    mean: round(s.mean),
    max: round(s.max)
  }
}

/** 0.0832 -> '83.2 µs', 1.234 -> '1.23 ms', 10000 -> '10.0 s'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`
  if (ms < 1000) return `${ms.toPrecision(3)} ms`
  return `${(ms / 1000).toPrecision(3)} s`
}

/** 425000 -> '425 k/s'. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—'
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toPrecision(3)} M/s`
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toPrecision(3)} k/s`
  return `${perSecond.toPrecision(3)} /s`
}

/** 30720 -> '30.0 KiB'. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—'
  const abs = Math.abs(bytes)
  if (abs >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toPrecision(3)} MiB`
  if (abs >= 1024) return `${(bytes / 1024).toPrecision(3)} KiB`
  return `${Math.round(bytes)} B`
}

/** Ratio ours/raw as '1.43×' (times) or '62 %' (rates, where bigger is better). */
export function formatRatio(ratio: number, style: 'times' | 'percent'): string {
  if (!Number.isFinite(ratio)) return '—'
  return style === 'percent' ? `${Math.round(ratio * 100)} %` : `${ratio.toFixed(2)}×`
}

/** Left-aligned first column, right-aligned others; columns separated by two spaces. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [line(header), rule, ...rows.map(line)].join('\n')
}
