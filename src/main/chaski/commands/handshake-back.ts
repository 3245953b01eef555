// `handshake_back` (docs/PROTOCOL.md §3): the acceptor's answer, with the version it chose; the initiator registers
// the edge when it arrives. Same data as `handshake` (handshake.ts).
import type { EncodedValue } from '../envelope-encoder'
import { defineCommand } from './command'
import { checkHandshakeBack, readHandshake, type HandshakeData, type HandshakeReceiver } from './handshake'

export const handshakeBackCommand = defineCommand<HandshakeData | EncodedValue>()({
  name: 'handshake_back',
  topic: 'control',
  beforeHandshake: true,
  read: (data) => readHandshake(data, 'handshake_back'),
  handle(context: { connections: HandshakeReceiver }, link, data) {
    checkHandshakeBack(link)
    context.connections.onHandshake(link, data, 'handshake_back')
  }
})
