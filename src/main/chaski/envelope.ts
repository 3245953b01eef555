// The body of every frame (spec §2, docs/PROTOCOL.md §2): the envelope and its generic validator. Our own layout
// is read faster by envelope-decoder.ts; any other layout is decoded by the codec and checked here.
import { MAX_ID_LENGTH, MAX_TOPIC_BYTES } from './constants'
import { ProtocolError } from './errors'
import { fail, get, int, isWireObject, str } from './wire-fields'

export interface Envelope {
  command: string
  topic: string
  data: unknown
  timestamp: number
  ttl: number
  /** '' when the receiving node keeps no message ids (messagePropagation off: nothing reads them then). */
  uuid: string
}

/** Validates an envelope decoded by the codec. Extra keys are ignored (docs/PROTOCOL.md §2, "extra keys"). */
export function parseEnvelope(value: unknown, frameTopic: string): Envelope {
  if (!isWireObject(value)) throw new ProtocolError('frame body is not a map')
  const command = str(value, 'command', 'frame', 32)
  const topic = str(value, 'topic', command, MAX_TOPIC_BYTES, true)
  if (topic !== frameTopic) fail(command, `body topic '${topic}' differs from frame topic '${frameTopic}'`)
  const timestamp = get(value, 'timestamp')
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp))
    fail(command, "field 'timestamp' must be a number")
  const ttl = int(value, 'ttl', command, 0, 255)
  const uuid = str(value, 'uuid', command, MAX_ID_LENGTH)
  return { command, topic, data: get(value, 'data'), timestamp, ttl, uuid }
}
