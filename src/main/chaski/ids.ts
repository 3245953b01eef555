// Message ids (the envelope's `uuid`, spec §2): a random 64-bit process prefix plus a counter. Unique across
// nodes (random prefix) and cheap enough for every frame; randomUUID() per message was a measurable cost.
import { randomBytes } from 'node:crypto'

const prefix = randomBytes(8).toString('hex') + '-'
let counter = 0

export function nextMessageId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER
  return prefix + counter.toString(36)
}
