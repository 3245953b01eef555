// The typed API between the UI and the node host: argument schemas (validated in main before anything reaches the
// service), result types, and the bridge type that window.chaski and the WebSocket bridge both implement.
import * as v from 'valibot'
import type { MethodName } from './methods'
import type { Result } from './result'
import { LIMITS, RANGES, utf8Length, type IntRange } from './limits'
import {
  TRUST_POLICY_NAMES,
  type AppState,
  type AppUpdate,
  type EdgeSnapshot,
  type NodeSnapshot,
  type Preferences
} from './snapshots'
import { parseNodeIdText } from './node-id-text'
import type { NetworkMap } from './network-map'

// Limits are defined once in ./limits (shared with the settings schema and the host); re-exported for the UI.
export { LIMITS, RANGES } from './limits'

const Id = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'an id is required'),
  v.maxLength(LIMITS.idLength, 'id is too long')
)
/** A peer's node id: the canonical form, or the grouped one people copy and type (its check characters must match). */
const PeerId = v.pipe(
  v.string('a peer id must be text'),
  v.trim(),
  v.minLength(1, 'a peer id is required'),
  v.maxLength(LIMITS.idLength + 16, 'that peer id is too long'),
  v.transform((text) => {
    const parsed = parseNodeIdText(text)
    // Plaintext peers (an insecure node's) have older ids that are not key ids: taken as they are.
    return parsed.ok ? parsed.id : text
  }),
  v.maxLength(LIMITS.idLength, 'that peer id is too long')
)
const Name = v.pipe(
  v.string('name must be text'),
  v.trim(),
  v.minLength(1, 'name must not be empty'),
  v.maxLength(LIMITS.nameLength, `name must be at most ${LIMITS.nameLength} characters`)
)
export const TopicSchema = v.pipe(
  v.string('a topic must be text'),
  v.trim(),
  v.minLength(1, 'a topic must not be empty'),
  v.maxLength(LIMITS.topicLength, `a topic must be at most ${LIMITS.topicLength} characters`),
  v.check(
    (t) => utf8Length(t) <= LIMITS.topicBytes,
    `a topic must be at most ${LIMITS.topicBytes} bytes in UTF-8`
  ),
  v.check((t) => t !== 'All' && t !== '@', "'All' and '@' are reserved topics")
)
const Topics = v.pipe(
  v.array(TopicSchema, 'topics must be a list'),
  v.maxLength(LIMITS.topicsPerCall, `at most ${LIMITS.topicsPerCall} topics at once`)
)
/** A node's saved subscriptions: the total after every subscribe call, not one call's worth. */
const Subscriptions = v.pipe(
  v.array(TopicSchema, 'subscriptions must be a list'),
  v.maxLength(
    LIMITS.subscriptionsPerNode,
    `a node subscribes to at most ${LIMITS.subscriptionsPerNode} topics`
  )
)
const Int = (label: string, { min, max }: IntRange) =>
  v.pipe(
    v.number(`${label} must be a number`),
    v.integer(`${label} must be a whole number`),
    v.minValue(min, `${label} must be at least ${min}`),
    v.maxValue(max, `${label} must be at most ${max}`)
  )

export const LanConfigSchema = v.strictObject({
  enabled: v.boolean('lan.enabled must be true or false'),
  autoConnect: v.boolean('lan.autoConnect must be true or false'),
  interfaces: v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.interfaceNameLength))),
    v.maxLength(LIMITS.lanInterfaces, `at most ${LIMITS.lanInterfaces} LAN interfaces`)
  )
})

/** Every field of a node's configuration, as saved; `createNode` takes any subset and fills the defaults. */
export const NodeConfigSchema = v.strictObject({
  id: Id,
  name: Name,
  ip: v.pipe(
    v.string('ip must be text'),
    v.trim(),
    v.minLength(1, 'ip is required'),
    v.maxLength(LIMITS.ipLength)
  ),
  port: Int('port', RANGES.port),
  subscriptions: Subscriptions,
  ttl: Int('ttl', RANGES.ttl),
  root: v.boolean('root must be true or false'),
  paired: v.boolean('paired must be true or false'),
  maxConnections: Int('maxConnections', RANGES.maxConnections),
  reconnections: Int('reconnections', RANGES.reconnections),
  keepAlive: v.boolean('keepAlive must be true or false'),
  messagePropagation: v.boolean('messagePropagation must be true or false'),
  messagesPoolMaxSize: Int('messagesPoolMaxSize', RANGES.messagesPoolMaxSize),
  lan: LanConfigSchema,
  autoStart: v.boolean('autoStart must be true or false'),
  trust: v.picklist(TRUST_POLICY_NAMES, `trust must be one of ${TRUST_POLICY_NAMES.join(', ')}`),
  insecure: v.boolean('insecure must be true or false')
})

export const NodeConfigInputSchema = v.strictObject({
  ...v.partial(v.omit(NodeConfigSchema, ['id', 'lan'])).entries,
  lan: v.optional(v.partial(LanConfigSchema))
})
/** createNode takes any subset (the host fills the defaults); editNode the options to change. */
export type NodeConfigInput = v.InferOutput<typeof NodeConfigInputSchema>

/** A known peer's address, as it was given to `connect` (without a 'Name@' part). */
const KnownPeerAddress = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'an address is required'),
  v.maxLength(LIMITS.addressLength)
)

/** Where `connect` goes: an address typed by the user, another local node, or a peer heard on the LAN. */
export const ConnectTargetSchema = v.variant('kind', [
  v.strictObject({
    kind: v.literal('address'),
    address: v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'an address is required'),
      v.maxLength(LIMITS.addressLength)
    )
  }),
  v.strictObject({ kind: v.literal('node'), nodeId: Id }),
  v.strictObject({ kind: v.literal('lanPeer'), peerId: Id })
])
export type ConnectTarget = v.InferOutput<typeof ConnectTargetSchema>

export const DiscoveryArgsSchema = v.strictObject({
  onPair: v.picklist(['none', 'disconnect'], "onPair must be 'none' or 'disconnect'"),
  timeoutMs: Int('timeoutMs', RANGES.discoveryTimeoutMs),
  /** Peer to start from; default the first edge (docs/SEMANTICS.md §4). */
  viaPeerId: v.optional(Id)
})

export const PreferencesPatchSchema = v.strictObject({
  theme: v.optional(v.picklist(['system', 'light', 'dark'])),
  recentAddresses: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.maxLength(LIMITS.addressLength))),
      v.maxLength(LIMITS.recentAddresses)
    )
  )
})

/** Argument schemas, one tuple per method. */
export const ARGUMENTS = {
  getState: v.strictTuple([]),
  createNode: v.strictTuple([NodeConfigInputSchema]),
  startNode: v.strictTuple([Id]),
  stopNode: v.strictTuple([Id]),
  removeNode: v.strictTuple([Id]),
  renameNode: v.strictTuple([Id, Name]),
  subscribe: v.strictTuple([Id, Topics]),
  unsubscribe: v.strictTuple([Id, Topics]),
  setLan: v.strictTuple([
    Id,
    v.strictObject({ enabled: v.optional(v.boolean()), autoConnect: v.optional(v.boolean()) })
  ]),
  connect: v.strictTuple([Id, ConnectTargetSchema]),
  disconnect: v.strictTuple([Id, Id]),
  discovery: v.strictTuple([Id, DiscoveryArgsSchema]),
  ping: v.strictTuple([Id, v.nullable(Id)]),
  publish: v.strictTuple([
    Id,
    TopicSchema,
    v.pipe(
      v.string('data must be text'),
      v.maxLength(LIMITS.publishBytes, 'message is too long (64 KiB max)')
    )
  ]),
  setPreferences: v.strictTuple([PreferencesPatchSchema]),
  dismissNotice: v.strictTuple([Id]),
  forgetLanPeer: v.strictTuple([Id, Id]),
  editNode: v.strictTuple([Id, NodeConfigInputSchema]),
  restartNode: v.strictTuple([Id]),
  /** true: keep it connected (dial now, redial whenever it goes away); false: disconnect it and stop redialling. */
  setKnownPeer: v.strictTuple([Id, KnownPeerAddress, v.boolean('keep must be true or false')]),
  forgetKnownPeer: v.strictTuple([Id, KnownPeerAddress]),
  /** The map of the network the node holds (neighbour adverts, docs/PROTOCOL.md §12), up to `depth` hops. */
  getMap: v.strictTuple([Id, Int('depth', { min: 0, max: 3 })]),
  /** A pending peer (policy approve) is trusted and linked. */
  acceptPeer: v.strictTuple([Id, PeerId]),
  /** A pending peer is turned away (its link closes; it may ask again later). */
  rejectPeer: v.strictTuple([Id, PeerId]),
  /** A peer is refused from now on (its link closes, it is not redialled); kept across restarts. */
  revokePeer: v.strictTuple([Id, PeerId]),
  /** A revocation taken back: the peer is unknown again (the node's policy decides at its next link). */
  unrevokePeer: v.strictTuple([Id, PeerId])
} satisfies Record<MethodName, v.GenericSchema<unknown[], unknown[]>>

export type ContractArgs<M extends MethodName> = v.InferOutput<(typeof ARGUMENTS)[M]>

export interface PingOutcome {
  peerId: string
  rttMs: number | null
  error: string | null
}

export interface DiscoveryOutcome {
  topics: {
    topic: string
    result: 'already-paired' | 'paired' | 'first-of-topic' | 'no-partner' | 'timeout'
    partner: string | null
  }[]
}

/** The edge `connect` made, or the one that already joined the two nodes (nothing new was connected). */
export type ConnectOutcome = EdgeSnapshot & { alreadyConnected: boolean }

/** What each method resolves with. */
export interface ContractResults {
  getState: AppState
  createNode: NodeSnapshot
  startNode: NodeSnapshot
  stopNode: NodeSnapshot
  removeNode: null
  renameNode: NodeSnapshot
  subscribe: NodeSnapshot
  unsubscribe: NodeSnapshot
  setLan: NodeSnapshot
  connect: ConnectOutcome
  disconnect: null
  discovery: DiscoveryOutcome
  ping: PingOutcome[]
  publish: { deliveredTo: number }
  setPreferences: Preferences
  dismissNotice: null
  forgetLanPeer: NodeSnapshot
  editNode: NodeSnapshot
  restartNode: NodeSnapshot
  setKnownPeer: NodeSnapshot
  forgetKnownPeer: NodeSnapshot
  getMap: NetworkMap
  acceptPeer: NodeSnapshot
  rejectPeer: NodeSnapshot
  revokePeer: NodeSnapshot
  unrevokePeer: NodeSnapshot
}

export type ContractMethods = {
  [M in MethodName]: (...args: ContractArgs<M>) => Promise<Result<ContractResults[M]>>
}

/** What the page sees as window.chaski (preload) or through the WebSocket bridge (browser mode). */
export interface ChaskiBridge extends ContractMethods {
  /** Calls `listener` with every coalesced update; returns the unsubscribe function. */
  onUpdate(listener: (update: AppUpdate) => void): () => void
}

/** Validates raw arguments from the UI; returns them typed, or a message naming the first problem. */
export function parseArguments<M extends MethodName>(
  method: M,
  raw: unknown
): { ok: true; args: ContractArgs<M> } | { ok: false; message: string } {
  const result = v.safeParse(ARGUMENTS[method], raw)
  if (result.success) return { ok: true, args: result.output as ContractArgs<M> }
  const issue = result.issues[0]
  const path = issue.path?.map((p) => String(p.key)).join('.')
  return { ok: false, message: `${method}: ${path ? `${path}: ` : ''}${issue.message}` }
}
