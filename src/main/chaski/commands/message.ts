// `message` (docs/PROTOCOL.md §8): a topic message; the frame's topic is the message's topic, never 'All'. Its data
// is the user's, handed over as decoded (plain msgpack, checked by the codec).
import type { LinkedEdge } from '../linked-edge'
import type { Envelope } from '../envelope'
import { defineCommand } from './command'

export interface MessageReceiver {
  onMessage(edge: LinkedEdge, envelope: Envelope): void
}

export const messageCommand = defineCommand<unknown>()({
  name: 'message',
  topic: 'user',
  beforeHandshake: false,
  read: (data) => data,
  handle(context: { messages: MessageReceiver }, link, _data, envelope) {
    context.messages.onMessage(link.edge!, envelope)
  }
})
