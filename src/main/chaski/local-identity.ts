// Our identity as peers see it (spec §3 handshake, §6 pong): built once per change of name, subscriptions or
// pairing, with its encoding kept beside it. With the default codec the handshake data is encoded once and then
// copied into every connection's first frame, and every pong reuses the encoded identity entries.
import { packValue } from './codec'
import type { CommandData } from './commands/index'
import { encodePongData } from './control-data'
import { EncodedValue } from './envelope-encoder'
import { keptBytes } from './kept-bytes'
import type { Identity } from './identity'

/** Where the identity comes from (the node's context): asked again after every change. */
export interface IdentitySource {
  identityNow(): Identity
}

/** Where a packed plain object's map entries start (after msgpackr's map header), and how many there are. */
function mapEntries(packed: Uint8Array): { start: number; count: number } {
  // msgpackr writes an object's map header as map 16 (0xde + count) or, for a few keys, a fixmap.
  if (packed[0] === 0xde) return { start: 3, count: (packed[1]! << 8) | packed[2]! }
  return { start: 1, count: packed[0]! & 0x0f }
}

// Both encodings below are kept until the identity changes: copied out of msgpackr's reused buffer into kept bytes
// (kept-bytes.ts), not sliced from an 8 KiB pool slab they would pin.

/** A plain object's msgpack map entries (msgpackr's bytes, without its map header) and their count. */
function encodeEntries(record: Record<string, unknown>): { entries: Buffer; count: number } {
  const packed = packValue(record)
  const { start, count } = mapEntries(packed)
  const entries = keptBytes(packed.length - start)
  entries.set(packed.subarray(start))
  return { entries, count }
}

/**
 * A map of fewer than 16 keys in its smallest form (a fixmap header), as the fast readers expect it: in kept bytes
 * when `kept`, else in a buffer of its own that dies with its last user.
 */
function encodeSmallMap(record: Record<string, unknown>, kept: boolean): Buffer {
  const packed = packValue(record)
  const { start, count } = mapEntries(packed)
  const size = 1 + packed.length - start
  const out = kept ? keptBytes(size) : Buffer.allocUnsafeSlow(size)
  out[0] = 0x80 | count
  out.set(packed.subarray(start), 1)
  return out
}

export class LocalIdentity {
  private identity: Identity | null = null
  /** The identity's map entries (for pongs); null with a custom codec, undefined until needed. */
  private entries: { entries: Buffer; count: number } | null | undefined = undefined
  /**
   * Handshake data by `version * 2 + reconnect`: the first one encoded in two fields (most nodes only ever need one:
   * no table), any other in a table made when a second is needed.
   */
  private firstIndex = -1
  private first: CommandData<'handshake'> | null = null
  private others: Map<number, CommandData<'handshake'>> | null = null
  /**
   * Encoded handshake data handed out once and not kept (see handshake()): its index, and whether `first` is such
   * data (encoded ahead, not yet handed out).
   */
  private spentIndex = -1
  private firstOnce = false

  constructor(
    private readonly source: IdentitySource,
    /** A user serializer encodes whole envelopes: nothing can be pre-encoded then. */
    private readonly customCodec: boolean,
    /** The wire features this node accepts (handshake `features`, message-runs.ts localFeatures). */
    private readonly features: readonly string[] = []
  ) {}

  /** Something in the identity changed: everything is rebuilt on next use. */
  changed(): void {
    this.identity = null
    this.entries = undefined
    this.firstIndex = -1
    this.first = null
    this.others = null
    this.spentIndex = -1
    this.firstOnce = false
  }

  get value(): Identity {
    this.identity ??= this.source.identityNow()
    return this.identity
  }

  /**
   * `handshake` / `handshake_back` data: `{v, vmin, reconnect, features}` then every identity field (docs/PROTOCOL.md §3,
   * identity.ts HANDSHAKE_LAYOUT, the order the fast reader expects).
   */
  handshake(version: number, reconnect: boolean): CommandData<'handshake'> {
    const index = version * 2 + (reconnect ? 1 : 0)
    if (index === this.firstIndex) {
      const data = this.first!
      if (this.firstOnce) this.spend(index)
      return data
    }
    const known = this.others?.get(index)
    if (known !== undefined) return known
    // Most nodes send one handshake in their life (a leaf dials once): its bytes are kept only once a second link
    // asks for the same data (a node others dial, a reconnect). One handed out before is kept from then on.
    const keep = this.customCodec || index === this.spentIndex
    const data = this.encodeHandshake(version, reconnect, keep)
    if (!keep) {
      this.spend(index)
      return data
    }
    if (this.first === null) {
      this.firstIndex = index
      this.first = data
    } else {
      ;(this.others ??= new Map()).set(index, data)
    }
    return data
  }

  /**
   * Encodes the handshake the next link will most likely send (the one a plain dial sends), so that connecting does
   * not pay for it; it is not kept past that first use unless a second link asks for it.
   */
  prepareHandshake(version: number): void {
    const index = version * 2
    if (this.first !== null || this.spentIndex === index) return
    this.first = this.encodeHandshake(version, false, this.customCodec)
    this.firstIndex = index
    this.firstOnce = !this.customCodec
  }

  /** `index`'s data was handed out without being kept: the next request for it is encoded again and kept. */
  private spend(index: number): void {
    if (this.firstIndex === index && this.firstOnce) {
      this.first = null
      this.firstIndex = -1
      this.firstOnce = false
    }
    this.spentIndex = index
  }

  private encodeHandshake(version: number, reconnect: boolean, keep: boolean): CommandData<'handshake'> {
    // Once per identity change: a spread costs nothing worth measuring here.
    // Not kept as `value`: once encoded, a node that never answers a ping needs no plain copy.
    // A link speaks one version (its transport's): vmin = v.
    const identity = this.identity ?? this.source.identityNow()
    const plain = { v: version, vmin: version, reconnect, features: this.features, ...identity }
    return this.customCodec ? plain : new EncodedValue(encodeSmallMap(plain, keep))
  }

  /** `pong` data: the ping id, then the identity (its entries encoded once). */
  pong(pingId: number): CommandData<'pong'> {
    // Encoded from an identity not kept as `value` (like the handshake's): the entries are all a pong needs.
    if (this.entries === undefined)
      this.entries = this.customCodec
        ? null
        : encodeEntries({ ...(this.identity ?? this.source.identityNow()) })
    const encoded = this.entries
    return encoded
      ? encodePongData(pingId, encoded.entries, encoded.count)
      : { ping_id: pingId, ...this.value }
  }
}
