// Defaults for LAN discovery (docs/PROTOCOL.md, "LAN beacons"). Every value can be overridden through
// `LanOptions` or `LanDiscoveryInit`; these are what `lan: true` means.

/** Administratively scoped IPv4 group (RFC 2365, 239.255.0.0/16: never routed off the site). */
export const DEFAULT_GROUP_V4 = '239.255.85.11'
/** IPv6 link-local scope group (ff02::/16 never leaves the link). */
export const DEFAULT_GROUP_V6 = 'ff02::8511'
/** UDP port of the beacons, shared by every node of a host (receivers bind with reuseAddr). */
export const DEFAULT_BEACON_PORT = 8510
/** Beacons stay on the local link. */
export const BEACON_TTL = 1

/** Periodic announcement interval (about 1 s), each one jittered by ±JITTER_RATIO. */
export const DEFAULT_INTERVAL_MS = 1000
export const INTERVAL_JITTER_RATIO = 0.1
export const MIN_INTERVAL_MS = 100
export const MAX_INTERVAL_MS = 60_000
/**
 * A peer is lost when nothing was heard from it for this many of its own announcement intervals (2.8 s by default):
 * two missed beacons and most of a third, so a node that dies just after a beacon is still dropped within 3 s.
 */
export const LOST_AFTER_INTERVALS = 2.8
/** Repeats of the start announcement (ms after start), so a lost datagram does not delay discovery by an interval. */
export const STARTUP_REPEATS_MS: readonly number[] = [200, 600]
/** Coalesces bursts of local changes (rename + subscribe) into one beacon. */
export const ANNOUNCE_DEBOUNCE_MS = 15
/** Minimum gap between announcements triggered by hearing new peers, so a crowd of newcomers cannot cause a storm. */
export const MIN_REPLY_GAP_MS = 100

/** How often `os.networkInterfaces()` is polled to follow interfaces that come and go. */
export const DEFAULT_INTERFACE_POLL_MS = 5000

/** Beacon wire limits: a datagram larger than this is dropped unread; the encoder keeps well below it. */
export const MAX_BEACON_BYTES = 1400
/** The encoder's budget: well under a typical 1500-byte MTU minus IP/UDP headers, with room to spare. */
export const BEACON_BUDGET_BYTES = 1200
/** Node ids are random UUIDs by default; the library allows any id of up to 64 characters. */
export const MAX_ID_BYTES = 255
export const MAX_NAME_BYTES = 64
export const MAX_TOPIC_BYTES = 255
export const MAX_TOPICS = 255

/** Memory bounds: peers remembered at once, and sources tracked by the rate limiter. */
export const MAX_PEERS = 1024
/**
 * Peers announced from one host (source address; an IPv6 /64) the table holds at once, so one host cannot fill it.
 * A host may run up to 256 nodes (the desktop app's limit).
 */
export const MAX_PEERS_PER_HOST = 256
export const MAX_RATE_SOURCES = 4096
/** Per source (ip + port): a burst of 20 beacons, refilled at 10/s. A node sends about 1/s plus a few replies. */
export const SOURCE_BURST = 20
export const SOURCE_RATE_PER_S = 10
/** Whole receiver: bounds the CPU a flood of spoofed sources can take. */
export const GLOBAL_BURST = 2000
export const GLOBAL_RATE_PER_S = 1000
/** Dropped-beacon warnings are summarised at most this often, per reason. */
export const DROP_LOG_INTERVAL_MS = 10_000

/** Environment variable that caps the interfaces this process may send or join on ('none' turns beacons off). */
export const LAN_INTERFACES_ENV = 'CHASKI_LAN_INTERFACES'
