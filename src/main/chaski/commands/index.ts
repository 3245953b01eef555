// The command registry (docs/PROTOCOL.md §4): every protocol command, each defined in its own file. Adding a
// command is one new file and one line in COMMAND_LIST; its name, the data send() takes for it, and the part of the
// node its handler needs (CommandContext) follow from the list.
import { CONTROL_TOPIC } from '../constants'
import type { Envelope } from '../envelope'
import { internCommandNames } from '../envelope-decoder'
import { prepareControlHeads } from '../envelope-encoder'
import { ProtocolError } from '../errors'
import type { Logger } from '../logger'
import type { PeerLink } from '../peer-link'
import { approveAcceptCommand } from './approve-accept'
import { approveCommitCommand } from './approve-commit'
import { approveNonceCommand } from './approve-nonce'
import { approveRevealCommand } from './approve-reveal'
import { closeCommand } from './close'
import type { Command } from './command'
import { discoveryCommand } from './discovery'
import { discoveryAckCommand } from './discovery-ack'
import { handshakeCommand } from './handshake'
import { handshakeBackCommand } from './handshake-back'
import { messageCommand } from './message'
import { neighboursCommand } from './neighbours'
import { mapRequestCommand } from './map-request'
import { mapReplyCommand } from './map-reply'
import { pingCommand } from './ping'
import { pongCommand } from './pong'
import { reportPairedCommand } from './report-paired'
import { updateCommand } from './update'

export const COMMAND_LIST = [
  handshakeCommand,
  handshakeBackCommand,
  closeCommand,
  approveCommitCommand,
  approveNonceCommand,
  approveRevealCommand,
  approveAcceptCommand,
  pingCommand,
  pongCommand,
  updateCommand,
  discoveryCommand,
  discoveryAckCommand,
  reportPairedCommand,
  messageCommand,
  neighboursCommand,
  mapRequestCommand,
  mapReplyCommand
] as const

type AnyCommand = (typeof COMMAND_LIST)[number]
export type CommandName = AnyCommand['name']
/** Commands sent on topic 'All'. */
export type ControlCommandName = Extract<AnyCommand, { topic: 'control' }>['name']

type WireOf<C> = C extends { readonly wire?: infer Wire } ? Wire : never
type ContextOf<C> = C extends { handle(context: infer Context, ...rest: never[]): void } ? Context : never
type Intersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void
  ? I
  : never

/** What send() takes as the data of command N. */
export type CommandData<N extends CommandName> = WireOf<Extract<AnyCommand, { name: N }>>
/** Everything the handlers together need from a node: the node's context (context.ts) provides it. */
export type CommandContext = Intersection<ContextOf<AnyCommand>>

export const COMMAND_NAMES: readonly CommandName[] = COMMAND_LIST.map((command) => command.name)
// The fast decoder returns these names as constants (no string made per frame); control frame heads are encoded
// before the first connection needs them.
internCommandNames(COMMAND_NAMES)
prepareControlHeads(
  COMMAND_LIST.filter((command) => command.topic === 'control').map((command) => command.name)
)

type Handler = Command<string, unknown, unknown, CommandContext>
const BY_NAME: ReadonlyMap<string, Handler> = new Map(
  COMMAND_LIST.map((command) => [command.name, command as unknown as Handler])
)

export function isKnownCommand(name: string): name is CommandName {
  return BY_NAME.has(name)
}

/**
 * Reads and handles one frame of `link`. Throws ProtocolError for a command out of place (not allowed before the
 * handshake; a control command on a user topic or a message on 'All') or data its reader refuses: the caller then
 * closes the link as a protocol error. Unknown commands are logged once per link and ignored, so newer peers can
 * add commands; frames of a link that is closing are dropped.
 */
export function dispatchCommand(
  context: CommandContext & { readonly log: Logger },
  link: PeerLink,
  envelope: Envelope
): void {
  const command = BY_NAME.get(envelope.command)
  if (link.state === 'handshaking') {
    if (command === undefined || !command.beforeHandshake)
      throw new ProtocolError(`'${envelope.command}' before the handshake`)
  } else if (link.state !== 'open' || link.edge === null) return
  if (command === undefined) {
    if (link.shouldLogUnknownCommand())
      context.log.warn('unknown command ignored', { command: envelope.command, from: link.edge!.toString() })
    return
  }
  if ((envelope.topic === CONTROL_TOPIC) !== (command.topic === 'control')) {
    throw new ProtocolError(
      command.topic === 'control'
        ? `'${command.name}' must be sent on topic '${CONTROL_TOPIC}', not on a user topic`
        : `a '${command.name}' on topic '${CONTROL_TOPIC}' (reserved for control commands)`
    )
  }
  command.handle(context, link, command.read(envelope.data), envelope)
}
