// The one definition of a node's identity fields (docs/PROTOCOL.md §3): what a handshake, a pong and a LAN beacon
// say about their sender. Everything else is derived from this table or checked against it: the Identity type, the
// generic validator, the layouts our encoder writes and the fast readers expect (handshake: {v, vmin, reconnect,
// ...identity}; pong: {ping_id, ...identity}), which fields a live edge follows, and the beacon codec (its test walks
// IDENTITY_KEYS). Adding a field here is the whole change for every path but the beacon's binary layout.
import {
  MAX_FEATURE_BYTES,
  MAX_FEATURES,
  MAX_ID_LENGTH,
  MAX_NAME_BYTES,
  MAX_SUBSCRIPTIONS,
  MAX_TOPIC_BYTES
} from './constants'
import { bool, get, int, ip, optionalBool, str, strList, type WireObject } from './wire-fields'

/** How the fast readers (envelope-decoder.ts) read a field of our own layout. */
export type FastKind = 'uint' | 'bool' | 'str' | 'strList'

interface FieldSpec<T> {
  /** The generic validator: reads and checks the field of a decoded map (throws ProtocolError). */
  read(data: WireObject, command: string): T
  fast: FastKind
}

function field<T>(read: (data: WireObject, command: string) => T, fast: FastKind): FieldSpec<T> {
  return { read, fast }
}

export const IDENTITY_FIELDS = {
  /** Node id (a random UUID by default, at most 64 characters): protocol logic keys on it, never on the name. */
  id: field((d, c) => str(d, 'id', c, MAX_ID_LENGTH), 'str'),
  /** Display name. */
  name: field((d, c) => str(d, 'name', c, MAX_NAME_BYTES), 'str'),
  /** Listening address ('0.0.0.0' / '::' are replaced by the socket's remote address). */
  ip: field((d, c) => ip(d, 'ip', c), 'str'),
  port: field((d, c) => int(d, 'port', c, 1, 65535), 'uint'),
  subscriptions: field(
    (d, c) => strList(d, 'subscriptions', c, MAX_SUBSCRIPTIONS, MAX_TOPIC_BYTES),
    'strList'
  ),
  /** Paired for all its subscriptions. */
  paired: field((d, c) => bool(d, 'paired', c), 'bool'),
  /** A root node (receives every topic). */
  root: field((d, c) => bool(d, 'root', c), 'bool')
} as const

export type IdentityKey = keyof typeof IDENTITY_FIELDS
export type Identity = { [K in IdentityKey]: ReturnType<(typeof IDENTITY_FIELDS)[K]['read']> }

/** Every identity field, in the order our encoder writes them. */
export const IDENTITY_KEYS = Object.keys(IDENTITY_FIELDS) as IdentityKey[]

/**
 * The fields a live edge follows when its peer changes them (pong, update); the others (id, ip, port) are fixed for
 * the life of an edge (edge.ts).
 */
export const FOLLOWED_KEYS = [
  'name',
  'subscriptions',
  'paired',
  'root'
] as const satisfies readonly IdentityKey[]
export type FollowedIdentity = Pick<Identity, (typeof FOLLOWED_KEYS)[number]>

/** Validates every identity field of a decoded map. */
export function readIdentity(data: WireObject, command: string): Identity {
  const identity = {} as Record<IdentityKey, unknown>
  for (let i = 0; i < IDENTITY_KEYS.length; i++) {
    const key = IDENTITY_KEYS[i]!
    identity[key] = IDENTITY_FIELDS[key].read(data, command)
  }
  return identity as Identity
}

/** The handshake's own fields, written before the identity (docs/PROTOCOL.md §3). */
export const HANDSHAKE_PREFIX = {
  /** Highest protocol version the sender speaks (in handshake_back: the version chosen). */
  v: field((d, c) => int(d, 'v', c, 1, 65535), 'uint'),
  /** Lowest protocol version the sender accepts (optional on the wire: `v` when absent). */
  vmin: field(
    (d, c) => (get(d, 'vmin') === undefined ? int(d, 'v', c, 1, 65535) : int(d, 'vmin', c, 1, 65535)),
    'uint'
  ),
  /** Set when the connection is an automatic reconnection (optional: false when absent). */
  reconnect: field((d, c) => optionalBool(d, 'reconnect', c), 'bool'),
  /**
   * Optional wire features the sender accepts (docs/PROTOCOL.md §3 "Features"), e.g. 'message-runs'; unknown ones
   * are ignored. Absent: none.
   */
  features: field(
    (d, c) =>
      get(d, 'features') === undefined ? [] : strList(d, 'features', c, MAX_FEATURES, MAX_FEATURE_BYTES),
    'strList'
  )
} as const

/** A field of one of our layouts: its key and how the fast reader reads it. */
export interface LayoutField {
  key: string
  fast: FastKind
}

function layout(...groups: Record<string, FieldSpec<unknown>>[]): LayoutField[] {
  return groups.flatMap((group) => Object.entries(group).map(([key, spec]) => ({ key, fast: spec.fast })))
}

/** `handshake` / `handshake_back` data as our encoder writes it: the prefix, then the identity. */
export const HANDSHAKE_LAYOUT: readonly LayoutField[] = layout(HANDSHAKE_PREFIX, IDENTITY_FIELDS)
/** The identity entries of a `pong` (after `ping_id`), as our encoder writes them. */
export const IDENTITY_LAYOUT: readonly LayoutField[] = layout(IDENTITY_FIELDS)
