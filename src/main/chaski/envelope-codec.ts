// The default msgpack envelope (spec §2, docs/PROTOCOL.md §2): written by hand and read at known positions.
// The encoder and the fast decoder live in their own modules; this one is the entry point for both.
export { encodeEnvelopeFrame, planFrame, writePlannedFrame } from './envelope-encoder'
export { decodeEnvelopeAt, decodeEnvelopeFast } from './envelope-decoder'
export { PongBytes } from './pong-bytes'
