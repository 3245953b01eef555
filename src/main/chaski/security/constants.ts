// Defaults, limits and labels of link security (issue #13). One home for every number, each with why.

/**
 * Node keys are ECDSA P-256, not Ed25519: Electron's Node runs on BoringSSL, whose TLS stack does not offer Ed25519
 * among the signature algorithms it verifies by default, so an Ed25519 certificate fails a TLS 1.3 handshake there
 * (electron/electron#45358, closed as blocked upstream) though it works under Node's OpenSSL. P-256 works in both.
 */
export const NODE_KEY_CURVE = 'prime256v1'

/**
 * A node id is the lowercase RFC 4648 base32 (no padding) of SHA-256 over the public key's SubjectPublicKeyInfo DER:
 * 256 bits in 52 characters, under the protocol's 64-character id limit (docs/PROTOCOL.md §10).
 */
export const NODE_ID_LENGTH = 52
/** Characters of the id per group in its display form (before each group's check character, as in Syncthing). */
export const DISPLAY_GROUP_DATA_CHARS = 13
/** Groups of the display form shown as the short id: 2 × 7 characters, 65 bits of the id. */
export const SHORT_ID_GROUPS = 2

/** Key and network-key files are small; anything larger is not one of ours and is refused before it is read. */
export const MAX_KEY_FILE_BYTES = 64 * 1024
/** Permission bits that must be clear on key files (group and other); POSIX only. */
export const KEY_FILE_FORBIDDEN_MODE = 0o077
/** Mode of key files this module creates. */
export const KEY_FILE_MODE = 0o600

/** A self-signed certificate's notAfter: RFC 5280 §4.1.2.5's "no well-defined expiration date". */
export const CERTIFICATE_NOT_AFTER = new Date('9999-12-31T23:59:59Z')
/** notBefore is set this far in the past, so a peer whose clock is behind still parses a "valid" certificate. */
export const CERTIFICATE_BACKDATE_MS = 24 * 60 * 60 * 1000

/** Bound on the TLS handshake of a link (both roles), like the protocol's handshakeTimeoutMs (§3). */
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 5_000

/**
 * TLS exporter label of the link's channel binding (RFC 8446 §7.5, RFC 5705): 32 bytes both ends compute alike and
 * no other link shares, used by the network-key proof and the comparison code.
 */
export const CHANNEL_BINDING_LABEL = 'EXPORTER-chaski-link-v1'
export const CHANNEL_BINDING_BYTES = 32

/** A network key is 32 random bytes; at most two are held at once (current and next, for rotation). */
export const NETWORK_KEY_BYTES = 32
export const MAX_NETWORK_KEYS = 2
/**
 * Distinct byte values a network key must have. 32 random bytes have fewer than 16 distinct values with a
 * probability below 10^-12; a typed pattern ("aaaa…", "0123…" repeated) has fewer.
 */
export const MIN_NETWORK_KEY_DISTINCT_BYTES = 16
/** Domain separation of the network-key proof (HMAC-SHA-256 input prefix). */
export const NETWORK_KEY_PROOF_LABEL = 'chaski network-key proof v1'

/** The comparison code: 6 decimal digits shown as two groups of 3. */
export const COMPARISON_CODE_DIGITS = 6
/** Size of the comparison nonces each side contributes (and of the dialler's commitment, a SHA-256). */
export const COMPARISON_NONCE_BYTES = 32
/** A commitment to a nonce: a SHA-256. */
export const COMPARISON_COMMITMENT_BYTES = 32
/** Domain separation of the comparison commitment and code. */
export const COMPARISON_COMMIT_LABEL = 'chaski comparison commit v1'
export const COMPARISON_CODE_LABEL = 'chaski comparison code v1'

/**
 * ALPN protocol of secure links (RFC 7301): both ends must agree on it, so a TLS service of another kind on the port
 * (or a client of one) is told apart at once, and a later protocol version can be negotiated in the TLS handshake.
 */
export const LINK_ALPN_PROTOCOL = 'chaski/2'
/**
 * First byte of a TLS connection (a handshake record, RFC 8446 §5.1). A protocol version 1 connection starts with a
 * frame's body length (u32 big-endian, at most maxFrameSize): its first byte is 0x00 for any frame under 16 MiB.
 */
export const TLS_HANDSHAKE_RECORD = 0x16
