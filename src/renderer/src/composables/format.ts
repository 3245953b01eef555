// How figures and states read on screen: milliseconds, relative times, edge and node states. Pure, unit-tested.
import type { EdgeSnapshot, NodeRunState } from '../../../shared/snapshots'

/** Milliseconds with as many decimals as are meaningful: 0.42, 4.2, 42, 420. '—' when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  if (ms < 1) return ms.toFixed(2)
  if (ms < 10) return ms.toFixed(1)
  return String(Math.round(ms))
}

/** The one-way latency estimate with its jitter (spec §6), e.g. '3.2 ± 1.1 ms'. */
export function formatLatency(latencyMs: number | null, jitterMs: number | null): string {
  if (latencyMs === null) return '—'
  return jitterMs === null ? `${formatMs(latencyMs)} ms` : `${formatMs(latencyMs)} ± ${formatMs(jitterMs)} ms`
}

/** 'just now', '12 s ago', '3 min ago', '2 h ago', '4 d ago'. */
export function relativeTime(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000))
  if (seconds < 3) return 'just now'
  if (seconds < 60) return `${seconds} s ago`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ago`
  return `${Math.floor(hours / 24)} d ago`
}

/** Wall-clock time of day, HH:MM:SS, for logs. */
export function clockTime(at: number): string {
  const d = new Date(at)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}

/** connected / reconnecting, attempt n of m / gave up after n attempts (spec §3 Ours: the UI sees each state). */
export function edgeStateLabel(edge: Pick<EdgeSnapshot, 'state' | 'attempt' | 'maxAttempts'>): string {
  if (edge.state === 'connected') return 'connected'
  const of = edge.maxAttempts > 0 ? ` of ${edge.maxAttempts}` : ''
  if (edge.state === 'reconnecting') return `reconnecting, attempt ${edge.attempt}${of}`
  return `gave up after ${plural(edge.attempt, 'attempt')}`
}

export type Tone = 'default' | 'success' | 'info' | 'warning' | 'error'

export function edgeStateTone(state: EdgeSnapshot['state']): Tone {
  return state === 'connected' ? 'success' : state === 'reconnecting' ? 'warning' : 'error'
}

export function nodeStateTone(state: NodeRunState): Tone {
  if (state === 'serving') return 'success'
  if (state === 'failed') return 'error'
  if (state === 'stopped') return 'default'
  return 'info'
}

/** Singular or plural: plural(1, 'peer') = '1 peer', plural(2, 'peer') = '2 peers'. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** The `*` of a node: paired for every topic. A node without topics has nothing to pair, so no star. */
export function pairedForAll(node: {
  paired: boolean
  config: { subscriptions: readonly string[] }
}): boolean {
  return node.paired && node.config.subscriptions.length > 0
}

/** The root topic '@' in words (a root node subscribes to it and receives every topic). */
export const ROOT_TOPIC_HINT = 'root: receives every topic'

/** What a topic chip says on hover. */
export function topicTitle(topic: string, shared: boolean): string {
  if (topic === '@') return `@ — ${ROOT_TOPIC_HINT}`
  return shared ? `${topic}: this node subscribes to it too` : topic
}
