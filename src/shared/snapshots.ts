// The state the UI sees: plain, serialisable data built in main (src/main/host) and pushed to the renderer.
// Declared once here for main, preload and renderer.
import type { RoundTripStats } from './round-trips'

/** Options of a local node as the user sets them (and as they are saved). */
export interface NodeConfig {
  /** Stable node id: kept across restarts so peers and LAN tables recognise the node. */
  id: string
  name: string
  ip: string
  /**
   * The port it listens on, kept across stops and restarts. A new node gets the first free port of NODE_PORTS
   * (src/shared/limits.ts); 0 asks the OS for any free port once, and the host then keeps the one it got.
   */
  port: number
  subscriptions: string[]
  ttl: number
  root: boolean
  paired: boolean
  maxConnections: number
  reconnections: number
  keepAlive: boolean
  messagePropagation: boolean
  messagesPoolMaxSize: number
  lan: LanConfig
  /** Start the node when the app starts. */
  autoStart: boolean
  /** Which peers' keys it links with (issue #13); 'tofu' by default. */
  trust: TrustPolicyName
  /** Also link with plaintext (unencrypted, unauthenticated) peers; off by default, shown as a warning. */
  insecure: boolean
}

/**
 * Which keys a node links with (README "Links and trust"):
 * - open: any key (simulations on one machine);
 * - tofu: the first key seen at a peer's address is pinned; another key there later is refused ("changed identity");
 * - approve: an unknown peer waits as pending until the person accepts or rejects it, comparing a short code.
 */
export type TrustPolicyName = 'open' | 'tofu' | 'approve'

export const TRUST_POLICY_NAMES: readonly TrustPolicyName[] = ['open', 'tofu', 'approve']

/** A peer waiting for the person's decision (policy approve). */
export interface PendingPeerSnapshot {
  id: string
  name: string
  /** Where it is: the address it connected from, or the one dialled. */
  address: string
  direction: 'inbound' | 'outbound'
  /** The short code both sides show: the same on both screens when nobody sits between them. */
  code: string
  /** Epoch ms since it waits. */
  since: number
  /** This node admits it (the person accepted it, or the policy admits it): the link waits for the peer's side. */
  accepted: boolean
  /** The peer admits this node: the link opens once this side accepts. */
  peerAccepted: boolean
}

/** A peer whose key the node trusts (pinned under tofu, accepted under approve). */
export interface TrustedPeerSnapshot {
  id: string
  name: string
  address: string
  firstSeen: number
  lastSeen: number
}

/** A peer the person revoked: refused from then on, under every policy, until the node is told otherwise. */
export interface RevokedPeerSnapshot {
  id: string
  name: string
  /** Epoch ms of the revocation. */
  at: number
}

/** What a node trusts and who waits (issue #13). Trusted and revoked peers are kept across restarts. */
export interface NodeTrustSnapshot {
  policy: TrustPolicyName
  /** Plaintext peers are linked too: the dashboard shows a warning wherever this is on. */
  insecure: boolean
  /** Oldest first; empty unless the policy is approve and the node runs. */
  pending: PendingPeerSnapshot[]
  /** Most recently seen first. */
  trusted: TrustedPeerSnapshot[]
  /** Most recent first. */
  revoked: RevokedPeerSnapshot[]
}

export interface LanConfig {
  enabled: boolean
  autoConnect: boolean
  /** Interface names or addresses; empty: every interface the process may use (CHASKI_LAN_INTERFACES caps it). */
  interfaces: string[]
}

export type NodeRunState = 'starting' | 'serving' | 'stopping' | 'stopped' | 'failed'
export type EdgeState = 'connected' | 'reconnecting' | 'gave-up'

export interface EdgeSnapshot {
  /** The peer's node id (edges are keyed by peer id). */
  peerId: string
  name: string
  ip: string
  port: number
  address: string
  subscriptions: string[]
  /**
   * The library's smoothed one-way estimate in ms: half the round trip, filtered over the samples (docs/SEMANTICS.md
   * §6). An estimate, not a measurement; null before a ping.
   */
  latencyMs: number | null
  /** The uncertainty of that estimate (its filter's standard deviation), in ms: not the jitter of the link. */
  latencyUncertaintyMs: number | null
  /** Last measured round trip in ms. */
  lastRttMs: number | null
  /** Recent measured round trips in ms, oldest first (at most 60). */
  rttSamples: number[]
  /** Last, median, p95 and jitter (spread) of those round trips; null before the first. */
  roundTrips: RoundTripStats | null
  paired: boolean
  state: EdgeState
  /** Epoch ms of the last state change. */
  since: number
  /** Reconnection attempt number while reconnecting (or the attempts made, once given up); 0 when connected. */
  attempt: number
  /** How many attempts the node makes before it gives up (its `reconnections` option); 0 when connected. */
  maxAttempts: number
  /** The link is encrypted and the peer proved its key (TLS); false: plaintext; null: no link right now. */
  secure: boolean | null
}

/**
 * A device heard on the LAN. The host keeps every device once heard (bounded) with `online` and `lastSeen`, until the
 * person forgets it, like Syncthing's device list.
 */
export interface LanPeerSnapshot {
  id: string
  name: string
  ip: string
  port: number
  address: string
  subscriptions: string[]
  paired: boolean
  firstSeen: number
  lastSeen: number
  interface: string
  connected: boolean
  /** Announcing itself right now; false once its beacons stopped (it said goodbye, went quiet, or we stopped). */
  online: boolean
}

export interface NodeSnapshot {
  /** The host's name for the node (its config id). */
  id: string
  /** The id peers know the node by (its key's, issue #13), once it has started. */
  nodeId?: string
  config: NodeConfig
  state: NodeRunState
  /** Epoch ms of the last state change. */
  since: number
  /** Why the node failed to start, in words a person can act on. */
  error: string | null
  /** The real listening port once serving (config.port may be 0). */
  port: number | null
  /** 'ip:port' or '[v6]:port' once serving. */
  address: string | null
  /** Paired state per subscription (spec §4). */
  pairedTopics: Record<string, boolean>
  /** Paired for every subscription: the `*` of the original's toString(). */
  paired: boolean
  edges: EdgeSnapshot[]
  lan: { enabled: boolean; autoConnect: boolean; active: boolean; peers: LanPeerSnapshot[] }
  discovery: DiscoveryProgress | null
  /** Peers recently disconnected or lost, newest first: one click reconnects them. Kept across restarts. */
  recentPeers: RecentPeer[]
  /** Peers the person connected to by hand: redialled at start and whenever they go away. Kept across restarts. */
  knownPeers: KnownPeerSnapshot[]
  /**
   * Where peers can reach this node while it serves: for a node on 0.0.0.0 / :: one address per interface of this
   * machine (loopback marked), else its own address. Empty when it does not serve.
   */
  reachableAt: ReachableAddress[]
  /** The node could not start because its port is taken: the port, and the next free one to offer instead. */
  portInUse: { port: number; suggestion: number | null } | null
  /** Options changed since the node started that only apply after a restart (their names); empty when none. */
  pendingRestart: RestartOption[]
  /** Its trust policy, pending, trusted and revoked peers. */
  trust: NodeTrustSnapshot
}

export interface RecentPeer {
  peerId: string
  name: string
  address: string
  at: number
}

/**
 * How a known peer is doing:
 * - connected;
 * - connecting: a dial is under way;
 * - retrying: not connected, next try at `nextAttemptAt` (the node's own reconnection, or the app's redial, which
 *   never ends);
 * - closed-by-peer: the peer closed the link on purpose; not redialled until this node restarts or you reconnect;
 * - identity-changed: the node at that address proved another key than the one known (a new key, or an impostor);
 *   not redialled until this node restarts or you reconnect;
 * - disconnected: you disconnected it (remembered): not redialled until you connect again;
 * - idle: this node does not run.
 */
export type KnownPeerStatus =
  'connected' | 'connecting' | 'retrying' | 'closed-by-peer' | 'identity-changed' | 'disconnected' | 'idle'

export interface KnownPeerSnapshot {
  /** What is dialled: 'ip:port', '[v6]:port' or 'host:port' (a host name is looked up at every dial). */
  address: string
  /** The name it gave the last time it was connected (null before the first link). */
  name: string | null
  peerId: string | null
  status: KnownPeerStatus
  /** Redial attempts since it went away (0 when connected). */
  attempt: number
  /** Epoch ms of the next try while retrying, else null. */
  nextAttemptAt: number | null
  /** Why the last try failed, in words. */
  lastError: string | null
  /** Epoch ms of the last time it was connected (still connected: now), null if never. */
  lastSeenAt: number | null
  addedAt: number
}

export interface ReachableAddress {
  /** 'ip:port' or '[v6]:port', ready to copy into another node's connect box. */
  address: string
  ip: string
  /** The interface that holds it ('eth0', 'lo'), or '' when not known. */
  interface: string
  family: 4 | 6
  /** Loopback: only programs on this machine can use it. */
  loopback: boolean
}

/** Options that a running node only takes at its next start. */
export type RestartOption =
  | 'ip'
  | 'port'
  | 'ttl'
  | 'root'
  | 'paired'
  | 'maxConnections'
  | 'reconnections'
  | 'keepAlive'
  | 'messagePropagation'
  | 'messagesPoolMaxSize'
  | 'trust'
  | 'insecure'

export interface DiscoveryProgress {
  running: boolean
  onPair: OnPair
  startedAt: number
  topics: {
    topic: string
    state: 'searching' | 'paired' | 'first-of-topic' | 'no-partner' | 'timeout'
    partner: string | null
  }[]
}

export type OnPair = 'none' | 'disconnect'

export type HostEventKind =
  | 'node-started'
  | 'node-stopped'
  | 'node-failed'
  | 'edge-added'
  | 'edge-removed'
  | 'paired'
  | 'unpaired'
  | 'reconnecting'
  | 'reconnect-gave-up'
  | 'discovery-started'
  | 'discovery-concluded'
  | 'protocol-error'
  | 'lan-peer-seen'
  | 'lan-peer-lost'
  /** A peer did not prove the identity expected (a changed key, an impostor, a relay in the middle). */
  | 'identity-changed'
  /** A connection refused for security (plaintext, a failed TLS handshake). */
  | 'peer-refused'
  /** A peer waits for the person to accept or reject it (policy approve), or stopped waiting. */
  | 'peer-pending'
  /** The person accepted, rejected or revoked a peer. */
  | 'trust-changed'

/** A piece of an event line: the app's own words, or text from the network (shown escaped and isolated). */
export interface TextPart {
  text: string
  untrusted?: true
}

export interface HostEvent {
  seq: number
  at: number
  nodeId: string
  kind: HostEventKind
  /** One line for the event log, as received (filtering, search); show it through `parts`. */
  text: string
  /** The same line in pieces, so names and reasons from peers are rendered isolated and escaped. */
  parts: TextPart[]
  /** The peer the event is about, when there is one. */
  peerId?: string
  /** This event updates an earlier row (the seq given), which leaves the log: reconnect attempts fold into one. */
  replaces?: number
  /**
   * How many times this has happened, when it repeats into one row (a changed identity: one row per peer and
   * offending key, `at` the last time); absent for a single occurrence.
   */
  count?: number
  /** When the first of those `count` occurrences happened. */
  firstAt?: number
}

export interface ReceivedMessage {
  seq: number
  at: number
  nodeId: string
  topic: string
  fromName: string
  fromAddress: string
  /** The data as text (JSON for structured data), truncated for display. */
  preview: string
}

export type GraphNodeKind = 'local' | 'peer' | 'lan'

export interface GraphNodeModel {
  id: string
  label: string
  kind: GraphNodeKind
  address: string | null
  topics: string[]
  paired: boolean
}

export interface GraphLinkModel {
  source: string
  target: string
  /** One-way latency estimate in ms, when known. */
  latencyMs: number | null
  /** An edge's state, or 'heard': the peer is heard on the LAN but not connected (drawn dashed). */
  state: EdgeState | 'heard'
  /** Encrypted and authenticated (TLS); false: plaintext; null or absent: not linked right now. */
  secure?: boolean | null
}

export interface GraphModelSnapshot {
  nodes: GraphNodeModel[]
  links: GraphLinkModel[]
}

export interface Preferences {
  theme: 'system' | 'light' | 'dark'
  /** Most recent first. */
  recentAddresses: string[]
}

/** Something the user must know that is not tied to an action (e.g. settings were unreadable). */
export interface AppNotice {
  id: string
  level: 'info' | 'warning' | 'error'
  text: string
}

/** What a new node gets when the person leaves a field empty (decided by the host: it knows the machine). */
export interface NewNodeDefaults {
  /** The address new nodes listen on: every interface, or the one address CHASKI_LAN_INTERFACES allows. */
  ip: string
  /** The range new nodes take their port from (the first free one). */
  ports: { first: number; last: number }
}

export interface AppState {
  nodes: NodeSnapshot[]
  newNodeDefaults: NewNodeDefaults
  graph: GraphModelSnapshot
  events: HostEvent[]
  messages: ReceivedMessage[]
  preferences: Preferences
  notices: AppNotice[]
}

/** Pushed to the renderer at most 10 times a second; carries only what changed since the previous update. */
export interface AppUpdate {
  seq: number
  /** Snapshots of the nodes that changed (whole node). */
  nodes: NodeSnapshot[]
  removedNodeIds: string[]
  /** The whole graph model when it changed, else null. */
  graph: GraphModelSnapshot | null
  /** Events and messages since the previous update, oldest first. */
  events: HostEvent[]
  messages: ReceivedMessage[]
  preferences: Preferences | null
  notices: AppNotice[] | null
}
