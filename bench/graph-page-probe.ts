// In-page probes for the graph bench and browser tests: a requestAnimationFrame recorder (frame times, and whether
// the graph's simulation was running at each frame) and readers for the graph's performance.measure entries.
// Frame statistics are computed here in Node from the raw timestamps. Page code is passed as text: this file is
// type-checked for Node (no DOM library).
import type { Page } from 'playwright-core'

/** Init script: records every animation frame as [time, simulating 0/1] pairs in `window.__chaskiFrames`. */
export const FRAME_RECORDER_SCRIPT = `(() => {
  const frames = []
  window.__chaskiFrames = frames
  const loop = (t) => {
    const svg = document.querySelector('[data-testid="network-graph"] svg')
    frames.push(t, svg && svg.getAttribute('data-simulating') === 'true' ? 1 : 0)
    requestAnimationFrame(loop)
  }
  requestAnimationFrame(loop)
})()`

export interface FrameSample {
  t: number
  simulating: boolean
}

export async function readFrames(page: Page): Promise<FrameSample[]> {
  const flat = await page.evaluate<number[]>('window.__chaskiFrames.slice()')
  const frames: FrameSample[] = []
  for (let i = 0; i + 1 < flat.length; i += 2) frames.push({ t: flat[i], simulating: flat[i + 1] === 1 })
  return frames
}

export interface FrameStats {
  frames: number
  spanMs: number
  fps: number
  /** Lowest frame rate of any whole second in the span. */
  worstSecondFps: number
  p95FrameMs: number
  maxFrameMs: number
}

/** Frame rate over the frames in [from, to) that satisfy `keep` (e.g. while the simulation runs). */
export function frameStats(
  frames: FrameSample[],
  from: number,
  to: number,
  keep = (_f: FrameSample) => true
) {
  const kept = frames.filter((f) => f.t >= from && f.t < to && keep(f))
  if (kept.length < 2) return null
  const span = kept[kept.length - 1].t - kept[0].t
  const intervals = kept.slice(1).map((f, i) => f.t - kept[i].t)
  const sorted = [...intervals].sort((a, b) => a - b)
  let worst = Infinity
  for (let start = kept[0].t; start + 1000 <= kept[kept.length - 1].t; start += 250) {
    const inSecond = kept.filter((f) => f.t >= start && f.t < start + 1000).length
    worst = Math.min(worst, inSecond)
  }
  const stats: FrameStats = {
    frames: kept.length,
    spanMs: span,
    fps: ((kept.length - 1) / span) * 1000,
    worstSecondFps: Number.isFinite(worst) ? worst : ((kept.length - 1) / span) * 1000,
    p95FrameMs: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))],
    maxFrameMs: sorted[sorted.length - 1]
  }
  return stats
}

export interface UpdateMeasure {
  start: number
  duration: number
  nodes: number
  links: number
  changedLinks: number
  changedNodes: number
  structural: boolean
}

/** The graph's `chaski:graph-update` performance.measure entries (see GRAPH_UPDATE_MEASURE). */
export async function readUpdateMeasures(page: Page): Promise<UpdateMeasure[]> {
  return page.evaluate<UpdateMeasure[]>(`performance
    .getEntriesByName('chaski:graph-update')
    .map((e) => ({ start: e.startTime, duration: e.duration, ...e.detail }))`)
}

/** Most events in any window of `windowMs` starting at an event (half-open), e.g. updates per second. */
export function maxInWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  let j = 0
  for (let i = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j] < sorted[i] + windowMs) j++
    best = Math.max(best, j - i)
  }
  return best
}

/** Where each node is on screen (centre of its hit target, CSS px from the page's top-left), by id. */
export async function readNodePositions(page: Page): Promise<Record<string, { x: number; y: number }>> {
  return page.evaluate<Record<string, { x: number; y: number }>>(`(() => {
    const out = {}
    for (const c of document.querySelectorAll('[data-testid="network-graph"] circle[data-node-id]')) {
      const r = c.getBoundingClientRect()
      out[c.getAttribute('data-node-id')] = { x: r.x + r.width / 2, y: r.y + r.height / 2 }
    }
    return out
  })()`)
}
