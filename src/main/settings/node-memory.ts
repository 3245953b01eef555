// What a node remembers of its network across restarts, saved beside its options in the settings file: the peers
// the person connected to (known peers, redialled at start), the Recent peers list, and the devices heard on the
// LAN. Most of it came from peers (names, ids, topics), so:
// - before saving, every text is clipped to the bounds of src/shared/limits.ts (fitNodeMemory), so whatever a peer
//   sent, the file always loads again;
// - on load, each entry is checked on its own and a bad one is dropped (parseNodeMemory): a hand-edited or damaged
//   entry costs that entry, never the node or the whole settings file.
import * as v from 'valibot'
import { LIMITS } from '../../shared/limits'
import type {
  LanPeerSnapshot,
  RecentPeer,
  RevokedPeerSnapshot,
  TrustedPeerSnapshot
} from '../../shared/snapshots'

/** A known peer as saved (its live status is not saved: it is found again at start). */
export interface SavedKnownPeer {
  /** What to dial: 'ip:port', '[v6]:port' or 'host:port'. */
  address: string
  name: string | null
  peerId: string | null
  /** false: the person disconnected it; it stays listed, and is not redialled until they connect it again. */
  keep: boolean
  addedAt: number
  lastSeenAt: number | null
}

/** The keys a node trusts and the peers it refuses (issue #13), as saved. */
export interface SavedTrust {
  trusted: TrustedPeerSnapshot[]
  revoked: RevokedPeerSnapshot[]
}

export interface NodeMemory {
  knownPeers: SavedKnownPeer[]
  recentPeers: RecentPeer[]
  lanDevices: LanPeerSnapshot[]
  trust: SavedTrust
}

export function emptyNodeMemory(): NodeMemory {
  return { knownPeers: [], recentPeers: [], lanDevices: [], trust: { trusted: [], revoked: [] } }
}

const Time = v.pipe(v.number(), v.integer(), v.minValue(0))
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max))
const Port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535))

const KnownPeerSchema = v.object({
  address: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.addressLength)),
  name: v.nullable(Text(LIMITS.peerNameLength)),
  peerId: v.nullable(Text(LIMITS.peerIdLength)),
  keep: v.boolean(),
  addedAt: Time,
  lastSeenAt: v.nullable(Time)
})

const RecentPeerSchema = v.object({
  peerId: Text(LIMITS.peerIdLength),
  name: Text(LIMITS.peerNameLength),
  address: Text(LIMITS.addressLength),
  at: Time
})

const LanDeviceSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.peerIdLength)),
  name: Text(LIMITS.peerNameLength),
  ip: Text(LIMITS.ipLength),
  port: Port,
  address: Text(LIMITS.addressLength),
  subscriptions: v.pipe(v.array(Text(LIMITS.peerNameLength)), v.maxLength(LIMITS.peerTopicsSaved)),
  paired: v.boolean(),
  firstSeen: Time,
  lastSeen: Time,
  interface: Text(LIMITS.interfaceNameLength),
  connected: v.boolean(),
  online: v.boolean()
})

const TrustedPeerSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.peerIdLength)),
  name: Text(LIMITS.peerNameLength),
  address: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.addressLength)),
  firstSeen: Time,
  lastSeen: Time
})

const RevokedPeerSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.peerIdLength)),
  name: Text(LIMITS.peerNameLength),
  at: Time
})

/** The entries of `raw[key]` that are valid, at most `max` of them (the first ones: lists are kept newest first). */
function validEntries<T>(raw: unknown, key: string, schema: v.GenericSchema<unknown, T>, max: number): T[] {
  const list = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined
  if (!Array.isArray(list)) return []
  const out: T[] = []
  for (const item of list.slice(0, max * 4)) {
    const parsed = v.safeParse(schema, item)
    if (parsed.success) out.push(parsed.output)
    if (out.length >= max) break
  }
  return out
}

/** A node's memory from the settings file: whatever is valid of it (missing or broken parts are empty). */
export function parseNodeMemory(raw: unknown): NodeMemory {
  const knownPeers = validEntries(raw, 'knownPeers', KnownPeerSchema, LIMITS.knownPeersPerNode)
  const seen = new Set<string>()
  const trust =
    typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['trust'] : undefined
  return {
    trust: {
      trusted: validEntries(trust, 'trusted', TrustedPeerSchema, LIMITS.trustedPeersPerNode),
      revoked: validEntries(trust, 'revoked', RevokedPeerSchema, LIMITS.revokedPeersPerNode)
    },
    knownPeers: knownPeers.filter((p) => !seen.has(p.address) && seen.add(p.address)),
    recentPeers: validEntries(raw, 'recentPeers', RecentPeerSchema, LIMITS.recentPeersPerNode),
    lanDevices: validEntries(raw, 'lanDevices', LanDeviceSchema, LIMITS.lanDevicesPerNode).map((d) => ({
      ...d,
      online: false,
      connected: false
    }))
  }
}

/** Cuts text to at most `max` UTF-16 units without splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max
  return text.slice(0, end)
}

/** The memory as it is saved: bounded in entries and in the length of every text a peer sent. */
export function fitNodeMemory(memory: NodeMemory): NodeMemory {
  const name = (text: string) => clip(text, LIMITS.peerNameLength)
  const id = (text: string) => clip(text, LIMITS.peerIdLength)
  const time = (at: number) => Math.max(0, Math.round(at))
  return {
    trust: {
      trusted: memory.trust.trusted
        .filter((p) => p.id.length > 0 && p.address.length > 0)
        .slice(0, LIMITS.trustedPeersPerNode)
        .map((p) => ({
          id: id(p.id),
          name: name(p.name),
          address: clip(p.address, LIMITS.addressLength),
          firstSeen: time(p.firstSeen),
          lastSeen: time(p.lastSeen)
        })),
      revoked: memory.trust.revoked
        .filter((p) => p.id.length > 0)
        .slice(0, LIMITS.revokedPeersPerNode)
        .map((p) => ({
          id: id(p.id),
          name: name(p.name),
          at: time(p.at)
        }))
    },
    knownPeers: memory.knownPeers.slice(0, LIMITS.knownPeersPerNode).map((p) => ({
      address: p.address,
      name: p.name === null ? null : name(p.name),
      peerId: p.peerId === null ? null : id(p.peerId),
      keep: p.keep,
      addedAt: Math.max(0, Math.round(p.addedAt)),
      lastSeenAt: p.lastSeenAt === null ? null : Math.max(0, Math.round(p.lastSeenAt))
    })),
    recentPeers: memory.recentPeers.slice(0, LIMITS.recentPeersPerNode).map((p) => ({
      peerId: id(p.peerId),
      name: name(p.name),
      address: clip(p.address, LIMITS.addressLength),
      at: Math.max(0, Math.round(p.at))
    })),
    lanDevices: memory.lanDevices
      .filter((d) => d.id.length > 0)
      .slice(0, LIMITS.lanDevicesPerNode)
      .map((d) => ({
        id: id(d.id),
        name: name(d.name),
        ip: clip(d.ip, LIMITS.ipLength),
        port: d.port,
        address: clip(d.address, LIMITS.addressLength),
        subscriptions: d.subscriptions.slice(0, LIMITS.peerTopicsSaved).map(name),
        paired: d.paired,
        firstSeen: Math.max(0, Math.round(d.firstSeen)),
        lastSeen: Math.max(0, Math.round(d.lastSeen)),
        interface: clip(d.interface, LIMITS.interfaceNameLength),
        connected: false,
        online: false
      }))
  }
}
