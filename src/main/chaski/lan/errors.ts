// One error class per failure; code and tests compare `err.name` (it survives IPC as { name, message }).

/** Thrown when `lan` options (or the env cap) are invalid: bad group, port, interval or interface list. */
export class LanOptionsError extends Error {
  override readonly name = 'LanOptionsError'
}

/** Thrown when our own beacon cannot be encoded (e.g. an id that is not a short ASCII token). */
export class BeaconEncodeError extends Error {
  override readonly name = 'BeaconEncodeError'
}

/** Why a received datagram was dropped (see beacon-codec.ts and lan-discovery.ts). */
export type BeaconRejectReason =
  | 'too-large'
  | 'too-short'
  | 'bad-magic'
  | 'unsupported-version'
  | 'bad-kind'
  | 'malformed'
  | 'bad-field'
  | 'unreachable-address'
  | 'rate-limited'
  | 'table-full'
  | 'host-quota'
  /** Under a network key: a beacon without a tag (format 1), or a beacon format 2 while this node holds no key. */
  | 'unauthenticated'
  /** Under a network key: tagged with another key, or altered. */
  | 'bad-tag'
  /** Under a network key: its timestamp is more than 5 minutes from this node's clock. */
  | 'stale'
  /** Under a network key: older than the last beacon taken from that node id (a replay). */
  | 'replayed'

/** Emitted (never thrown) when a received beacon is dropped; the rest of the node is untouched. */
export class BeaconRejectedError extends Error {
  override readonly name = 'BeaconRejectedError'
  constructor(
    readonly reason: BeaconRejectReason,
    readonly source: string,
    readonly detail: string,
    /** How many datagrams this error stands for (drops are summarised, not reported one by one). */
    readonly count = 1
  ) {
    super(`LAN beacon from ${source} dropped (${reason}): ${detail}`)
  }
}
