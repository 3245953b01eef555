// The local control channel (issue #13 "chaski trust ... against a running host"): how a CLI on this machine talks to
// a running node host (the desktop app, `chaski serve`). One JSON object per line each way, over a Unix domain socket
// (mode 0600, so only this user can connect; a web page cannot open one at all) or a named pipe on Windows:
//   request  {"id": <integer>, "method": <contract method>, "args": [...]}
//   response {"id": <the same>, "result": {"ok": true, "value": ...} | {"ok": false, "error": {name, message}}}
// Only the methods below are served; their arguments go through the same validation as the dashboard's calls.
import type { MethodName } from '../../shared/methods'

/** What the channel serves: reading the state, and deciding about peers. */
export const CONTROL_METHODS: readonly MethodName[] = [
  'getState',
  'acceptPeer',
  'rejectPeer',
  'revokePeer',
  'unrevokePeer'
]

/** A request line longer than this is refused and the connection closed (a real request is a few hundred bytes). */
export const MAX_CONTROL_REQUEST_BYTES = 64 * 1024
/** Clients connected at once; one more is told so and closed. */
export const MAX_CONTROL_CLIENTS = 8
/** A client silent this long is closed. */
export const CONTROL_IDLE_TIMEOUT_MS = 30_000
/** What a client reads of one response at most (a whole state with 64 nodes stays well under). */
export const MAX_CONTROL_RESPONSE_BYTES = 32 * 1024 * 1024

export interface ControlRequest {
  id: number
  method: string
  args: unknown[]
}
