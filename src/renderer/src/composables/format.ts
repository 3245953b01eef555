// How figures and states read on screen: milliseconds, relative times, edge and node states. Pure, unit-tested.
import type { EdgeSnapshot, KnownPeerSnapshot, NodeRunState, RestartOption } from '../../../shared/snapshots'
import type { RoundTripStats } from '../../../shared/round-trips'

/** Milliseconds with as many decimals as are meaningful: 0.42, 4.2, 42, 420. '—' when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  if (ms < 1) return ms.toFixed(2)
  if (ms < 10) return ms.toFixed(1)
  return String(Math.round(ms))
}

/**
 * The library's smoothed one-way estimate with its uncertainty, e.g. '1.6 ± 10 ms': an estimate, always shown
 * labelled as one and apart from the measured round trips (which is what a person compares).
 */
export function formatOneWayEstimate(latencyMs: number | null, uncertaintyMs: number | null): string {
  if (latencyMs === null) return '—'
  return uncertaintyMs === null
    ? `${formatMs(latencyMs)} ms`
    : `${formatMs(latencyMs)} ± ${formatMs(uncertaintyMs)} ms`
}

/** The measured round trips in two short lines: 'median 0.42 · p95 0.61 ms' and 'jitter 0.05 ms'. */
export function roundTripLines(trips: RoundTripStats): [string, string] {
  return [
    `median ${formatMs(trips.medianMs)} · p95 ${formatMs(trips.p95Ms)} ms`,
    `jitter ${formatMs(trips.jitterMs)} ms`
  ]
}

/** What the round-trip figures are, in words (the latency column's help). */
export const ROUND_TRIP_HELP =
  'Round trip: how long a ping takes to reach the peer and come back, as measured. The big figure is the last ' +
  'one; below it the median and the 95th percentile of the recent pings (95 in 100 were at least that fast), and ' +
  'the jitter: how much the round trips vary (their standard deviation). The one-way figure is an estimate: half ' +
  'the round trip, smoothed over the pings, with ± its own uncertainty (how sure the estimate is, not how much the ' +
  'link varies).'

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

/**
 * A known peer's state in words: 'connected', 'trying again in 12 s (attempt 4)', 'disconnected by you', ... and when
 * it was last seen (for a peer that is not connected).
 */
export function knownPeerStatusText(
  peer: Pick<KnownPeerSnapshot, 'status' | 'attempt' | 'nextAttemptAt' | 'lastSeenAt'>,
  now: number
): { status: string; seen: string | null } {
  const seen =
    peer.status === 'connected'
      ? null
      : peer.lastSeenAt === null
        ? 'never connected yet'
        : `last seen ${relativeTime(peer.lastSeenAt, now)}`
  switch (peer.status) {
    case 'connected':
      return { status: 'connected', seen }
    case 'connecting':
      return { status: `connecting (attempt ${peer.attempt})`, seen }
    case 'retrying': {
      const seconds = peer.nextAttemptAt === null ? 0 : Math.ceil((peer.nextAttemptAt - now) / 1000)
      const when = seconds > 0 ? `retrying in ${seconds} s` : 'retrying now'
      return { status: peer.attempt > 0 ? `${when} (attempt ${peer.attempt})` : when, seen }
    }
    case 'closed-by-peer':
      return { status: 'closed by the peer', seen }
    case 'identity-changed':
      return { status: 'refused: it proved another key (changed identity)', seen }
    case 'disconnected':
      return { status: 'disconnected by you', seen }
    case 'idle':
      return { status: 'waits for this node to start', seen }
  }
}

export function knownPeerTone(status: KnownPeerSnapshot['status']): Tone {
  if (status === 'connected') return 'success'
  if (status === 'retrying' || status === 'connecting') return 'warning'
  if (status === 'closed-by-peer' || status === 'identity-changed') return 'error'
  return 'default'
}

const RESTART_OPTION_LABEL: Record<RestartOption, string> = {
  ip: 'the address',
  port: 'the port',
  ttl: 'the TTL',
  root: 'root',
  paired: 'start paired',
  maxConnections: 'max connections',
  reconnections: 'reconnection attempts',
  keepAlive: 'keep-alive',
  messagePropagation: 'message propagation',
  messagesPoolMaxSize: 'the message pool size',
  trust: 'the trust policy',
  insecure: 'plaintext links'
}

/** 'the port and the TTL' (capitalised for the start of a sentence). */
export function restartOptionLabels(options: readonly RestartOption[], capital = false): string {
  const words = options.map((o) => RESTART_OPTION_LABEL[o])
  const text =
    words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
  return capital ? text.charAt(0).toUpperCase() + text.slice(1) : text
}
