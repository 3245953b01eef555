// Snapshots for the renderer's unit tests: plain data shaped like what the host sends.
import type { EdgeSnapshot, HostEvent, NodeSnapshot, ReceivedMessage } from '../../../src/shared/snapshots'
import type { MapLink, MapNode } from '../../../src/shared/network-map'

export function edge(patch: Partial<EdgeSnapshot> & { peerId: string }): EdgeSnapshot {
  return {
    name: patch.peerId,
    ip: '127.0.0.1',
    port: 9000,
    address: '127.0.0.1:9000',
    subscriptions: [],
    latencyMs: null,
    latencyUncertaintyMs: null,
    lastRttMs: null,
    rttSamples: [],
    roundTrips: null,
    paired: false,
    state: 'connected',
    since: 0,
    attempt: 0,
    maxAttempts: 0,
    secure: true,
    ...patch
  }
}

export function node(
  patch: Partial<NodeSnapshot> & { id: string },
  subscriptions: string[] = []
): NodeSnapshot {
  return {
    config: {
      id: patch.id,
      name: patch.id,
      ip: '127.0.0.1',
      port: 0,
      subscriptions,
      ttl: 64,
      root: false,
      paired: false,
      maxConnections: 5,
      reconnections: 32,
      keepAlive: true,
      messagePropagation: false,
      messagesPoolMaxSize: 128,
      lan: { enabled: false, autoConnect: false, interfaces: [] },
      autoStart: true,
      trust: 'tofu',
      insecure: false
    },
    state: 'serving',
    since: 0,
    error: null,
    port: 9000,
    address: '127.0.0.1:9000',
    pairedTopics: {},
    paired: false,
    edges: [],
    lan: { enabled: false, autoConnect: false, active: false, peers: [] },
    discovery: null,
    recentPeers: [],
    knownPeers: [],
    reachableAt: [],
    portInUse: null,
    trust: { policy: 'tofu', insecure: false, pending: [], trusted: [], revoked: [] },
    pendingRestart: [],
    ...patch
  }
}

export function event(seq: number, nodeId: string, kind: HostEvent['kind'] = 'edge-added'): HostEvent {
  const text = `${kind} ${seq}`
  return { seq, at: seq * 1000, nodeId, kind, text, parts: [{ text }] }
}

export function message(seq: number, nodeId: string, topic: string): ReceivedMessage {
  return { seq, at: seq, nodeId, topic, fromName: 'peer', fromAddress: '127.0.0.1:1', preview: `m${seq}` }
}

/** A node of a whole-network map (src/shared/network-map.ts), learned from adverts unless `patch` says otherwise. */
export function mapNode(id: string, hops: number | null, patch: Partial<MapNode> = {}): MapNode {
  return {
    id,
    name: id,
    ip: '127.0.0.1',
    port: 1,
    known: 'learned',
    hops,
    ageMs: 0,
    advertised: true,
    coordinate: null,
    more: 0,
    topics: [],
    topicsMore: 0,
    ...patch
  }
}

/** A link of a whole-network map, up and with a round trip of 1 ms from both ends unless `patch` says otherwise. */
export function mapLink(a: string, b: string, patch: Partial<MapLink> = {}): MapLink {
  return { a, b, confirmed: true, rttByA: 1, rttByB: 1, jitterMs: null, state: 'up', ...patch }
}
