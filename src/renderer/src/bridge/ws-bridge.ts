// The browser-mode bridge: the same ChaskiBridge as window.chaski, over the WebSocket of `chaski serve`.
// Calls made while the socket is down wait for it to reconnect; a call never hangs forever (timeout).
// The access token comes from the page's URL (`?token=`, as `chaski serve` prints it) and travels only inside the
// WebSocket handshake, as the subprotocol `chaski.token.<token>` beside `chaski.v1`: never in a cookie, which every
// other service on the same address would receive too.
import { buildBridge } from '@shared/bridge'
import type { ChaskiBridge } from '@shared/contract'
import type { MethodName } from '@shared/methods'
import type { Result } from '@shared/result'
import type { AppUpdate } from '@shared/snapshots'
import { WS_PATH, WS_SUBPROTOCOL, WS_TOKEN_PROTOCOL_PREFIX, type WsServerMessage } from '@shared/ws-protocol'

const CALL_TIMEOUT_MS = 130_000
const RECONNECT_MAX_MS = 5_000

export interface WsBridgeStatus {
  connected: boolean
}

export function createWsBridge(
  url = wsUrlFor(window.location),
  onStatus: (status: WsBridgeStatus) => void = () => undefined,
  token = tokenFor(window.location)
): ChaskiBridge {
  const listeners = new Set<(update: AppUpdate) => void>()
  const pending = new Map<
    number,
    { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> }
  >()
  let queue: string[] = []
  let socket: WebSocket | null = null
  let nextId = 1
  let retryMs = 250

  function open(): void {
    const ws = new WebSocket(url, wsProtocolsFor(token))
    socket = ws
    ws.onopen = () => {
      retryMs = 250
      onStatus({ connected: true })
      for (const text of queue) ws.send(text)
      queue = []
    }
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as WsServerMessage
      if (message.type === 'update') listeners.forEach((l) => l(message.update))
      else if (message.type === 'reply') {
        const call = pending.get(message.id)
        if (!call) return
        pending.delete(message.id)
        clearTimeout(call.timer)
        call.resolve(message.result)
      }
    }
    ws.onclose = () => {
      onStatus({ connected: false })
      socket = null
      setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS)
    }
  }
  open()

  function call(method: MethodName, args: unknown[]): Promise<Result<unknown>> {
    const id = nextId++
    const text = JSON.stringify({ type: 'call', id, method, args })
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        resolve({
          ok: false,
          error: { name: 'TimeoutError', message: `${method} got no answer from the host` }
        })
      }, CALL_TIMEOUT_MS)
      pending.set(id, { resolve, timer })
      if (socket?.readyState === WebSocket.OPEN) socket.send(text)
      else queue.push(text)
    })
  }

  return buildBridge({
    call,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  })
}

/** The access token of the page's URL (`?token=`), or null. */
export function tokenFor(location: Pick<Location, 'search'>): string | null {
  return new URLSearchParams(location.search).get('token')
}

/** What the client offers: the bridge's subprotocol, and the token as a second one (the server selects the first). */
export function wsProtocolsFor(token: string | null): string[] {
  // A mistyped token that a subprotocol cannot carry is left out (the host then refuses, and the page says so).
  const usable = token !== null && /^[\w.~-]{1,200}$/.test(token)
  return usable ? [WS_SUBPROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${token}`] : [WS_SUBPROTOCOL]
}

export function wsUrlFor(location: Location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${protocol}//${location.host}${WS_PATH}`
}
