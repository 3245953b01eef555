// Synthetic networks for the dashboard graph bench and browser tests: a seeded, reproducible GraphModelSnapshot
// (local nodes, peers, LAN peers not connected) and an AppState around it whose local nodes have matching edges,
// so the whole dashboard renders it as it would a real host's state.
import { roundTripStats } from '../src/shared/round-trips'
import type {
  AppState,
  EdgeSnapshot,
  EdgeState,
  GraphLinkModel,
  GraphModelSnapshot,
  GraphNodeModel,
  NodeSnapshot
} from '../src/shared/snapshots'

export interface SyntheticGraphOptions {
  nodes: number
  links: number
  /** How many of the nodes are local (drawn bigger, listed in the sidebar). */
  locals?: number
  /** How many are LAN peers heard but not connected (no links). */
  lanPeers?: number
  topics?: string[]
  seed?: number
}

/** mulberry32: small, fast, good enough for layouts and latencies. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A one-way latency spread over every class the graph draws (log-uniform 0.05 ms .. 400 ms). */
export function syntheticLatency(random: () => number): number {
  return Math.round(Math.exp(Math.log(0.05) + random() * (Math.log(400) - Math.log(0.05))) * 1000) / 1000
}

export function syntheticGraph(options: SyntheticGraphOptions): GraphModelSnapshot {
  const random = seededRandom(options.seed ?? 1)
  const locals = options.locals ?? Math.max(1, Math.round(options.nodes / 10))
  const lanPeers = options.lanPeers ?? Math.round(options.nodes / 25)
  const topics = options.topics ?? ['A', 'B', 'C', 'D', 'E', 'F']
  const nodes: GraphNodeModel[] = []
  for (let i = 0; i < options.nodes; i++) {
    const kind = i < locals ? 'local' : i >= options.nodes - lanPeers ? 'lan' : 'peer'
    const count = 1 + Math.floor(random() * random() * 3)
    const own = [
      ...new Set(Array.from({ length: count }, () => topics[Math.floor(random() * topics.length)]))
    ]
    nodes.push({
      id: `${kind}-${i}`,
      label: kind === 'local' ? `Local${i}` : kind === 'lan' ? `Lan${i}` : `Peer${i}`,
      kind,
      address: `127.0.0.1:${20000 + i}`,
      topics: own,
      paired: random() < 0.15
    })
  }
  const linkable = nodes.filter((n) => n.kind !== 'lan')
  const localNodes = nodes.filter((n) => n.kind === 'local')
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]
  const links = new Map<string, GraphLinkModel>()
  const add = (a: GraphNodeModel, b: GraphNodeModel): void => {
    if (a.id === b.id) return
    const key = a.id < b.id ? `${a.id}|${b.id}` : `${b.id}|${a.id}`
    if (links.has(key)) return
    const roll = random()
    const state: EdgeState = roll < 0.02 ? 'gave-up' : roll < 0.05 ? 'reconnecting' : 'connected'
    links.set(key, {
      source: a.id,
      target: b.id,
      latencyMs: random() < 0.05 ? null : syntheticLatency(random),
      state
    })
  }
  // As the host sees a network: every link has a local node at one end (it only knows its own nodes' edges).
  // First every node gets one link (locals chain up, each peer hangs off a random local), then random extras.
  for (let i = 1; i < linkable.length && links.size < options.links; i++) {
    add(linkable[i], i < localNodes.length ? localNodes[Math.floor(random() * i)] : pick(localNodes))
  }
  for (let guard = 0; links.size < options.links && guard < options.links * 20; guard++) {
    add(pick(localNodes), pick(linkable))
  }
  return { nodes, links: [...links.values()] }
}

/** An AppState whose local nodes and their edges match `graph` (what the host's graphModel would have built). */
export function syntheticAppState(graph: GraphModelSnapshot): AppState {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]))
  const now = Date.now()
  const nodes: NodeSnapshot[] = graph.nodes
    .filter((n) => n.kind === 'local')
    .map((n) => {
      const edges: EdgeSnapshot[] = graph.links
        .filter(
          (l): l is GraphLinkModel & { state: EdgeState } =>
            (l.source === n.id || l.target === n.id) && l.state !== 'heard'
        )
        .map((l) => {
          const peer = byId.get(l.source === n.id ? l.target : l.source)!
          const rtt = l.latencyMs === null ? null : l.latencyMs * 2
          return {
            peerId: peer.id,
            name: peer.label,
            ip: '127.0.0.1',
            port: Number(peer.address?.split(':')[1] ?? 0),
            address: peer.address ?? '',
            subscriptions: peer.topics,
            latencyMs: l.latencyMs,
            latencyUncertaintyMs: l.latencyMs === null ? null : l.latencyMs / 10,
            lastRttMs: rtt,
            rttSamples: rtt === null ? [] : [rtt * 0.9, rtt * 1.1, rtt],
            roundTrips: rtt === null ? null : roundTripStats([rtt * 0.9, rtt * 1.1, rtt]),
            paired: peer.paired,
            state: l.state,
            since: now,
            attempt: l.state === 'reconnecting' ? 1 : 0,
            maxAttempts: l.state === 'reconnecting' ? 32 : 0,
            secure: l.state === 'connected' ? true : null
          }
        })
      const [ip, port] = (n.address ?? '127.0.0.1:0').split(':')
      return {
        id: n.id,
        config: {
          id: n.id,
          name: n.label,
          ip,
          port: Number(port),
          subscriptions: n.topics,
          ttl: 5,
          root: false,
          paired: false,
          maxConnections: 1000,
          reconnections: 3,
          keepAlive: true,
          messagePropagation: true,
          messagesPoolMaxSize: 1000,
          lan: { enabled: true, autoConnect: false, interfaces: [] },
          autoStart: false,
          trust: 'tofu',
          insecure: false
        },
        state: 'serving',
        since: now,
        error: null,
        port: Number(port),
        address: n.address,
        pairedTopics: Object.fromEntries(n.topics.map((t) => [t, n.paired])),
        paired: n.paired,
        edges,
        lan: { enabled: true, autoConnect: false, active: true, peers: [] },
        discovery: null,
        recentPeers: [],
        knownPeers: [],
        reachableAt: [],
        portInUse: null,
        pendingRestart: [],
        trust: { policy: 'tofu', insecure: false, pending: [], trusted: [], revoked: [] }
      }
    })
  return {
    nodes,
    graph,
    events: [],
    messages: [],
    preferences: { theme: 'system', recentAddresses: [] },
    notices: [],
    newNodeDefaults: { ip: '127.0.0.1', ports: { first: 8511, last: 8767 } }
  }
}
