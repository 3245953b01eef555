// `chaski node` output: turns the library's typed events into one printed event each (human line or JSON line).
// Event names and payload fields are the CLI's JSON contract (README, "Headless"): keep them stable.
import { formatAddress } from '../chaski/index'
import type {
  ChaskiNodeEvents,
  LanPeer,
  PendingOutcome,
  PendingPeer,
  ReconnectState,
  RemovalReason
} from '../chaski/index'
import { shortNodeId } from '../chaski/security/index'
import { LatencyThrottle } from './latency-throttle'
import type { EventPrinter } from './output'
import { errorFields, formatMs, formatTopics, sanitize } from './output'
import { previewValue } from '../../shared/value-preview'
import { roundTripStats } from '../../shared/round-trips'

/** What the printer needs from a node: its typed events (ChaskiNode satisfies it). */
export interface NodeEventSource {
  on<K extends keyof ChaskiNodeEvents>(event: K, listener: (payload: ChaskiNodeEvents[K]) => void): unknown
  off<K extends keyof ChaskiNodeEvents>(event: K, listener: (payload: ChaskiNodeEvents[K]) => void): unknown
}

export interface PeerFields {
  id: string
  name: string
  ip: string
  port: number
  /** `Name@ip:port`, the form `--connect` accepts. */
  address: string
}

export function peerFields(peer: {
  id?: string
  peerId?: string
  name: string
  ip: string
  port: number
}): PeerFields {
  return {
    id: peer.id ?? peer.peerId ?? '',
    name: peer.name,
    ip: peer.ip,
    port: peer.port,
    address: `${peer.name}@${formatAddress(peer.ip, peer.port)}`
  }
}

function label(peer: { name: string; ip: string; port: number }): string {
  return `${sanitize(peer.name)}@${formatAddress(peer.ip, peer.port)}`
}

const PENDING_OUTCOME_TEXT: Record<PendingOutcome, string> = {
  accepted: 'accepted by both sides: linked',
  rejected: 'rejected (by this node or the other side)',
  expired: 'nobody accepted it in time (pending deadline)',
  closed: 'the pending link closed'
}

const REASON_TEXT: Record<RemovalReason, string> = {
  'closed-by-us': 'closed by this node',
  'closed-by-peer': 'the peer closed the connection',
  'peer-stopped': 'the peer stopped',
  stopped: 'this node stopped',
  lost: 'connection lost',
  'keepalive-timeout': 'no answer to keep-alive ping',
  'protocol-error': 'protocol error',
  'pair-disconnect': 'dropped after pairing elsewhere (--on-pair disconnect)',
  'pair-rejected': 'surplus pairing link closed'
}

const LAN_CHANGES_SHOWN: ReadonlySet<keyof LanPeer> = new Set<keyof LanPeer>([
  'name',
  'ip',
  'port',
  'subscriptions',
  'paired',
  'root'
])

export interface NodePrinterInit {
  /** At most one latency line per edge per this many ms. */
  latencyEveryMs: number
}

/** Subscribes the printer to every event a person running a node cares about; returns the unsubscribe. */
export function attachNodePrinter(
  node: NodeEventSource,
  printer: EventPrinter,
  init: NodePrinterInit
): () => void {
  const throttle = new LatencyThrottle(init.latencyEveryMs)
  const detachers: (() => void)[] = []
  const listen = <K extends keyof ChaskiNodeEvents>(
    event: K,
    listener: (payload: ChaskiNodeEvents[K]) => void
  ): void => {
    node.on(event, listener)
    detachers.push(() => node.off(event, listener))
  }

  listen('edge-added', ({ edge, direction, reconnected }) => {
    printer.event(
      'edge-added',
      { peer: peerFields(edge), subscriptions: [...edge.subscriptions], direction, reconnected },
      `edge +       ${label(edge)} (${direction}${reconnected ? ', reconnected' : ''}), topics ${formatTopics(edge.subscriptions)}`
    )
  })
  listen('edge-removed', ({ edge, reason, detail, willReconnect }) => {
    throttle.forget(edge.id)
    const why = REASON_TEXT[reason] ?? reason
    // The wire close reason repeats what `reason` already says for a plain stop.
    const extra = detail && !(reason === 'peer-stopped' && detail === 'stop') ? ` (${sanitize(detail)})` : ''
    printer.event(
      'edge-removed',
      { peer: peerFields(edge), reason, detail: detail ?? null, willReconnect },
      `edge -       ${label(edge)}: ${why}${extra}${willReconnect ? '; will reconnect' : ''}`
    )
  })
  listen('edge-updated', ({ edge }) => {
    printer.event(
      'edge-updated',
      { peer: peerFields(edge), subscriptions: [...edge.subscriptions], peerPaired: edge.peerPaired },
      `edge ~       ${label(edge)}: topics ${formatTopics(edge.subscriptions)}, ${edge.peerPaired ? 'paired' : 'not paired yet'}`
    )
  })
  listen('paired', ({ topic, edge }) => {
    printer.event(
      'paired',
      { topic, peer: edge ? peerFields(edge) : null },
      `paired       ${sanitize(topic)}${edge ? ` via ${label(edge)}` : ' (first node of this topic)'}`
    )
  })
  listen('unpaired', ({ topic }) => {
    printer.event('unpaired', { topic }, `unpaired     ${sanitize(topic)}`)
  })
  // Measured round trips first (last, median, p95, jitter = their spread); the library's smoothed one-way estimate
  // and its uncertainty after, named as what they are.
  listen('latency', ({ edge, rttMs, latency, jitter }) => {
    if (!throttle.take(edge.id)) return
    const trips = roundTripStats(edge.rttSamples)
    printer.event(
      'latency',
      {
        peer: peerFields(edge),
        rttMs,
        roundTrips: trips,
        oneWayEstimateMs: latency,
        estimateUncertaintyMs: jitter
      },
      `latency      ${label(edge)}  round trip ${formatMs(rttMs)} ms` +
        (trips
          ? ` (median ${formatMs(trips.medianMs)}, p95 ${formatMs(trips.p95Ms)}, jitter ${formatMs(trips.jitterMs)} ms over the last ${trips.count})`
          : '') +
        (latency === null
          ? ''
          : `; smoothed one-way estimate ${formatMs(latency)} ms, uncertainty ±${formatMs(jitter ?? NaN)} ms`)
    )
  })
  listen('reconnecting', ({ peer, attempt, delayMs }) => {
    printer.event(
      'reconnecting',
      { peer: peerFields(peer), attempt, maxAttempts: peer.maxAttempts, delayMs },
      `reconnect    ${label(peer)}: attempt ${attempt}/${peer.maxAttempts} in ${formatMs(delayMs)} ms`
    )
  })
  listen('reconnect-gave-up', ({ peer, attempts }) => {
    printer.event(
      'reconnect-gave-up',
      { peer: peerFields(peer), attempts, lastError: peer.lastError },
      `reconnect    ${label(peer)}: gave up after ${attempts} attempts${lastErrorText(peer)}`
    )
  })
  listen('discovery-started', ({ topics, via, onPair, timeoutMs }) => {
    printer.event(
      'discovery-started',
      { topics, via: via ? peerFields(via) : null, onPair, timeoutMs },
      `discovery    searching for ${formatTopics(topics)}${via ? ` via ${label(via)}` : ''} (on pair: ${onPair}, up to ${timeoutMs / 1000} s)`
    )
  })
  listen('discovery-concluded', ({ topic, result, edge, elapsedMs, holders }) => {
    const others =
      holders > 0 ? ` (${holders} other node${holders === 1 ? '' : 's'} hold it, none could pair yet)` : ''
    printer.event(
      'discovery-concluded',
      { topic, result, peer: edge ? peerFields(edge) : null, elapsedMs, holders },
      `discovery    ${sanitize(topic)}: ${result}${edge ? ` via ${label(edge)}` : ''}${others} after ${formatMs(elapsedMs)} ms`
    )
  })
  listen('message', ({ topic, data, from }) => {
    printer.event(
      'message',
      { topic, from: peerFields(from), data },
      `message      ${sanitize(topic)} from ${label(from)}: ${preview(data)}`
    )
  })
  // Trust policy approve: a peer held until both sides accept it, with the code both people compare by voice.
  const pendingFields = (peer: PendingPeer): Record<string, unknown> => ({
    peer: { id: peer.id, name: peer.name, address: peer.address },
    direction: peer.direction,
    code: peer.code,
    accepted: peer.accepted,
    peerAccepted: peer.peerAccepted
  })
  const pendingLabel = (peer: PendingPeer): string =>
    `${sanitize(peer.name)}@${sanitize(peer.address)} (id ${shortNodeId(peer.id)})`
  const pendingState = (peer: PendingPeer): string =>
    peer.accepted
      ? 'this node admits it; waiting for the other side to accept this node'
      : 'compare it with the code the other side shows, then accept or reject this peer'
  listen('peer-pending', (peer) => {
    printer.event(
      'peer-pending',
      pendingFields(peer),
      `pending      ${pendingLabel(peer)} (${peer.direction}): comparison code ${peer.code}; ${pendingState(peer)}`
    )
  })
  listen('peer-pending-updated', (peer) => {
    const text = peer.peerAccepted
      ? `the other side accepted this node; ${pendingState(peer)}`
      : pendingState(peer)
    printer.event('peer-pending-updated', pendingFields(peer), `pending      ${pendingLabel(peer)}: ${text}`)
  })
  listen('peer-pending-ended', ({ id, outcome }) => {
    printer.event(
      'peer-pending-ended',
      { id, outcome },
      `pending      ${shortNodeId(id)}: ${PENDING_OUTCOME_TEXT[outcome]}`
    )
  })
  listen('protocol-error', ({ error, transport, edge, remoteAddress, remotePort }) => {
    const remote = formatAddress(remoteAddress, remotePort)
    printer.error(
      'protocol-error',
      { transport, remote, peer: edge ? peerFields(edge) : null, error: errorFields(error) },
      `protocol     ${transport} ${edge ? label(edge) : remote}: ${sanitize(error.message)}`
    )
  })

  // LAN discovery (--lan): peers heard on the network; an update is printed only when something a person
  // would act on changed (not every beacon's lastSeen; `connected` shows up as edge lines already).
  const lanFields = (peer: LanPeer): Record<string, unknown> => ({
    peer: peerFields(peer),
    subscriptions: [...peer.subscriptions],
    paired: peer.paired,
    interface: peer.interface,
    connected: peer.connected
  })
  listen('lan-peer-seen', ({ peer }) => {
    printer.event(
      'lan-peer-seen',
      lanFields(peer),
      `lan +        ${label(peer)} on ${sanitize(peer.interface)}, topics ${formatTopics(peer.subscriptions)}`
    )
  })
  listen('lan-peer-updated', ({ peer, changes }) => {
    const shown = changes.filter((change) => LAN_CHANGES_SHOWN.has(change))
    if (shown.length === 0) return
    printer.event(
      'lan-peer-updated',
      { ...lanFields(peer), changes: shown },
      `lan ~        ${label(peer)}: ${shown.join(', ')} changed; topics ${formatTopics(peer.subscriptions)}`
    )
  })
  listen('lan-peer-lost', ({ peer, reason }) => {
    printer.event('lan-peer-lost', { ...lanFields(peer), reason }, `lan -        ${label(peer)}: ${reason}`)
  })

  return () => detachers.forEach((detach) => detach())
}

function lastErrorText(peer: ReconnectState): string {
  return peer.lastError ? ` (last error: ${sanitize(peer.lastError)})` : ''
}

/** A short, terminal-safe rendering of a received message body (the shared renderer: never throws, bounded). */
function preview(data: unknown): string {
  return sanitize(previewValue(data, { maxChars: 120, quoteStrings: true }))
}
