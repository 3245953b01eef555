// `pong` (docs/PROTOCOL.md §6): the answer to a ping, `{ping_id, ...identity}`, carrying the ping's timestamp back.
// A pong in our own layout arrives as PongBytes (its identity still encoded, compared byte for byte with the last
// one the edge validated); any other map is compared with the identity the edge holds, and validated by readPong
// only when it differs (node-pings.ts): a pong that repeats a validated identity is not validated again.
import type { LinkedEdge } from '../linked-edge'
import type { EncodedValue } from '../envelope-encoder'
import { readIdentity, type Identity } from '../identity'
import { PongBytes } from '../pong-bytes'
import { int, obj, type WireObject } from '../wire-fields'
import { defineCommand } from './command'

export interface PongData extends Identity {
  ping_id: number
}

export interface PongReceiver {
  /** `data`: our layout (PongBytes), or a map the receiver compares with the edge, then validates with readPong. */
  onPong(edge: LinkedEdge, data: PongBytes | WireObject): void
}

export function readPong(value: unknown): PongData {
  const data = obj(value, 'pong')
  const pong = readIdentity(data, 'pong') as PongData
  pong.ping_id = int(data, 'ping_id', 'pong', 0, Number.MAX_SAFE_INTEGER)
  return pong
}

export const pongCommand = defineCommand<PongData | EncodedValue>()({
  name: 'pong',
  topic: 'control',
  beforeHandshake: false,
  read: (data) => (data instanceof PongBytes ? data : obj(data, 'pong')),
  handle(context: { pings: PongReceiver }, link, data) {
    context.pings.onPong(link.edge!, data)
  }
})
