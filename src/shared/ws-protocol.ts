// Messages of the browser host's WebSocket bridge (chaski serve). The same contract as the preload bridge: a call
// names a contract method and its argument list; the reply carries the method's Result; updates are pushed.
import type { MethodName } from './methods'
import type { Result } from './result'
import type { AppUpdate } from './snapshots'

export const WS_PATH = '/bridge'
/** Largest message a client may send; bigger ones close that client (1009). */
export const WS_MAX_CLIENT_MESSAGE_BYTES = 256 * 1024
/** The subprotocol of this bridge: a client offers it, the server selects it. */
export const WS_SUBPROTOCOL = 'chaski.v1'
/**
 * The access token travels as a second offered subprotocol, `chaski.token.<token>` (never in a cookie, which every
 * service on the same address would receive; the server never selects it, so it is not echoed back).
 */
export const WS_TOKEN_PROTOCOL_PREFIX = 'chaski.token.'
/** Close code when the host already has its maximum number of dashboard clients (RFC 6455: try again later). */
export const WS_CLOSE_TOO_MANY_CLIENTS = 1013

export interface WsCall {
  type: 'call'
  id: number
  method: MethodName
  args: unknown[]
}

export type WsServerMessage =
  | { type: 'reply'; id: number; result: Result<unknown> }
  | { type: 'update'; update: AppUpdate }
  | { type: 'error'; message: string }
