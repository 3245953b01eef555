// Authenticated LAN beacons under a network key (docs/PROTOCOL.md "LAN beacons", "Authenticated beacons"). A node
// holding a network key sends beacon format 2: the format 1 datagram with byte 4 set to 2, then a timestamp and one
// tag per key it holds. A receiver holding a network key takes format 2 only, with a tag made by one of its keys, a
// timestamp within BEACON_CLOCK_WINDOW_MS of its clock and newer than the last one it took from that node id;
// everything else is dropped and counted ('unauthenticated', 'bad-tag', 'stale', 'replayed').
//
//   format 1 datagram (byte 4 = 2) | timestamp u64 BE (ms since 1970) | tag 1 (16) [| tag 2 (16)] | tag count (1)
//
// tag = first 16 bytes of HMAC-SHA-256(beacon key, every byte before the first tag); beacon key = HKDF-SHA-256(network
// key, salt: none, info: 'chaski beacon key v1', 32 bytes): the network key itself is never used for two things.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import type { NetworkKeySet } from '../security/network-key'
import { BEACON_FORMAT_VERSION } from './beacon-codec'
import type { BeaconRejectReason } from './errors'

export const AUTHENTICATED_BEACON_FORMAT = 2
export const BEACON_TAG_BYTES = 16
const TIMESTAMP_BYTES = 8
const HEADER_BYTES = 16
export const BEACON_KEY_INFO = 'chaski beacon key v1'
/** Beacons whose timestamp is further than this from the receiver's clock are dropped ('stale'). */
export const BEACON_CLOCK_WINDOW_MS = 5 * 60_000
/** Node ids whose last beacon timestamp is remembered (replay check); the oldest is forgotten first. */
export const MAX_REPLAY_IDS = 4096

export type OpenResult =
  { ok: true; inner: Buffer; timestamp: number } | { ok: false; reason: BeaconRejectReason; detail: string }

export class BeaconAuth {
  private readonly beaconKeys: Buffer[]
  private lastSent = 0
  /** Node id → timestamp of the last beacon taken from it (insertion order = least recently updated first). */
  private readonly lastSeen = new Map<string, number>()

  constructor(
    keys: NetworkKeySet,
    private readonly now: () => number = Date.now
  ) {
    this.beaconKeys = keys.keys.map((key) =>
      Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), BEACON_KEY_INFO, 32))
    )
  }

  /** A format 1 datagram → format 2, tagged with every key held (both during a rotation, so no node misses it). */
  seal(datagram: Buffer): Buffer {
    // Strictly increasing, even if the clock steps back: a receiver takes only newer timestamps per node.
    this.lastSent = Math.max(this.now(), this.lastSent + 1)
    const signedLength = datagram.length + TIMESTAMP_BYTES
    const out = Buffer.allocUnsafe(signedLength + this.beaconKeys.length * BEACON_TAG_BYTES + 1)
    datagram.copy(out, 0)
    out[4] = AUTHENTICATED_BEACON_FORMAT
    out.writeBigUInt64BE(BigInt(this.lastSent), datagram.length)
    const signed = out.subarray(0, signedLength)
    this.beaconKeys.forEach((key, i) => tag(key, signed).copy(out, signedLength + i * BEACON_TAG_BYTES))
    out[out.length - 1] = this.beaconKeys.length
    return out
  }

  /**
   * Checks an untrusted datagram's format and tags (never throws) and returns the format 1 datagram inside, for the
   * codec to decode. The timestamp is checked against the clock here, and against the sender's last by `accept`.
   */
  open(data: Buffer): OpenResult {
    if (data.length < HEADER_BYTES || data[4] !== AUTHENTICATED_BEACON_FORMAT) {
      return { ok: false, reason: 'unauthenticated', detail: 'a beacon without a network-key tag' }
    }
    const count = data[data.length - 1]!
    if (count < 1 || count > 2) return { ok: false, reason: 'malformed', detail: `tag count ${count}` }
    const signedLength = data.length - 1 - count * BEACON_TAG_BYTES
    if (signedLength < HEADER_BYTES + TIMESTAMP_BYTES) {
      return { ok: false, reason: 'malformed', detail: 'too short for its tags' }
    }
    const signed = data.subarray(0, signedLength)
    let valid = false
    // Every received tag against every key (at most 2 × 2), each compared in constant time.
    for (const key of this.beaconKeys) {
      const expected = tag(key, signed)
      for (let i = 0; i < count; i++) {
        const at = signedLength + i * BEACON_TAG_BYTES
        if (timingSafeEqual(expected, data.subarray(at, at + BEACON_TAG_BYTES))) valid = true
      }
    }
    if (!valid) return { ok: false, reason: 'bad-tag', detail: 'not tagged with this node’s network key' }
    const timestamp = Number(data.readBigUInt64BE(signedLength - TIMESTAMP_BYTES))
    const skew = timestamp - this.now()
    if (Math.abs(skew) > BEACON_CLOCK_WINDOW_MS) {
      return {
        ok: false,
        reason: 'stale',
        detail: `timestamp ${Math.round(skew / 1000)} s from this node's clock`
      }
    }
    const inner = Buffer.from(data.subarray(0, signedLength - TIMESTAMP_BYTES))
    inner[4] = BEACON_FORMAT_VERSION
    return { ok: true, inner, timestamp }
  }

  /**
   * The replay check, once the beacon is decoded: 'new' when its timestamp is newer than the last taken from `id`;
   * 'duplicate' when it is that very beacon again (one beacon heard on two interfaces: ignored quietly); 'replayed'
   * when it is older.
   */
  accept(id: string, timestamp: number): 'new' | 'duplicate' | 'replayed' {
    const last = this.lastSeen.get(id)
    if (last !== undefined && timestamp === last) return 'duplicate'
    if (last !== undefined && timestamp < last) return 'replayed'
    this.lastSeen.delete(id)
    this.lastSeen.set(id, timestamp)
    if (this.lastSeen.size > MAX_REPLAY_IDS) this.lastSeen.delete(this.lastSeen.keys().next().value!)
    return 'new'
  }
}

function tag(key: Buffer, signed: Buffer): Buffer {
  return createHmac('sha256', key).update(signed).digest().subarray(0, BEACON_TAG_BYTES)
}
