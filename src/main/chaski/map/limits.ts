// Limits of neighbour adverts and of the map a node keeps (docs/PROTOCOL.md §12). Every one a peer can hit is
// written there with what the peer gets when it hits it.

/** Neighbour entries in one advert; the rest are counted in `more` and rotated into later adverts. */
export const ADVERT_MAX_NEIGHBOURS = 32
/** The advert data (msgpack, as we encode it) is kept within this many bytes by the sender. */
export const ADVERT_MAX_BYTES = 1200
/** Topics (the origin's subscriptions) an advert carries: at most this many, and this many UTF-8 bytes together. */
export const ADVERT_MAX_TOPICS = 32
export const ADVERT_MAX_TOPIC_BYTES = 256
/** Signed adverts (advert-signature.ts): a P-256 public key as a compressed point (SEC 1: 0x02 or 0x03, then x)... */
export const ADVERT_KEY_BYTES = 33
/** ...and an ECDSA P-256 signature as r‖s (IEEE P1363), 32 bytes each. */
export const ADVERT_SIGNATURE_BYTES = 64
/** What `key` and `sig` add to an advert's msgpack, beyond ADVERT_MAX_BYTES: "key" (4) + bin8 (2 + 33), "sig" (4) + bin8 (2 + 64). */
export const ADVERT_SIGNING_OVERHEAD_BYTES = 4 + 2 + ADVERT_KEY_BYTES + 4 + 2 + ADVERT_SIGNATURE_BYTES
/** Name bytes carried in an advert (longer names are cut at a character boundary). */
export const ADVERT_MAX_NAME_BYTES = 64
/** Hops an advert travels by default (the origin's `ttl0`), and the most a receiver accepts. */
export const DEFAULT_ADVERT_TTL = 2
export const MAX_ADVERT_TTL = 4
/** The origin's periodic interval: default, and the range an advert may announce (seconds on the wire). */
export const DEFAULT_ADVERT_INTERVAL_MS = 30_000
export const MIN_ADVERT_INTERVAL_S = 1
export const MAX_ADVERT_INTERVAL_S = 300
/** A change is advertised this long after the last change (debounce). */
export const DEFAULT_ADVERT_DEBOUNCE_MS = 1000
/** A sender never sends two adverts closer than this. */
export const ADVERT_MIN_GAP_MS = 2000
/** An origin's entry expires this many of its intervals after its last accepted advert. */
export const ADVERT_EXPIRY_INTERVALS = 3
/** Per origin, adverts accepted in a burst, then per second (the sender's minimum gap fits inside). */
export const ADVERT_ORIGIN_BURST = 5
export const ADVERT_ORIGIN_PER_S = 0.5
/** Per link, adverts read in a burst, then per second (relayed ones included). */
export const ADVERT_LINK_BURST = 200
export const ADVERT_LINK_PER_S = 50
/** All adverts a node accepts, whatever the origin, in a burst and per second. */
export const ADVERT_GLOBAL_BURST = 400
export const ADVERT_GLOBAL_PER_S = 100
/**
 * Adverts a node sends on one link (its own, forwarded, and those greeting a new peer): the receiver's intake
 * above, so nothing is sent only to be dropped. Beyond it an advert is not sent on that link.
 */
export const ADVERT_SEND_BURST = ADVERT_LINK_BURST
export const ADVERT_SEND_PER_S = ADVERT_LINK_PER_S
/**
 * Advert frames a node forwards (relayed and greeting ones, all links together) in a burst, then per second: ten
 * links' worth of every advert it accepts (ADVERT_GLOBAL_*), at most about 1.3 MB/s. A hub does not forward every
 * leaf's advert to every other leaf (n² frames); beyond it a copy is not sent, and later adverts fill the gap.
 */
export const ADVERT_FORWARD_BURST = 10 * ADVERT_GLOBAL_BURST
export const ADVERT_FORWARD_PER_S = 10 * ADVERT_GLOBAL_PER_S
/** Origins kept in the map store; past it the one heard at the most hops, least recently, goes first. */
export const MAP_MAX_ORIGINS = 1024
/** Highest sequence numbers remembered for origins no longer stored (a replay after expiry is still refused). */
export const MAP_MAX_SEQ_MEMORY = 4096
/** A sequence number further ahead of our clock than this is taken as forged. */
export const ADVERT_MAX_SEQ_AHEAD_MS = 24 * 3600 * 1000
/** Round trips and jitter on the wire: tenths of ms, at most 10 s. */
export const ADVERT_MAX_TENTHS_MS = 100_000
/**
 * An RTT median moving this much (ratio and ms, both) counts as a change worth an advert. The ms floor was 1: on a
 * busy machine loopback and LAN medians (well under 1 ms when idle) move by a few ms from event-loop delay alone,
 * and every node then re-advertised each ADVERT_MIN_GAP_MS instead of each interval, adding load where it hurt.
 */
export const ADVERT_RTT_CHANGE_RATIO = 0.2
export const ADVERT_RTT_CHANGE_MIN_MS = 5
/** A map request's depth and node count. */
export const MAP_MAX_DEPTH = 3
export const MAP_MAX_NODES = 1024
/** Links in a map reply (the map's links beyond it are left out). */
export const MAP_MAX_LINKS = 8192
/** Map requests a node answers per link: a burst, then per second. */
export const MAP_REQUEST_BURST = 3
export const MAP_REQUEST_PER_S = 1
/** Latency probes of non-neighbours (Vivaldi): mean gap by default, the smallest allowed, and the reply timeout. */
export const DEFAULT_PROBE_INTERVAL_MS = 10_000
export const MIN_PROBE_INTERVAL_MS = 100
export const PROBE_TIMEOUT_MS = 1000
