// Our identity as peers see it (spec §3 handshake, §6 pong): built once per change of name, subscriptions or
// pairing, with its encoding kept beside it. With the default codec the handshake data is encoded once and then
// copied into every connection's first frame, and every pong reuses the encoded identity entries.
import { MIN_PROTOCOL_VERSION } from './constants'
import type { Identity } from './messages'
import { encodePongData } from './control-data'
import { EncodedValue, encodeEntries, encodeFlat } from './msgpack-flat'

export class LocalIdentity {
  private identity: Identity | null = null
  /** The identity's map entries (for pongs); null with a custom codec, undefined until needed. */
  private entries: { entries: Buffer; count: number } | null | undefined = undefined
  /** Handshake data by `version * 2 + reconnect` (one or two entries in practice). */
  private handshakes: unknown[] = []

  constructor(
    private readonly build: () => Identity,
    /** A user serializer encodes whole envelopes: nothing can be pre-encoded then. */
    private readonly customCodec: boolean
  ) {}

  /** Something in the identity changed: everything is rebuilt on next use. */
  changed(): void {
    this.identity = null
    this.entries = undefined
    this.handshakes = []
  }

  get value(): Identity {
    this.identity ??= this.build()
    return this.identity
  }

  /** `handshake` / `handshake_back` data: `{v, vmin, reconnect}` then the identity (docs/PROTOCOL.md §3). */
  handshake(version: number, reconnect: boolean): unknown {
    const index = version * 2 + (reconnect ? 1 : 0)
    let data = this.handshakes[index]
    if (data === undefined) {
      const identity = this.value
      // A plain literal, not a spread: it is what the flat encoder walks (and spreads are slow on Node 20).
      const plain = {
        v: version,
        vmin: MIN_PROTOCOL_VERSION,
        reconnect,
        id: identity.id,
        name: identity.name,
        ip: identity.ip,
        port: identity.port,
        subscriptions: identity.subscriptions,
        paired: identity.paired,
        root: identity.root
      }
      const bytes = this.customCodec ? null : encodeFlat(plain)
      data = bytes === null ? plain : new EncodedValue(bytes)
      this.handshakes[index] = data
    }
    return data
  }

  /** `pong` data: the ping id, then the identity (its entries encoded once). */
  pong(pingId: number): unknown {
    if (this.entries === undefined) this.entries = this.customCodec ? null : encodeEntries({ ...this.value })
    const encoded = this.entries
    return encoded
      ? encodePongData(pingId, encoded.entries, encoded.count)
      : { ping_id: pingId, ...this.value }
  }
}
