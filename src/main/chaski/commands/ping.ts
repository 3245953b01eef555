// `ping` (docs/PROTOCOL.md §6): answered by a `pong` carrying the ping's id and timestamp back with the sender's
// identity. `dummy_data` pads a ping to measure larger round trips.
import { MAX_PING_SIZE } from '../constants'
import type { LinkedEdge } from '../linked-edge'
import type { EncodedValue } from '../envelope-encoder'
import type { Envelope } from '../envelope'
import { fail, get, int, obj, optionalBool } from '../wire-fields'
import { defineCommand } from './command'

export interface PingData {
  /** 0..2^53 - 1; our pings count up from 1 per node. */
  ping_id: number
  latency_update: boolean
  dummy_data: Uint8Array | null
}

export interface PingReceiver {
  onPing(edge: LinkedEdge, data: PingData, envelope: Envelope): void
}

export function readPing(value: unknown): PingData {
  const data = obj(value, 'ping')
  const dummy = get(data, 'dummy_data')
  if (dummy !== undefined && dummy !== null && !(dummy instanceof Uint8Array)) {
    fail('ping', "field 'dummy_data' must be bytes")
  }
  if (dummy instanceof Uint8Array && dummy.length > MAX_PING_SIZE) fail('ping', 'dummy_data too large')
  return {
    ping_id: int(data, 'ping_id', 'ping', 0, Number.MAX_SAFE_INTEGER),
    latency_update: optionalBool(data, 'latency_update', 'ping'),
    dummy_data: dummy instanceof Uint8Array ? dummy : null
  }
}

export const pingCommand = defineCommand<PingData | EncodedValue>()({
  name: 'ping',
  topic: 'control',
  beforeHandshake: false,
  read: readPing,
  handle(context: { pings: PingReceiver }, link, data, envelope) {
    context.pings.onPing(link.edge!, data, envelope)
  }
})
