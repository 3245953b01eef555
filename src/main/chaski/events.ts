// Typed events of ChaskiNode: everything a UI needs to follow the node without polling.
import type { Edge, EdgeDirection, PeerRef } from './edge'
import { RECONNECTING_REASONS, type RemovalReason } from './removal'
import type { ReconnectState } from './reconnect'
import type { LanDiscoveryEvents } from './lan/lan-discovery'
import type { PendingEndedEvent, PendingPeer } from './pending-peer'

export type { RemovalReason }
export { RECONNECTING_REASONS }

export type DiscoveryOutcome =
  /** A connected edge already shared the topic. */
  | 'already-paired'
  /** A paired node connected and reported (report_paired). */
  | 'paired'
  /** The whole reachable network answered and no node holds the topic: we are its first node (spec §4 Ours). */
  | 'first-of-topic'
  /**
   * The whole reachable network answered: nodes holding the topic were reached (`holders`), but none could pair
   * with us (none paired yet, or all full). We count as paired, so that they find us when they search.
   */
  | 'no-partner'
  /** No edge to search through: we are the topic's first node. */
  | 'no-edges'
  /** timeoutMs passed: considered paired (spec §4). */
  | 'timeout'
  /** The node stopped during the search. */
  | 'stopped'

export interface DiscoveryResult {
  topic: string
  result: DiscoveryOutcome
  /** The pairing edge, when one exists. */
  edge: Edge | null
  elapsedMs: number
  /** Nodes reached that hold the topic but could not pair with us ('no-partner'; 0 otherwise). */
  holders: number
}

export interface NodeStatus {
  name: string
  /** topic → paired (a null-prototype record). */
  paired: Record<string, boolean>
  serving: boolean
  reconnecting: boolean
}

export interface ProtocolErrorEvent {
  error: Error
  transport: 'tcp' | 'udp'
  /** The registered edge, when the bad frame came over one. */
  edge: Edge | null
  remoteAddress: string
  remotePort: number
}

/**
 * A peer did not prove the identity expected (docs/PROTOCOL.md §3a): a dial for a known id (a reconnection) reached
 * another key, or a peer claimed an id whose key it does not hold. Either a node whose key was replaced or an
 * impostor: the link is refused, and a UI says so in plain words.
 */
export interface IdentityChangedEvent {
  /** Where the peer was ('ip:port'). */
  address: string
  /** The id we expected or the peer claimed. */
  expectedId: string
  /** The id of the key it proved. */
  provenId: string
  direction: EdgeDirection
  error: Error
}

/** A connection refused before its handshake for a security reason (plaintext, or a failed TLS handshake). */
export interface PeerRefusedEvent {
  reason: 'secure-required' | 'secure-handshake'
  error: Error
  remoteAddress: string
  remotePort: number
}

export interface ChaskiNodeEvents {
  'identity-changed': IdentityChangedEvent
  'peer-refused': PeerRefusedEvent
  /**
   * Trust policy approve (docs/PROTOCOL.md §3a "Approve"): a peer's link is held until both sides accept; its
   * comparison code is known. Also on a node of another policy whose peer holds it (`accepted: true` there).
   */
  'peer-pending': PendingPeer
  /** A pending peer's `accepted` / `peerAccepted` changed (one side accepted, the other has not yet). */
  'peer-pending-updated': PendingPeer
  /** A pending peer is no longer pending: its link opened ('accepted'), or closed. */
  'peer-pending-ended': PendingEndedEvent
  ready: { ip: string; port: number }
  'edge-added': { edge: Edge; direction: EdgeDirection; reconnected: boolean }
  'edge-removed': { edge: Edge; reason: RemovalReason; detail?: string; willReconnect: boolean }
  /** The peer's name, subscriptions or paired flag changed (pong or update). */
  'edge-updated': { edge: Edge }
  handshake: { edge: Edge; version: number; direction: EdgeDirection }
  latency: { edge: Edge; rttMs: number; latency: number | null; jitter: number | null }
  paired: { topic: string; edge: Edge | null }
  unpaired: { topic: string }
  reconnecting: { peer: ReconnectState; attempt: number; delayMs: number }
  'reconnect-gave-up': { peer: ReconnectState; attempts: number }
  'discovery-started': {
    topics: string[]
    /** The edge the search starts through; null: through every edge. */
    via: Edge | null
    onPair: 'none' | 'disconnect'
    timeoutMs: number
  }
  'discovery-concluded': DiscoveryResult
  message: { topic: string; data: unknown; from: PeerRef }
  'protocol-error': ProtocolErrorEvent
  stopped: Record<string, never>
  /** The map this node holds changed: an advert of `origin` accepted (hops), or its entry expired (hops null). */
  'map-changed': { origin: string; hops: number | null }
  'subscriptions-changed': { subscriptions: string[]; added: string[]; removed: string[] }
  'name-changed': { name: string; previous: string }
  /** LAN discovery (option `lan`): a node heard for the first time, changed, or gone (docs/PROTOCOL.md). */
  'lan-peer-seen': LanDiscoveryEvents['lan-peer-seen'][0]
  'lan-peer-updated': LanDiscoveryEvents['lan-peer-updated'][0]
  'lan-peer-lost': LanDiscoveryEvents['lan-peer-lost'][0]
}

/** The shape node:events' typed EventEmitter expects: event → argument tuple. */
export type ChaskiNodeEventMap = { [K in keyof ChaskiNodeEvents]: [ChaskiNodeEvents[K]] }
