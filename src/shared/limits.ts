// Every limit of what the app keeps and accepts, in one place: the contract's argument schemas (src/shared/contract),
// the settings file schema (src/main/settings), the node host (src/main/host) and the CLI all read them from here, so
// the host never keeps (and saves) what its own loader would reject. The wire limits of the protocol itself live in
// src/main/chaski/constants.ts; test/unit/shared/limits.test.ts checks that every range here fits inside them.

/** An inclusive integer range. */
export interface IntRange {
  readonly min: number
  readonly max: number
}

export const LIMITS = {
  /** Local nodes one host runs (and one settings file holds). */
  nodes: 256,
  /** Topics one local node subscribes to (the saved list, after merging every subscribe call). */
  subscriptionsPerNode: 64,
  /** Topics in one subscribe / unsubscribe call. */
  topicsPerCall: 64,
  /** Characters of a node name (64 UTF-16 units are at most 192 UTF-8 bytes: within the wire's 256). */
  nameLength: 64,
  /** Characters of a topic. */
  topicLength: 128,
  /** UTF-8 bytes of a topic: the wire's own limit (MAX_TOPIC_BYTES), which non-ASCII topics reach first. */
  topicBytes: 256,
  /** Characters of a node id. */
  idLength: 64,
  /** Characters of a node's listen address (an IPv4 or IPv6 literal). */
  ipLength: 64,
  /** Characters of an address typed by the user (host:port, [v6]:port, name@host:port). */
  addressLength: 300,
  /** Characters of a message published from the UI. */
  publishBytes: 64 * 1024,
  /** Remembered addresses of the connect dialog. */
  recentAddresses: 10,
  /** LAN interfaces named for one node, and the length of each name. */
  lanInterfaces: 32,
  interfaceNameLength: 64,
  /** Longest discovery the UI may start. */
  discoveryTimeoutMs: 120_000,
  /** Peers one node keeps and redials (those the person connected to by hand). */
  knownPeersPerNode: 64,
  /** Peers one node remembers as recently disconnected (its Recent peers list). */
  recentPeersPerNode: 10,
  /** Devices one node keeps in its LAN list (online or offline); beyond it the one heard longest ago goes first. */
  lanDevicesPerNode: 256,
  /**
   * Trusted peers (pinned or accepted keys) saved per node; beyond it the one seen longest ago goes first (the
   * library keeps more while it runs; a peer dropped here is met as new after a restart, never refused).
   */
  trustedPeersPerNode: 512,
  /** Revoked peers kept per node; beyond it the oldest revocation goes first. */
  revokedPeersPerNode: 256,
  /**
   * What the app saves of text a peer sent (names, ids, topics, interface names): the wire's own bounds
   * (MAX_NAME_BYTES, MAX_ID_LENGTH, MAX_TOPIC_BYTES bytes are at most as many UTF-16 units), and at most this many
   * topics of one saved LAN device.
   */
  peerNameLength: 256,
  peerIdLength: 64,
  peerTopicsSaved: 64
} as const

/**
 * The ports a new local node gets (the first one free): from the original's favourite 8511 up, one per node the
 * host can keep, without the dashboard's own default port.
 */
export const NODE_PORTS = { first: 8511, last: 8511 + 256, skip: [8520] } as const

/** Default HTTP port of `chaski serve` (its dashboard), kept out of the nodes' range. */
export const DASHBOARD_PORT = 8520

/**
 * Defaults of a node's options (docs/SEMANTICS.md §1): the library's (src/main/chaski/constants.ts re-exports them)
 * and a new local node's (node-defaults.ts), one definition.
 */
export const NODE_OPTION_DEFAULTS = {
  ttl: 64,
  maxConnections: 5,
  reconnections: 32,
  messagesPoolMaxSize: 128
} as const

/**
 * Integer options of a node: what the library accepts (src/main/chaski/options.ts), and so the create dialog, the
 * contract, the settings file and `chaski node` too. One range each, so nothing accepts what another refuses.
 */
export const RANGES = {
  port: { min: 0, max: 65535 },
  ttl: { min: 0, max: 255 },
  /**
   * Spec §1: the number of edges sharing a topic that a paired node accepts when it answers discovery (LAN
   * auto-connect counts against it too). At least 1: with 0 a paired node would answer every search and never
   * take the newcomer, which is a mistake, not a setting (turn pairing or auto-connect off instead). At most 1000:
   * more edges on one topic is not a setting anyone needs, and every edge costs a socket.
   */
  maxConnections: { min: 1, max: 1000 },
  reconnections: { min: 0, max: 1000 },
  messagesPoolMaxSize: { min: 1, max: 100_000 },
  discoveryTimeoutMs: { min: 100, max: LIMITS.discoveryTimeoutMs },
  /**
   * Trust policy approve: how long a pending peer waits for the user's accept or reject before its link closes
   * (`pending-expired`). At least 1 s (tests), at most an hour: a decision nobody makes within that is no decision.
   */
  pendingTimeoutMs: { min: 1000, max: 3_600_000 }
} as const satisfies Record<string, IntRange>

/** UTF-8 length of a string without any runtime import (src/shared is runtime-free). */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}
