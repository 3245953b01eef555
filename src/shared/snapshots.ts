// The state the UI sees: plain, serialisable data built in main (src/main/host) and pushed to the renderer.
// Declared once here for main, preload and renderer.

/** Options of a local node as the user sets them (and as they are saved). */
export interface NodeConfig {
  /** Stable node id: kept across restarts so peers and LAN tables recognise the node. */
  id: string
  name: string
  ip: string
  /** 0: a free port chosen by the OS. */
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
  /** One-way latency estimate in ms (half the round trip, Gaussian-smoothed: spec §6); null before a ping. */
  latencyMs: number | null
  /** Standard deviation of that estimate, in ms. */
  jitterMs: number | null
  /** Last raw round trip in ms. */
  lastRttMs: number | null
  /** Recent raw round trips in ms, oldest first (at most 60). */
  rttSamples: number[]
  paired: boolean
  state: EdgeState
  /** Epoch ms of the last state change. */
  since: number
  /** Reconnection attempt number while reconnecting (or the attempts made, once given up); 0 when connected. */
  attempt: number
  /** How many attempts the node makes before it gives up (its `reconnections` option); 0 when connected. */
  maxAttempts: number
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
  id: string
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
  /** Peers recently disconnected or lost, newest first: one click reconnects them. */
  recentPeers: { peerId: string; name: string; address: string; at: number }[]
}

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

export interface AppState {
  nodes: NodeSnapshot[]
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
