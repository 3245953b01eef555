// A pong in our own layout (docs/PROTOCOL.md §6): `ping_id` first, then the sender's identity entries as its
// encoder wrote them (local-identity.ts). Read by envelope-decoder.ts, handled by node-pings.ts.
import { unpackRange } from './codec'
import { ProtocolError } from './errors'

const unpack = unpackRange

/**
 * A pong in our own layout: `ping_id` first, then the sender's identity entries as its encoder wrote them. The
 * identity stays encoded, so a pong repeating the identity an edge already holds is matched by comparing bytes
 * instead of decoding and validating seven fields (node.ts onPong). `data` is a view into received bytes: use
 * it while the frame is handled, copy what must outlive it (identityCopy).
 */
export class PongBytes {
  constructor(
    readonly pingId: number,
    /** The whole `data` value (a msgpack map). */
    readonly data: Buffer,
    /** Where the identity entries start in `data`. */
    readonly identityAt: number
  ) {}

  /** True when the identity entries are byte for byte `identity` (a copy kept from an earlier pong). */
  identityEquals(identity: Buffer): boolean {
    const data = this.data
    const n = identity.length
    if (data.length - this.identityAt !== n) return false
    const at = this.identityAt
    for (let i = 0; i < n; i++) if (data[at + i] !== identity[i]) return false
    return true
  }

  identityCopy(): Buffer {
    return Buffer.from(this.data.subarray(this.identityAt))
  }

  /** The whole data value, decoded like any control data (then validated by readPong). */
  decode(): unknown {
    const data = this.data
    try {
      return unpack(data, 0, data.length)
    } catch (error) {
      throw new ProtocolError(`undecodable frame body: ${(error as Error).message}`)
    }
  }
}
