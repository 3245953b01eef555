// One error class per failure. Code and tests compare `err.name`, which survives IPC hops as { name, message }.

/** Thrown when a constructor option (or a method argument) is invalid. */
export class InvalidOptionError extends Error {
  override name = 'InvalidOptionError'
}

/** Thrown when an address string ('ip:port', '[v6]:port', 'Name@ip:port') cannot be parsed. */
export class InvalidAddressError extends Error {
  override name = 'InvalidAddressError'
}

/** Thrown by `ready` when the TCP or UDP port is already taken. */
export class AddressInUseError extends Error {
  override name = 'AddressInUseError'
}

/** Thrown when the node cannot listen for another reason (bad interface address...). */
export class ListenError extends Error {
  override name = 'ListenError'
}

/** Thrown when an operation needs a started node (run: false and start() not called). */
export class NotRunningError extends Error {
  override name = 'NotRunningError'
}

/** Thrown when an operation is attempted on (or interrupted by) a stopped node. */
export class NodeStoppedError extends Error {
  override name = 'NodeStoppedError'
}

/** Thrown when the peer refuses the TCP connection or the network cannot reach it. */
export class PeerUnreachableError extends Error {
  override name = 'PeerUnreachableError'
}

/** Thrown when the TCP connection does not open in time. */
export class ConnectTimeoutError extends Error {
  override name = 'ConnectTimeoutError'
}

/** Thrown when the peer does not complete the handshake in time. */
export class HandshakeTimeoutError extends Error {
  override name = 'HandshakeTimeoutError'
}

/** Thrown when a node is asked to connect to itself. */
export class SelfConnectionError extends Error {
  override name = 'SelfConnectionError'
}

/** Thrown when the peer closed the link during the handshake (refused, stopping, closed). */
export class ConnectionRefusedError extends Error {
  override name = 'ConnectionRefusedError'
  constructor(
    message: string,
    /** The peer's close reason, when it sent one (docs/PROTOCOL.md, "Closing"). */
    readonly reason: string | null = null
  ) {
    super(message)
  }
}

/**
 * Thrown when the node declines to dial an address it learned from the network (a discovery origin, a LAN beacon):
 * that target, or all of them together, were dialled too often lately (docs/PROTOCOL.md §10).
 */
export class DialLimitedError extends Error {
  override name = 'DialLimitedError'
}

/** Thrown when connecting would take this node past its `maxEdges` (docs/PROTOCOL.md §10). */
export class TooManyEdgesError extends Error {
  override name = 'TooManyEdgesError'
}

/** Thrown when the peer speaks no protocol version we support. */
export class ProtocolVersionError extends Error {
  override name = 'ProtocolVersionError'
}

/** Thrown (and emitted as 'protocol-error') when a peer sends a malformed or invalid frame. */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/** Thrown when a frame announces more bytes than the allowed maximum. */
export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError'
}

/** Thrown when a ping gets no pong in time. */
export class PingTimeoutError extends Error {
  override name = 'PingTimeoutError'
}

/** Thrown when an operation targets an edge that is closed or not ours. */
export class EdgeClosedError extends Error {
  override name = 'EdgeClosedError'
}

/** Thrown when a UDP status request gets no response in time. */
export class StatusTimeoutError extends Error {
  override name = 'StatusTimeoutError'
}

/** Thrown when a node's status is too large for a UDP answer (docs/PROTOCOL.md §9): ask it over TCP instead. */
export class StatusTooLargeError extends Error {
  override name = 'StatusTooLargeError'
  constructor(
    message: string,
    /** Bytes the full response would have taken. */
    readonly size: number
  ) {
    super(message)
  }
}

/** Thrown when data to send is not plain msgpack (a Date, Set, BigInt beyond ±(2^53 − 1)...): docs/PROTOCOL.md §2. */
export class UnsupportedDataError extends Error {
  override name = 'UnsupportedDataError'
}

/** No `map_reply` arrived in time (docs/PROTOCOL.md §12 "On demand"). */
export class MapRequestTimeoutError extends Error {
  override name = 'MapRequestTimeoutError'
}
