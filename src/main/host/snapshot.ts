// Builds the serialisable snapshots the UI sees from live ChaskiNode objects. Pure reads, no side effects.
import type { EdgeSnapshot, GraphModelSnapshot, LanPeerSnapshot, NodeSnapshot } from '../../shared/snapshots'
import { roundTripStats } from '../../shared/round-trips'
import { formatAddress, type ChaskiNode, type Edge } from '../chaski/index'

export function edgeSnapshot(edge: Edge): EdgeSnapshot {
  const samples = edge.rttSamples
  return {
    peerId: edge.id,
    name: edge.name,
    ip: edge.ip,
    port: edge.port,
    address: edge.address,
    subscriptions: [...edge.subscriptions],
    latencyMs: edge.latency,
    latencyUncertaintyMs: edge.jitter,
    lastRttMs: edge.lastRtt,
    rttSamples: samples,
    roundTrips: roundTripStats(samples),
    paired: edge.paired,
    state: 'connected',
    since: edge.connectedAt,
    attempt: 0,
    maxAttempts: 0,
    secure: edge.secure
  }
}

/** A peer we are not connected to but still show: reconnecting (attempt n) or given up. */
export function unconnectedEdge(
  peer: { peerId: string; name: string; ip: string; port: number },
  state: 'reconnecting' | 'gave-up',
  since: number,
  attempt: number,
  maxAttempts: number
): EdgeSnapshot {
  return {
    peerId: peer.peerId,
    name: peer.name,
    ip: peer.ip,
    port: peer.port,
    address: formatAddress(peer.ip, peer.port),
    subscriptions: [],
    latencyMs: null,
    latencyUncertaintyMs: null,
    lastRttMs: null,
    rttSamples: [],
    roundTrips: null,
    paired: false,
    state,
    since,
    attempt,
    maxAttempts,
    secure: null
  }
}

/** Edges that are retrying or gave up: still shown to the user, with their state and since when. */
export function retryingEdges(node: ChaskiNode, gaveUp: Iterable<EdgeSnapshot>): EdgeSnapshot[] {
  const list = node.reconnects.map((peer) =>
    unconnectedEdge(peer, 'reconnecting', peer.since, peer.attempt, peer.maxAttempts)
  )
  return [...list, ...gaveUp]
}

export function lanPeerSnapshots(node: ChaskiNode): LanPeerSnapshot[] {
  const peers = (node as { lanPeers?: ReadonlyMap<string, LanPeerLike> }).lanPeers
  if (!peers) return []
  return [...peers.values()].map((p) => ({
    id: p.id,
    name: p.name,
    ip: p.ip,
    port: p.port,
    address: formatAddress(p.ip, p.port),
    subscriptions: [...p.subscriptions],
    paired: p.paired,
    firstSeen: p.firstSeen,
    lastSeen: p.lastSeen,
    interface: p.interface,
    connected: p.connected,
    online: true
  }))
}

/** The shape of a LAN peer entry (src/main/chaski/lan). */
export interface LanPeerLike {
  id: string
  name: string
  ip: string
  port: number
  subscriptions: Iterable<string>
  paired: boolean
  firstSeen: number
  lastSeen: number
  interface: string
  connected: boolean
}

/** The network as the graph shows it: local nodes, their peers, and LAN peers not connected yet. */
export function graphModel(nodes: NodeSnapshot[]): GraphModelSnapshot {
  const graphNodes = new Map<string, GraphModelSnapshot['nodes'][number]>()
  const links = new Map<string, GraphModelSnapshot['links'][number]>()
  // Peers know a local node by its key's id; the graph by the host's id: a link between two local nodes joins them.
  const localIds = new Map<string, string>()
  for (const n of nodes) if (n.nodeId !== undefined) localIds.set(n.nodeId, n.id)
  const graphId = (peerId: string): string => localIds.get(peerId) ?? peerId
  for (const n of nodes) {
    graphNodes.set(n.id, {
      id: n.id,
      label: n.config.name,
      kind: 'local',
      address: n.address,
      topics: n.config.subscriptions,
      paired: n.paired
    })
  }
  for (const n of nodes) {
    for (const e of n.edges) {
      const peerId = graphId(e.peerId)
      if (!graphNodes.has(peerId)) {
        graphNodes.set(peerId, {
          id: peerId,
          label: e.name,
          kind: 'peer',
          address: e.address,
          topics: e.subscriptions,
          paired: e.paired
        })
      }
      // One link per pair of nodes, whichever side reports it; keep the known latency.
      const key = n.id < peerId ? `${n.id}|${peerId}` : `${peerId}|${n.id}`
      const existing = links.get(key)
      if (
        !existing ||
        (existing.latencyMs === null && e.latencyMs !== null) ||
        existing.state !== 'connected'
      ) {
        links.set(key, {
          source: n.id,
          target: peerId,
          latencyMs: e.latencyMs,
          state: e.state,
          secure: e.secure
        })
      }
    }
  }
  for (const n of nodes) {
    // Only devices heard right now: the LAN list also keeps offline ones.
    for (const p of n.lan.peers) {
      if (!p.online) continue
      const peerId = graphId(p.id)
      if (!graphNodes.has(peerId)) {
        graphNodes.set(peerId, {
          id: peerId,
          label: p.name,
          kind: 'lan',
          address: p.address,
          topics: p.subscriptions,
          paired: p.paired
        })
      }
      // A peer we hear but are not connected to: a dashed 'heard' link, unless an edge already joins the two.
      const key = n.id < peerId ? `${n.id}|${peerId}` : `${peerId}|${n.id}`
      if (!links.has(key))
        links.set(key, { source: n.id, target: peerId, latencyMs: null, state: 'heard', secure: null })
    }
  }
  return { nodes: [...graphNodes.values()], links: [...links.values()] }
}
