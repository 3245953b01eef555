// Messages of the browser host's WebSocket bridge (chaski serve). The same contract as the preload bridge: a call
// names a contract method and its argument list; the reply carries the method's Result; updates are pushed.
import type { MethodName } from './methods'
import type { Result } from './result'
import type { AppUpdate } from './snapshots'

export const WS_PATH = '/bridge'
/** Largest message a client may send; bigger ones close that client (1009). */
export const WS_MAX_CLIENT_MESSAGE_BYTES = 256 * 1024

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
