// `handshake` (docs/PROTOCOL.md §3): the initiator introduces itself, the acceptor registers the edge and answers
// `handshake_back` (handshake-back.ts). On an established link it refreshes the peer's identity (compatibility with
// the original's 4-message exchange) and is answered again.
import type { EncodedValue } from '../envelope-encoder'
import { ProtocolError } from '../errors'
import { HANDSHAKE_PREFIX, readIdentity, type Identity } from '../identity'
import type { PeerLink } from '../peer-link'
import { fail, obj } from '../wire-fields'
import { defineCommand } from './command'

export interface HandshakeData extends Identity {
  /** Highest protocol version the sender speaks (in handshake_back: the version chosen). */
  v: number
  /** Lowest protocol version the sender accepts. */
  vmin: number
  /** Set when the handshake is an automatic reconnection (a deliberately closed peer refuses it). */
  reconnect: boolean
  /** Optional wire features the sender accepts (e.g. 'message-runs'); [] when absent. */
  features: readonly string[]
}

export type HandshakeCommandName = 'handshake' | 'handshake_back'

/** The part of a node that runs handshakes (connections.ts). */
export interface HandshakeReceiver {
  onHandshake(link: PeerLink, data: HandshakeData, command: HandshakeCommandName): void
}

export function readHandshake(value: unknown, command: HandshakeCommandName): HandshakeData {
  const data = obj(value, command)
  const v = HANDSHAKE_PREFIX.v.read(data, command)
  const vmin = HANDSHAKE_PREFIX.vmin.read(data, command)
  if (vmin > v) fail(command, "field 'vmin' is above 'v'")
  const handshake = readIdentity(data, command) as HandshakeData
  handshake.v = v
  handshake.vmin = vmin
  handshake.reconnect = HANDSHAKE_PREFIX.reconnect.read(data, command)
  handshake.features = HANDSHAKE_PREFIX.features.read(data, command)
  return handshake
}

export const handshakeCommand = defineCommand<HandshakeData | EncodedValue>()({
  name: 'handshake',
  topic: 'control',
  beforeHandshake: true,
  read: (data) => readHandshake(data, 'handshake'),
  handle(context: { connections: HandshakeReceiver }, link, data) {
    context.connections.onHandshake(link, data, 'handshake')
  }
})

/** handshake_back is only ever an answer: it never arrives on a link we accepted. */
export function checkHandshakeBack(link: PeerLink): void {
  if (!link.outbound && link.state === 'handshaking')
    throw new ProtocolError('handshake_back on an inbound connection')
}
