// One error class per failure of link security; code and tests compare `err.name` (it survives IPC hops).

/** Thrown when a key file cannot be opened or is not a regular file of a sane size (it is never modified). */
export class KeyFileError extends Error {
  override name = 'KeyFileError'
  constructor(
    message: string,
    /** The system error code (ENOENT, EACCES...) when the file could not be opened. */
    readonly code: string | null = null
  ) {
    super(message)
  }
}

/**
 * Thrown when the node key file exists but does not hold a P-256 private key. The file is left byte for byte as it
 * was: replacing it would silently give the node a new identity.
 */
export class KeyFileCorruptError extends Error {
  override name = 'KeyFileCorruptError'
}

/** Thrown when a key file (node key or network key) can be read or written by group or other users. */
export class KeyFilePermissionsError extends Error {
  override name = 'KeyFilePermissionsError'
}

/** Thrown when a network-key file is missing, malformed, or holds a key too short or too regular to be secret. */
export class NetworkKeyFileError extends Error {
  override name = 'NetworkKeyFileError'
}

/** Thrown when a string is not a node id (52 base32 characters) nor its display form (with valid check characters). */
export class InvalidNodeIdError extends Error {
  override name = 'InvalidNodeIdError'
}

/** Thrown when the peer's certificate carries no key, or a key that is not a P-256 node key. */
export class PeerKeyError extends Error {
  override name = 'PeerKeyError'
}

/** Thrown when the id a peer claims (or the id we dialled for) is not the id of the key it proved on the link. */
export class IdentityMismatchError extends Error {
  override name = 'IdentityMismatchError'
  constructor(
    message: string,
    /** The id the peer claimed or we expected. */
    readonly claimedId: string,
    /** The id of the key the peer proved. */
    readonly provenId: string
  ) {
    super(message)
  }
}

/** Thrown when the peer proves no knowledge of our network key (or sends a malformed proof). */
export class NetworkKeyMismatchError extends Error {
  override name = 'NetworkKeyMismatchError'
}

/** Thrown when the TLS handshake of a link fails (alert, bad record, the socket closed, wrong TLS version...). */
export class SecureHandshakeError extends Error {
  override name = 'SecureHandshakeError'
}

/** Thrown when the peer answers a secure dial in plaintext (protocol version 1 frames instead of TLS). */
export class PlaintextPeerError extends Error {
  override name = 'PlaintextPeerError'
}

/** Thrown when the TLS handshake of a link does not finish in time. */
export class SecureHandshakeTimeoutError extends Error {
  override name = 'SecureHandshakeTimeoutError'
}

/** Thrown when the dialler's revealed comparison nonce does not match the commitment it sent first. */
export class ComparisonCommitmentError extends Error {
  override name = 'ComparisonCommitmentError'
}

/** A plaintext (protocol version 1) peer refused by a node that accepts secure links only (`insecure` off). */
export class PlaintextRefusedError extends Error {
  override name = 'PlaintextRefusedError'
}
