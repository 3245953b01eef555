// Constructor options: validated and normalised once, with a clear InvalidOptionError per mistake (spec §1).
import { KeyObject, randomUUID } from 'node:crypto'
import { isIP } from 'node:net'
import type { Clock } from './clock'
import type { Codec, Deserializer, Serializer } from './codec'
import { createCodec } from './codec'
import {
  CONTROL_TOPIC,
  ROOT_TOPIC,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DISCOVERY_HOP_WAIT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_PENDING_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_INTERVAL_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_EDGES,
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_MESSAGES_POOL_MAX_SIZE,
  DEFAULT_PING_TIMEOUT_MS,
  DEFAULT_RECONNECT_BASE_MS,
  DEFAULT_RECONNECT_CAP_MS,
  DEFAULT_RECONNECTIONS,
  DEFAULT_STATUS_TIMEOUT_MS,
  DEFAULT_TTL,
  MAX_ID_LENGTH,
  MAX_NAME_BYTES,
  MAX_SUBSCRIPTIONS,
  MAX_TOPIC_BYTES
} from './constants'
import { InvalidOptionError } from './errors'
// LAN discovery lives in ./lan; ChaskiNode starts it when `lan` is set (see lan/node-lan.ts).
import { normalizeLanOptions, type LanOptions } from './lan/options'
import { RANGES } from '../../shared/limits'
import { normalizeAdvertOptions, type AdvertOptions } from './map/options'
import { generateNodeKey, isNodeKeyType, type NodeKey } from './security/node-key'
import { isNetworkKeySet, type NetworkKeySet } from './security/network-key'
import { TRUST_POLICIES, type TrustedPeer, type TrustPolicy } from './trust'

export type { LanOptions }

export interface ChaskiNodeOptions {
  /** Address the TCP server and UDP socket bind to (IPv4 or IPv6). @default '127.0.0.1' */
  ip?: string
  /** 0: any free port (root nodes try 8511–8516 first). TCP and UDP share the number. @default 0 */
  port?: number
  /** Display name; protocol logic uses `id`. @default the node id */
  name?: string
  /** Topics (a string or a list). @default [] */
  subscriptions?: string | Iterable<string>
  /** Encodes a frame body; default msgpack (msgpackr). */
  serializer?: Serializer
  /** Decodes a frame body; default msgpack (msgpackr). */
  deserializer?: Deserializer
  /** Start listening at once. @default true */
  run?: boolean
  /** Hop limit of discovery and propagated messages. @default 64 */
  ttl?: number
  /** Root node: subscribes '@', counts as paired, receives every topic. @default false */
  root?: boolean
  /** Start paired for every subscription. @default false */
  paired?: boolean
  /** Edges sharing a topic a paired node accepts when answering discovery. @default 5 */
  maxConnections?: number
  /**
   * Edges this node keeps at once, whatever they share (docs/PROTOCOL.md §10): a new peer beyond it is refused
   * with `close {reason: 'too-many-edges'}`, and connect() rejects. @default 256
   */
  maxEdges?: number
  /** Reconnection attempts after an unexpected loss; 0 or null disables. @default 32 */
  reconnections?: number | null
  /** Periodic ping of every edge. @default true */
  keepAlive?: boolean
  /** Forward topic messages to other subscribers (TTL + duplicate pool). @default false */
  messagePropagation?: boolean
  /** Size of the pool of recent message ids used to drop duplicates. @default 128 */
  messagesPoolMaxSize?: number
  /** LAN discovery: multicast beacons + `lanPeers` (+ autoConnect). `true` for all defaults. @default false */
  lan?: boolean | LanOptions
  /** Neighbour adverts (docs/PROTOCOL.md §12): `false` sends none (others' are still stored and forwarded). @default true */
  adverts?: boolean | Partial<AdvertOptions>

  /**
   * Secure links (protocol version 2, docs/PROTOCOL.md "Secure links"): TLS 1.3 with the node key, the peer's claimed
   * id checked against the key it proves. false: protocol version 1, plaintext and unauthenticated (simulations, tests
   * speaking raw frames, version 1 peers), with a random UUID id. @default true
   */
  secure?: boolean
  /**
   * A secure node that also links with plaintext (version 1) peers: it accepts their connections and falls back to
   * plaintext when a dialled peer does not speak TLS. Off by default; show it as a warning wherever it is on.
   * @default false
   */
  insecure?: boolean
  /** The node's identity key (security/node-key.ts); its id is the key's. @default a new key (a new id) */
  key?: NodeKey
  /**
   * Which keys it links with (trust.ts): 'open' any; 'tofu' pins the first key seen at a peer's address and refuses
   * another one there later ('identity-changed'); 'approve' holds a peer whose key the user has not accepted as
   * pending (node.pendingPeers(), acceptPeer, rejectPeer) with a comparison code both sides show. @default 'open'
   */
  trust?: TrustPolicy
  /** Pins to start with (what `node.trustedPeers` listed before: the host saves them); under approve, accepted ids. */
  trustedPeers?: TrustedPeer[]
  /**
   * A network key (security/network-key.ts, docs/PROTOCOL.md §3a "Network key"): the node links only with nodes that
   * prove on the link that they hold one of these keys, and its LAN beacons are authenticated with it (beacons
   * without a valid tag are ignored). Needs a secure node without `insecure`. Read one with
   * `security.loadNetworkKeyFile(file)`. @default none
   */
  networkKey?: NetworkKeySet

  // Advanced (tests and tools)
  /** Fixed node id (only with `secure: false`; a random UUID by default). */
  id?: string
  /** Mean keep-alive period; each round waits this × a random factor in [1, 1.5). @default 7000 */
  keepAliveIntervalMs?: number
  /** @default 5000 */
  connectTimeoutMs?: number
  /** @default 5000 */
  handshakeTimeoutMs?: number
  /** Policy approve: how long a pending peer waits for acceptPeer/rejectPeer (default 5 min; 1 s..1 h). */
  pendingTimeoutMs?: number
  /** Default ping timeout. @default 5000 */
  pingTimeoutMs?: number
  /** UDP status request timeout. @default 1000 */
  statusTimeoutMs?: number
  /** Largest accepted frame (topic + body). @default 4 MiB */
  maxFrameSize?: number
  /** Reconnection backoff base. @default 250 */
  reconnectBaseMs?: number
  /** Reconnection backoff cap. @default 30000 */
  reconnectCapMs?: number
  /** Upper bound of a forwarding hop's wait for discovery acks. @default 5000 */
  discoveryHopWaitMs?: number
  /**
   * The time every timing decision of the node reads (keep-alive rounds, ping, status, dial, handshake and discovery
   * timeouts, reconnection backoff, adverts, rate limits, LAN expiry): tests pass a clock they move by hand.
   * @default systemClock (performance.now(), Date.now(), Node's timers)
   */
  clock?: Clock
}

export interface NormalizedOptions {
  id: string
  secure: boolean
  insecure: boolean
  /** The identity key of a secure node, null when `secure` is false. */
  key: NodeKey | null
  trust: TrustPolicy
  trustedPeers: readonly TrustedPeer[]
  /** The network key(s) a peer must prove, null without a network key. */
  networkKey: NetworkKeySet | null
  ip: string
  port: number
  name: string
  subscriptions: string[]
  codec: Codec
  customCodec: boolean
  run: boolean
  ttl: number
  root: boolean
  paired: boolean
  maxConnections: number
  maxEdges: number
  reconnections: number
  keepAlive: boolean
  messagePropagation: boolean
  messagesPoolMaxSize: number
  lan: boolean | LanOptions
  adverts: AdvertOptions
  keepAliveIntervalMs: number
  connectTimeoutMs: number
  handshakeTimeoutMs: number
  pendingTimeoutMs: number
  pingTimeoutMs: number
  statusTimeoutMs: number
  maxFrameSize: number
  reconnectBaseMs: number
  reconnectCapMs: number
  discoveryHopWaitMs: number
}

/** The keys of NormalizedOptions in the order normalizeOptions() lists them (NodeOptions.flat() keeps it). */
export const OPTION_KEYS: readonly (keyof NormalizedOptions)[] = [
  'id',
  'secure',
  'insecure',
  'key',
  'trust',
  'trustedPeers',
  'networkKey',
  'ip',
  'port',
  'name',
  'subscriptions',
  'codec',
  'customCodec',
  'run',
  'ttl',
  'root',
  'paired',
  'maxConnections',
  'maxEdges',
  'reconnections',
  'keepAlive',
  'messagePropagation',
  'messagesPoolMaxSize',
  'lan',
  'adverts',
  'keepAliveIntervalMs',
  'connectTimeoutMs',
  'handshakeTimeoutMs',
  'pendingTimeoutMs',
  'pingTimeoutMs',
  'statusTimeoutMs',
  'maxFrameSize',
  'reconnectBaseMs',
  'reconnectCapMs',
  'discoveryHopWaitMs'
]

/** What a caller may pass: the normalised options, with the codec given as serializer/deserializer, and the clock. */
const KNOWN_OPTIONS: ReadonlySet<string> = new Set<string>([
  ...OPTION_KEYS.filter((key) => key !== 'codec' && key !== 'customCodec'),
  'serializer',
  'deserializer',
  'clock'
])

/** `trustedPeers` when none are given: one frozen list for every node, only read (the trust store copies it). */
const NO_TRUSTED_PEERS: readonly TrustedPeer[] = Object.freeze([])

function bad(message: string): never {
  throw new InvalidOptionError(message)
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(`option '${name}' must be an integer in ${min}..${max}, got ${describe(value)}`)
  }
  return value
}

/** An option whose range the app shares (src/shared/limits.ts RANGES: one range for library, UI, CLI, settings). */
function ranged(name: keyof typeof RANGES, value: unknown, fallback: number): number {
  return integer(name, value, fallback, RANGES[name].min, RANGES[name].max)
}

function isNodeKeyObject(value: unknown): value is NodeKey {
  const key = value as Partial<NodeKey> | null
  return (
    typeof key === 'object' &&
    key !== null &&
    key.privateKey instanceof KeyObject &&
    key.privateKey.type === 'private' &&
    isNodeKeyType(key.privateKey) &&
    typeof key.id === 'string'
  )
}

function boolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') bad(`option '${name}' must be a boolean, got ${describe(value)}`)
  return value
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  return typeof value
}

// Local copies: publish() validates its topic every time, and imported bindings are getters under tsx.
const TOPIC_LIMIT = MAX_TOPIC_BYTES
const CONTROL = CONTROL_TOPIC

/** Validates one topic name (subscribe, publish, options). */
export function validateTopic(topic: unknown, what = 'topic'): string {
  if (typeof topic !== 'string' || topic.length === 0)
    bad(`${what} must be a non-empty string, got ${describe(topic)}`)
  // A UTF-16 unit is at most 3 UTF-8 bytes: short topics need no byte count.
  if (topic.length * 3 > TOPIC_LIMIT && Buffer.byteLength(topic, 'utf8') > TOPIC_LIMIT)
    bad(`${what} '${topic}' is longer than ${TOPIC_LIMIT} bytes`)
  if (topic === CONTROL) bad(`${what} '${CONTROL}' is reserved for control frames`)
  return topic
}

/** A string or an iterable of strings → a de-duplicated list of valid topics. */
export function normalizeTopics(value: unknown, what = 'subscriptions'): string[] {
  if (value === undefined || value === null) return []
  const list: unknown[] =
    typeof value === 'string'
      ? [value]
      : isIterable(value)
        ? [...value]
        : bad(`option '${what}' must be a string or a list of strings, got ${describe(value)}`)
  if (list.length > MAX_SUBSCRIPTIONS) bad(`option '${what}' has more than ${MAX_SUBSCRIPTIONS} topics`)
  return [...new Set(list.map((topic) => validateTopic(topic, `a topic in '${what}'`)))]
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value
}

export function validateName(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0)
    bad(`option 'name' must be a non-empty string, got ${describe(value)}`)
  if (Buffer.byteLength(value, 'utf8') > MAX_NAME_BYTES)
    bad(`option 'name' is longer than ${MAX_NAME_BYTES} bytes`)
  return value
}

export function normalizeOptions(input: ChaskiNodeOptions = {}): NormalizedOptions {
  if (typeof input !== 'object' || input === null) bad('options must be an object')
  for (const key of Object.keys(input)) {
    if (!KNOWN_OPTIONS.has(key)) bad(`unknown option '${key}'`)
  }
  const ip = input.ip ?? '127.0.0.1'
  if (typeof ip !== 'string' || isIP(ip) === 0)
    bad(`option 'ip' must be an IPv4 or IPv6 address, got ${describe(ip)}`)
  const secure = boolean('secure', input.secure, true)
  const insecure = boolean('insecure', input.insecure, false)
  if (!secure && input.key !== undefined) bad("option 'key' needs a secure node (not secure: false)")
  if (secure && input.id !== undefined) {
    bad("option 'id' needs secure: false: a secure node's id is its key's (pass option 'key' to keep an id)")
  }
  if (input.key !== undefined && !isNodeKeyObject(input.key)) {
    bad("option 'key' must be a node key (loadOrCreateNodeKey, generateNodeKey)")
  }
  const key = secure ? (input.key ?? generateNodeKey()) : null
  const id = key?.id ?? input.id ?? randomUUID()
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    bad(`option 'id' must be a non-empty string of at most ${MAX_ID_LENGTH} characters`)
  }
  if (input.clock !== undefined && !isClock(input.clock))
    bad("option 'clock' must have now(), epochMs(), setTimeout() and clearTimeout() functions")
  if (input.serializer !== undefined && typeof input.serializer !== 'function')
    bad("option 'serializer' must be a function")
  if (input.deserializer !== undefined && typeof input.deserializer !== 'function') {
    bad("option 'deserializer' must be a function")
  }
  if ((input.serializer === undefined) !== (input.deserializer === undefined)) {
    bad("options 'serializer' and 'deserializer' must be given together")
  }
  const lan = input.lan ?? false
  try {
    normalizeLanOptions(lan) // validated here so a bad `lan` fails at construction like every other option
  } catch (error) {
    bad(`option 'lan': ${(error as Error).message}`)
  }
  const reconnections =
    input.reconnections === null ? 0 : ranged('reconnections', input.reconnections, DEFAULT_RECONNECTIONS)
  const reconnectBaseMs = integer(
    'reconnectBaseMs',
    input.reconnectBaseMs,
    DEFAULT_RECONNECT_BASE_MS,
    1,
    3_600_000
  )
  const reconnectCapMs = integer(
    'reconnectCapMs',
    input.reconnectCapMs,
    DEFAULT_RECONNECT_CAP_MS,
    1,
    86_400_000
  )
  if (reconnectCapMs < reconnectBaseMs) bad("option 'reconnectCapMs' must not be below 'reconnectBaseMs'")
  const root = boolean('root', input.root, false)
  const trust = input.trust ?? 'open'
  if (!TRUST_POLICIES.includes(trust)) bad(`option 'trust' must be one of ${TRUST_POLICIES.join(', ')}`)
  // A plaintext link proves no key, so there is nothing a person could approve.
  if (trust === 'approve' && !secure) bad("option trust 'approve' needs a secure node (not secure: false)")
  const trustedPeers = input.trustedPeers ?? NO_TRUSTED_PEERS
  if (
    !Array.isArray(trustedPeers) ||
    trustedPeers.some((p) => typeof p?.id !== 'string' || typeof p.address !== 'string')
  )
    bad("option 'trustedPeers' must be a list of {id, name, address, firstSeen, lastSeen}")
  const networkKey = input.networkKey ?? null
  if (networkKey !== null) {
    if (!isNetworkKeySet(networkKey)) {
      bad("option 'networkKey' must be a network key set (security.loadNetworkKeyFile, parseNetworkKeyText)")
    }
    // A plaintext link has no channel binding to prove the key over: a network key means secure links only.
    if (!secure) bad("option 'networkKey' needs a secure node (not secure: false)")
    if (insecure) {
      bad(
        "option 'networkKey' cannot be combined with 'insecure': a plaintext peer cannot prove the network key"
      )
    }
  }
  return {
    id,
    secure,
    insecure,
    key,
    trust,
    trustedPeers,
    networkKey,
    ip: ip.toLowerCase(),
    port: ranged('port', input.port, 0),
    name: input.name === undefined ? id : validateName(input.name),
    subscriptions: normalizeTopics(input.subscriptions),
    codec: createCodec(input.serializer, input.deserializer),
    customCodec: input.serializer !== undefined,
    run: boolean('run', input.run, true),
    ttl: ranged('ttl', input.ttl, DEFAULT_TTL),
    root,
    paired: boolean('paired', input.paired, false),
    maxConnections: ranged('maxConnections', input.maxConnections, DEFAULT_MAX_CONNECTIONS),
    maxEdges: integer('maxEdges', input.maxEdges, DEFAULT_MAX_EDGES, 1, 1_000_000),
    reconnections,
    keepAlive: boolean('keepAlive', input.keepAlive, true),
    messagePropagation: boolean('messagePropagation', input.messagePropagation, false),
    messagesPoolMaxSize: ranged(
      'messagesPoolMaxSize',
      input.messagesPoolMaxSize,
      DEFAULT_MESSAGES_POOL_MAX_SIZE
    ),
    lan,
    adverts: normalizeAdvertOptions(input.adverts),
    keepAliveIntervalMs: integer(
      'keepAliveIntervalMs',
      input.keepAliveIntervalMs,
      DEFAULT_KEEP_ALIVE_INTERVAL_MS,
      10,
      86_400_000
    ),
    connectTimeoutMs: integer(
      'connectTimeoutMs',
      input.connectTimeoutMs,
      DEFAULT_CONNECT_TIMEOUT_MS,
      1,
      600_000
    ),
    handshakeTimeoutMs: integer(
      'handshakeTimeoutMs',
      input.handshakeTimeoutMs,
      DEFAULT_HANDSHAKE_TIMEOUT_MS,
      1,
      600_000
    ),
    pendingTimeoutMs: ranged('pendingTimeoutMs', input.pendingTimeoutMs, DEFAULT_PENDING_TIMEOUT_MS),
    pingTimeoutMs: integer('pingTimeoutMs', input.pingTimeoutMs, DEFAULT_PING_TIMEOUT_MS, 1, 600_000),
    statusTimeoutMs: integer('statusTimeoutMs', input.statusTimeoutMs, DEFAULT_STATUS_TIMEOUT_MS, 1, 600_000),
    maxFrameSize: integer('maxFrameSize', input.maxFrameSize, DEFAULT_MAX_FRAME_SIZE, 1024, 0xffff_ffff),
    reconnectBaseMs,
    reconnectCapMs,
    discoveryHopWaitMs: integer(
      'discoveryHopWaitMs',
      input.discoveryHopWaitMs,
      DEFAULT_DISCOVERY_HOP_WAIT_MS,
      1,
      600_000
    )
  }
}

function isClock(value: unknown): value is Clock {
  if (typeof value !== 'object' || value === null) return false
  const clock = value as Record<string, unknown>
  return ['now', 'epochMs', 'setTimeout', 'clearTimeout'].every((name) => typeof clock[name] === 'function')
}

/** The options a node may share with other nodes (all but id, key and name). */
type ShareableOptions = Omit<NormalizedOptions, 'id' | 'key' | 'name'>

/** What a node's options share with other nodes': one object for nodes with equal values. */
interface SharedOptions extends ShareableOptions {
  /** The clock the node reads (option `clock`, or the system clock). */
  readonly clock: Clock
  /** The topics the node starts with: its subscriptions, and the root topic on a root node (never modified). */
  readonly startTopics: ReadonlySet<string>
}

/** The last shared options made: the next node with equal values takes them (a star of like nodes holds one). */
let lastShared: WeakRef<Readonly<SharedOptions>> | null = null

function sameCodec(a: Codec, b: Codec): boolean {
  return a === b || (a.encode === b.encode && a.decode === b.decode)
}

function sameAdverts(a: AdvertOptions, b: AdvertOptions): boolean {
  return (
    a.enabled === b.enabled &&
    a.intervalMs === b.intervalMs &&
    a.debounceMs === b.debounceMs &&
    a.ttl === b.ttl &&
    a.probeIntervalMs === b.probeIntervalMs
  )
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((topic, i) => topic === b[i])
}

/** Equal values (lists and objects a caller passed, such as `lan` or `trustedPeers`, by identity). */
function sameShared(a: Readonly<SharedOptions>, b: ShareableOptions, clock: Clock): boolean {
  if (a.clock !== clock) return false
  for (const key of OPTION_KEYS) {
    if (key === 'id' || key === 'key' || key === 'name') continue
    if (key === 'codec') {
      if (!sameCodec(a.codec, b.codec)) return false
    } else if (key === 'adverts') {
      if (!sameAdverts(a.adverts, b.adverts)) return false
    } else if (key === 'subscriptions') {
      if (!sameTopics(a.subscriptions, b.subscriptions)) return false
    } else if (a[key] !== b[key]) return false
  }
  return true
}

/** Shared options equal to `values`: the last ones made when equal, else new ones (frozen: nodes share them). */
function sharedOptions(values: ShareableOptions, clock: Clock): Readonly<SharedOptions> {
  const last = lastShared?.deref()
  if (last !== undefined && sameShared(last, values, clock)) return last
  const startTopics = new Set(values.subscriptions)
  if (values.root) startTopics.add(ROOT_TOPIC)
  const shared: SharedOptions = {
    ...values,
    subscriptions: Object.freeze([...values.subscriptions]) as string[],
    adverts: Object.freeze({ ...values.adverts }),
    startTopics,
    clock
  }
  Object.freeze(shared)
  lastShared = new WeakRef(shared)
  return shared
}

/**
 * A node's normalised options as it keeps them (issue #12, what a node keeps): its id, key and name, and the rest
 * in an object shared with every node whose values are equal (most nodes of a large network take the defaults).
 * Every option reads as a property, as on NormalizedOptions; flat() gives the plain object the public API returns.
 */
export class NodeOptions implements Readonly<NormalizedOptions> {
  private constructor(
    readonly id: string,
    readonly key: NodeKey | null,
    readonly name: string,
    /** What the node shares with like nodes (a plain property, not #private: the hot reads skip a brand check). */
    private readonly shared: Readonly<SharedOptions>
  ) {
    Object.freeze(this)
  }

  /** `options` as a node keeps them, with the clock the node reads. */
  static of(options: NormalizedOptions, clock: Clock): NodeOptions {
    const { id, key, name, ...rest } = options
    return new NodeOptions(id, key, name, sharedOptions(rest, clock))
  }

  /** The same options with another `lan` (setLan()). */
  withLan(lan: boolean | LanOptions): NodeOptions {
    const { startTopics: _, clock, ...values } = this.shared
    return new NodeOptions(this.id, this.key, this.name, sharedOptions({ ...values, lan }, clock))
  }

  /**
   * The topics the node starts with: its subscriptions, and the root topic on a root node. One set for the nodes
   * that share their options, never modified: a node puts a new set in its place when it subscribes or unsubscribes.
   */
  get startTopics(): ReadonlySet<string> {
    return this.shared.startTopics
  }

  /** The clock the node reads (not an option NormalizedOptions lists: flat() leaves it out). */
  get clock(): Clock {
    return this.shared.clock
  }

  /**
   * The options as normalizeOptions() returned them: a new frozen plain object with every key in the same order
   * (spread, Object.keys and JSON see them all), its `subscriptions` a list of its own.
   */
  flat(): Readonly<NormalizedOptions> {
    const out: Record<string, unknown> = {}
    for (const key of OPTION_KEYS) out[key] = this[key]
    out.subscriptions = [...this.subscriptions]
    return Object.freeze(out) as unknown as NormalizedOptions
  }

  get secure(): boolean {
    return this.shared.secure
  }
  get insecure(): boolean {
    return this.shared.insecure
  }
  get trust(): TrustPolicy {
    return this.shared.trust
  }
  get trustedPeers(): readonly TrustedPeer[] {
    return this.shared.trustedPeers
  }
  get networkKey(): NetworkKeySet | null {
    return this.shared.networkKey
  }
  get ip(): string {
    return this.shared.ip
  }
  get port(): number {
    return this.shared.port
  }
  /** The subscriptions the node started with (a frozen list: the node's own are NodeContext.subscriptions). */
  get subscriptions(): string[] {
    return this.shared.subscriptions
  }
  get codec(): Codec {
    return this.shared.codec
  }
  get customCodec(): boolean {
    return this.shared.customCodec
  }
  get run(): boolean {
    return this.shared.run
  }
  get ttl(): number {
    return this.shared.ttl
  }
  get root(): boolean {
    return this.shared.root
  }
  get paired(): boolean {
    return this.shared.paired
  }
  get maxConnections(): number {
    return this.shared.maxConnections
  }
  get maxEdges(): number {
    return this.shared.maxEdges
  }
  get reconnections(): number {
    return this.shared.reconnections
  }
  get keepAlive(): boolean {
    return this.shared.keepAlive
  }
  get messagePropagation(): boolean {
    return this.shared.messagePropagation
  }
  get messagesPoolMaxSize(): number {
    return this.shared.messagesPoolMaxSize
  }
  get lan(): boolean | LanOptions {
    return this.shared.lan
  }
  get adverts(): AdvertOptions {
    return this.shared.adverts
  }
  get keepAliveIntervalMs(): number {
    return this.shared.keepAliveIntervalMs
  }
  get connectTimeoutMs(): number {
    return this.shared.connectTimeoutMs
  }
  get handshakeTimeoutMs(): number {
    return this.shared.handshakeTimeoutMs
  }
  get pendingTimeoutMs(): number {
    return this.shared.pendingTimeoutMs
  }
  get pingTimeoutMs(): number {
    return this.shared.pingTimeoutMs
  }
  get statusTimeoutMs(): number {
    return this.shared.statusTimeoutMs
  }
  get maxFrameSize(): number {
    return this.shared.maxFrameSize
  }
  get reconnectBaseMs(): number {
    return this.shared.reconnectBaseMs
  }
  get reconnectCapMs(): number {
    return this.shared.reconnectCapMs
  }
  get discoveryHopWaitMs(): number {
    return this.shared.discoveryHopWaitMs
  }
}
