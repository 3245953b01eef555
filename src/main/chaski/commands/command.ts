// What a protocol command is (docs/PROTOCOL.md §4): its name, where it may travel, the reader that validates its
// untrusted data, and the handler that acts on it. Each command lives in a file of its own in this folder and is
// registered once in index.ts; a handler names only the part of the node it needs (its `Context`), which the
// node's context (context.ts) provides.
import type { Envelope } from '../envelope'
import type { PeerLink } from '../peer-link'

export type CommandTopic = 'control' | 'user'

export interface Command<
  Name extends string,
  Data,
  Wire,
  Context,
  Topic extends CommandTopic = CommandTopic
> {
  readonly name: Name
  /** 'control': sent on topic 'All' only; 'user': on a user topic only (a mismatch is a protocol error). */
  readonly topic: Topic
  /** May arrive before the link's handshake completes (anything else then is a protocol error). */
  readonly beforeHandshake: boolean
  /** Validates the untrusted data; throws ProtocolError. */
  read(data: unknown): Data
  /**
   * Acts on a command received on `link` (its edge is set unless beforeHandshake). Throwing a ProtocolError closes
   * that link as a protocol error.
   */
  handle(context: Context, link: PeerLink, data: Data, envelope: Envelope): void
  /** Type only: what send() takes as this command's data. */
  readonly wire?: Wire
}

/** Defines a command whose outgoing data is `Wire` (the rest is inferred). */
export function defineCommand<Wire>() {
  return <Name extends string, Data, Context, Topic extends CommandTopic>(
    command: Command<Name, Data, Wire, Context, Topic>
  ): Command<Name, Data, Wire, Context, Topic> => command
}
