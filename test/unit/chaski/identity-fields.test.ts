// The identity fields are defined once (identity.ts IDENTITY_FIELDS); every place that writes or reads them must
// carry each one: the handshake and pong writers (local-identity.ts) and readers (the fast ones in
// envelope-decoder.ts and the generic ones in commands/), the LAN beacon codec, and what an edge follows from an
// update. A field added to IDENTITY_FIELDS and forgotten by one of them fails here, by name.
import { describe, expect, it } from 'vitest'
import { msgpackCodec } from '../../../src/main/chaski/codec'
import { readHandshake } from '../../../src/main/chaski/commands/handshake'
import { readPong } from '../../../src/main/chaski/commands/pong'
import { readUpdate } from '../../../src/main/chaski/commands/update'
import { decodeEnvelopeFast, encodeEnvelopeFrame, PongBytes } from '../../../src/main/chaski/envelope-codec'
import {
  FOLLOWED_KEYS,
  HANDSHAKE_LAYOUT,
  IDENTITY_KEYS,
  IDENTITY_LAYOUT,
  type Identity
} from '../../../src/main/chaski/identity'
import { decodeBeacon, encodeBeacon } from '../../../src/main/chaski/lan/beacon-codec'
import { LocalIdentity } from '../../../src/main/chaski/local-identity'

// Every field set to a value that differs from any default (typed Identity: a new field must be added here).
const identity: Identity = {
  id: 'f00dfeed-0000-4000-8000-000000000001',
  name: 'Identity Ñ',
  ip: '10.1.2.3',
  port: 40_404,
  subscriptions: ['alpha', 'βeta'],
  paired: true,
  root: true
}

/** The envelope body of an encoded frame. */
function body(frame: Buffer): Buffer {
  return frame.subarray(8 + frame.readUInt32BE(4))
}

/** Each identity field of `value`, by name (a missing one shows as undefined under its own key). */
function fieldsOf(value: object): Record<string, unknown> {
  return Object.fromEntries(IDENTITY_KEYS.map((key) => [key, (value as Record<string, unknown>)[key]]))
}

describe('identity fields, one definition', () => {
  it('the layouts our encoder writes list every identity field once', () => {
    expect(IDENTITY_LAYOUT.map((field) => field.key)).toEqual(IDENTITY_KEYS)
    expect(HANDSHAKE_LAYOUT.map((field) => field.key).filter((key) => key in identity)).toEqual(IDENTITY_KEYS)
  })

  for (const custom of [false, true]) {
    const local = new LocalIdentity({ identityNow: () => identity }, custom)
    const how = custom ? 'a custom codec' : 'the default codec'

    it(`a handshake written with ${how} carries every field, through the fast and the generic reader`, () => {
      const frame = encodeEnvelopeFrame('handshake', 'All', local.handshake(1, false), 1, 64, null)
      const fast = decodeEnvelopeFast(body(frame), 'All')!
      const generic = msgpackCodec.decode(body(frame)) as { data: Record<string, unknown> }
      expect(fieldsOf(readHandshake(fast.data, 'handshake'))).toEqual(identity)
      expect(fieldsOf(readHandshake(generic.data, 'handshake'))).toEqual(identity)
    })

    it(`a pong written with ${how} carries every field, through the fast and the generic reader`, () => {
      const frame = encodeEnvelopeFrame('pong', 'All', local.pong(5), 1, 64, null)
      const fast = decodeEnvelopeFast(body(frame), 'All')!.data
      const decoded = fast instanceof PongBytes ? fast.decode() : fast
      const generic = msgpackCodec.decode(body(frame)) as { data: Record<string, unknown> }
      expect(fieldsOf(readPong(decoded))).toEqual(identity)
      expect(fieldsOf(readPong(generic.data))).toEqual(identity)
    })
  }

  it('a LAN beacon carries every field', () => {
    const result = decodeBeacon(
      encodeBeacon({ ...identity, kind: 'announce', v: 1, intervalMs: 1_000, seq: 1 })
    )
    expect(result.ok).toBe(true)
    if (result.ok) expect(fieldsOf(result.beacon)).toEqual(identity)
  })

  it('an update carries every field an edge follows, except root (fixed by the handshake)', () => {
    const update = readUpdate({ name: identity.name, subscriptions: identity.subscriptions, paired: true })
    expect(Object.keys(update).sort()).toEqual(FOLLOWED_KEYS.filter((key) => key !== 'root').sort())
  })
})
