// Defaults and limits of the ChaskiNode protocol. Section numbers refer to docs/SEMANTICS.md
// ("spec §n"); the wire format itself is documented in docs/PROTOCOL.md.
import { NODE_OPTION_DEFAULTS } from '../../shared/limits'

/**
 * Highest wire protocol version this implementation speaks (handshake field `v`): version 2 is version 1's frames
 * inside a verified TLS 1.3 link (docs/PROTOCOL.md "Secure links"). A link speaks exactly one version, set by its
 * transport: 2 on a secure link, 1 on a plaintext one.
 */
export const PROTOCOL_VERSION = 2
/** The version of plaintext links (`secure: false` nodes, and version 1 peers of an `insecure` node). */
export const PLAINTEXT_PROTOCOL_VERSION = 1
/** Lowest wire protocol version this implementation still accepts (handshake field `vmin`). */
export const MIN_PROTOCOL_VERSION = 1

/** Topic of control frames (handshake, ping, discovery...): spec §2. */
export const CONTROL_TOPIC = 'All'
/** Special topic every root node subscribes to: spec §1. */
export const ROOT_TOPIC = '@'

/** A root node with port 0 tries these first: spec §1. */
export const FAVOURITE_PORTS: readonly number[] = [8511, 8512, 8513, 8514, 8515, 8516]

/** 4-byte body length + 4-byte topic length: spec §2. */
export const FRAME_HEADER_SIZE = 8
/** Default upper bound of one frame (topic + body), checked before allocating: spec §2 Ours. */
export const DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024
/** Topics are short names; a longer topic length on the wire is a protocol error. */
export const MAX_TOPIC_BYTES = 256
/** Names and ids from the wire are bounded too. */
export const MAX_NAME_BYTES = 256
export const MAX_ID_LENGTH = 64
/** Subscriptions listed in a handshake or pong. */
export const MAX_SUBSCRIPTIONS = 1024
/** Handshake `features` (docs/PROTOCOL.md §3): at most this many, each at most this many bytes. */
export const MAX_FEATURES = 16
export const MAX_FEATURE_BYTES = 32
/**
 * Feature 'message-runs' (docs/PROTOCOL.md §8): a node that lists it accepts run frames, messages of one topic
 * queued together in one frame. A sender keeps each run frame at most RUN_MAX_BYTES (a single message may be
 * larger: it is then a run of one); a node lists the feature only when its maxFrameSize allows that much.
 */
export const MESSAGE_RUNS_FEATURE = 'message-runs'
export const RUN_MAX_BYTES = 16_384
/** Ids in a discovery's visited list (bounded by ttl in practice). */
export const MAX_VISITED = 1024
/** Candidates carried back by a discovery_ack. */
export const MAX_CANDIDATES = 64
/** Largest pairing rank (discovery_ack, report_paired), shared-edge or holder count a discovery message may carry. */
export const MAX_DISCOVERY_COUNT = 1_000_000
/** Random payload of a ping (`size`). */
export const MAX_PING_SIZE = 1024 * 1024
/** Arrays and maps nested in one decoded value (plain-msgpack.ts); deeper data is a protocol error. */
export const MAX_DATA_DEPTH = 100

/**
 * Bounded before trust (docs/PROTOCOL.md §10). A frame received before the handshake completes may be at most this
 * large: the largest legal handshake (1024 subscriptions of 256 bytes, a 256-byte name, 64-character ids) is
 * about 266,000 bytes in msgpack.
 */
export const MAX_HANDSHAKE_FRAME_BYTES = 288 * 1024
/**
 * Inbound connections that have not finished their handshake, in total and per source address (an IPv4 address or
 * an IPv6 /64): beyond either, a new connection is closed at once. A burst of legitimate connects from one host
 * (hundreds of local nodes dialling one hub) stays under the per-source figure; one host cannot take them all.
 */
export const MAX_PENDING_HANDSHAKES = 512
export const MAX_PENDING_HANDSHAKES_PER_SOURCE = 128
/** Bytes all of a node's links together may hold in unfinished frames before their handshake completes. */
export const MAX_PRE_HANDSHAKE_BYTES = 16 * 1024 * 1024
/** Bytes all of a node's links together may hold in unfinished frames after the handshake. */
export const MAX_PARTIAL_FRAME_BYTES = 64 * 1024 * 1024
/** Edges a node keeps at once (option `maxEdges`); a new peer beyond it is refused with 'too-many-edges'. */
export const DEFAULT_MAX_EDGES = 256
/**
 * Dials of addresses learned from the network (a discovery origin, a LAN beacon): per target address a burst of 2,
 * then one per 10 s; all targets together a burst of 10, then 4 per second. An edge or dial already there costs
 * nothing. Reconnection is not counted: it only dials addresses this node completed a handshake with itself.
 */
export const LEARNED_DIAL_BURST_PER_TARGET = 2
export const LEARNED_DIALS_PER_TARGET_PER_S = 0.1
export const LEARNED_DIAL_BURST = 10
export const LEARNED_DIALS_PER_S = 4
/** Target addresses whose dial budget is remembered at once (least recently dialled forgotten first). */
export const LEARNED_DIAL_TARGETS = 1024
/** Connects to discovery origins under way at once, all topics together. */
export const MAX_DISCOVERY_DIALS_IN_FLIGHT = 8
/** Warnings that a flood can repeat (refused connections...) are logged at most this often, with a count. */
export const FLOOD_WARNING_INTERVAL_MS = 10_000

/** Defaults of the constructor options (spec §1), shared with the app: one definition, in src/shared/limits.ts. */
export const DEFAULT_TTL = NODE_OPTION_DEFAULTS.ttl
export const DEFAULT_MAX_CONNECTIONS = NODE_OPTION_DEFAULTS.maxConnections
export const DEFAULT_RECONNECTIONS = NODE_OPTION_DEFAULTS.reconnections
export const DEFAULT_MESSAGES_POOL_MAX_SIZE = NODE_OPTION_DEFAULTS.messagesPoolMaxSize

/** TCP connect and handshake bounds: spec §3 Ours. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000
/** A ping with no pong after this long rejects: spec §6. */
export const DEFAULT_PING_TIMEOUT_MS = 5_000
/** UDP status request bound: spec §5 Ours (the original could wait forever). */
export const DEFAULT_STATUS_TIMEOUT_MS = 1_000
/** discovery() upper bound: spec §4. */
export const DEFAULT_DISCOVERY_TIMEOUT_MS = 10_000
/** How long a forwarding hop waits for its children's discovery_ack at most. */
export const DEFAULT_DISCOVERY_HOP_WAIT_MS = 5_000
/**
 * Searches from one edge that a node relays or answers at once; more are acked 'none' straight away. Without a
 * bound, a peer sending fresh search ids non-stop would make us hold a timer and fan a message out to every
 * other neighbour for each one. Generous: a busy legitimate neighbour relays a few searches per topic.
 */
export const MAX_DISCOVERY_RELAYS_PER_EDGE = 1024

/** Keep-alive: every 7 s × a random factor in [1, 1.5): spec §6. */
export const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 7_000
export const KEEP_ALIVE_JITTER_FACTOR = 0.5

/** Reconnection backoff: base × 2^(n-1), capped, ±20 % jitter: spec §3 Ours. */
export const DEFAULT_RECONNECT_BASE_MS = 250
export const DEFAULT_RECONNECT_CAP_MS = 30_000
export const RECONNECT_JITTER = 0.2

/** A stopping node waits this long for peers to close their side before destroying sockets. */
export const CLOSE_GRACE_MS = 500
/** TCP port 0 binding: retries when UDP cannot take the same number. */
export const BIND_ATTEMPTS = 32
/**
 * Pending-connection queue of a node's TCP server (listen backlog). Node's default, 511, overflows when hundreds
 * of peers connect to one hub at once: the kernel drops SYNs (TcpExtListenOverflows) and each dropped client
 * waits out a 1 s retransmit. Linux caps the value at net.core.somaxconn (4096 on current kernels).
 */
export const LISTEN_BACKLOG = 4096

/** Latency estimator (spec §6): fixed measurement variance 100², initial jitter 100. */
export const LATENCY_MEASUREMENT_STD_MS = 100
export const LATENCY_INITIAL_JITTER_MS = 100
/** Raw round-trip samples kept per edge for charts and percentiles. */
export const RTT_SAMPLES_KEPT = 60

/** Outgoing frames are batched per tick; a batch is flushed early past this many bytes. */
export const WRITE_BATCH_BYTES = 64 * 1024
/** publish() waits for 'drain' when a socket buffers more than this. */
export const WRITE_HIGH_WATER_BYTES = 8 * 1024 * 1024

/** UDP side channel: magic prefix of every datagram, bounded size, response rate limit (spec §5). */
export const UDP_MAGIC = 'CKS1'
export const MAX_DATAGRAM_SIZE = 8 * 1024
/**
 * A status response is never larger than this many times its request (the QUIC anti-amplification rule, RFC 9000
 * §8): a spoofed request gains its sender at most 3× its bytes. A bigger status gets a small `status-too-large`.
 */
export const UDP_AMPLIFICATION_FACTOR = 3
/** requestStatus() pads its request to this size, so any status up to MAX_DATAGRAM_SIZE fits in the answer. */
export const STATUS_REQUEST_BYTES = Math.ceil(MAX_DATAGRAM_SIZE / UDP_AMPLIFICATION_FACTOR)
/** Status responses per second: all sources together, and per source address (a flood from one spends its own). */
export const UDP_RESPONSES_PER_SECOND = 500
export const UDP_RESPONSES_PER_SOURCE_BURST = 20
export const UDP_RESPONSES_PER_SOURCE_PER_SECOND = 10
/** Source addresses whose response budget is remembered at once (least recently heard forgotten first). */
export const UDP_RATE_SOURCES = 1024

/** Deliberately closed peers are refused automatic reconnection for this long (spec §3 Ours). */
export const CLOSED_PEER_MEMORY_MS = 10 * 60_000
export const CLOSED_PEER_MEMORY_SIZE = 1024

/**
 * Policy approve (docs/PROTOCOL.md §3a "Approve"): links held as pending peers at once, in total and from one source
 * address (IPv4, or IPv6 /64). Beyond either the new one is refused with `close {reason: 'too-many-pending'}`.
 */
export const MAX_PENDING_PEERS = 32
export const MAX_PENDING_PEERS_PER_SOURCE = 4
/** How long a pending peer waits for the user (option pendingTimeoutMs; range in src/shared/limits.ts). */
export const DEFAULT_PENDING_TIMEOUT_MS = 5 * 60_000
/** A rejected peer is refused at once (`rejected`, nobody asked) for this long, then may ask again. */
export const REJECTED_PEER_MEMORY_MS = 10 * 60_000
export const REJECTED_PEER_MEMORY_SIZE = 1024
/** Discovery searches already handled, remembered to answer duplicates at once. */
export const SEEN_SEARCHES_SIZE = 1024
