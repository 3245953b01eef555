// The browser-mode bridge: the same ChaskiBridge as window.chaski, over the WebSocket of `chaski serve`.
// When the host goes away, nothing waits in silence: calls still unanswered fail at once with a clear message, new
// calls fail until it is back, and the socket is opened again with backoff (at most every 5 s), each next try's
// time reported so the page can count down to it. Calls made before the very first connection wait for it (the
// page's first getState), bounded like every call.
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

const RECONNECT_FIRST_MS = 250

export interface WsBridgeStatus {
  connected: boolean
  /** Epoch ms of the next try to reach the host while it is away, else null. */
  nextRetryAt: number | null
}

/** The bridge, and a way to try reaching the host now instead of at the next planned try. */
export type WsBridge = ChaskiBridge & { reconnectNow(): void }

/** The error of a call that cannot reach the host: its name survives like every contract error. */
export const HOST_UNREACHABLE = 'HostUnreachableError'

export function createWsBridge(
  url = wsUrlFor(window.location),
  onStatus: (status: WsBridgeStatus) => void = () => undefined,
  token = tokenFor(window.location)
): WsBridge {
  const listeners = new Set<(update: AppUpdate) => void>()
  const pending = new Map<
    number,
    { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> }
  >()
  let queue: { id: number; text: string }[] = []
  let socket: WebSocket | null = null
  let nextId = 1
  let retryMs = RECONNECT_FIRST_MS
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let everConnected = false

  const unreachable = (message: string): Result<unknown> => ({
    ok: false,
    error: { name: HOST_UNREACHABLE, message }
  })

  function settle(id: number, result: Result<unknown>): void {
    const call = pending.get(id)
    if (!call) return
    pending.delete(id)
    clearTimeout(call.timer)
    call.resolve(result)
  }

  function open(): void {
    retryTimer = null
    const ws = new WebSocket(url, wsProtocolsFor(token))
    socket = ws
    ws.onopen = () => {
      retryMs = RECONNECT_FIRST_MS
      everConnected = true
      onStatus({ connected: true, nextRetryAt: null })
      for (const { text } of queue) ws.send(text)
      queue = []
    }
    ws.onmessage = (event) => {
      let message: WsServerMessage
      try {
        message = JSON.parse(String(event.data)) as WsServerMessage
      } catch {
        return
      }
      if (message.type === 'update') listeners.forEach((l) => l(message.update))
      else if (message.type === 'reply') settle(message.id, message.result)
    }
    ws.onclose = () => {
      if (socket !== ws) return
      socket = null
      if (everConnected) {
        // Nothing will answer these: say so now rather than spin until the timeout.
        for (const id of [...pending.keys()])
          settle(
            id,
            unreachable(
              'the connection to chaski serve was lost before it answered; once it is back, check whether this took effect'
            )
          )
      }
      const nextRetryAt = Date.now() + retryMs
      retryTimer = setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS)
      onStatus({ connected: false, nextRetryAt })
    }
  }
  open()

  function call(method: MethodName, args: unknown[]): Promise<Result<unknown>> {
    const id = nextId++
    const text = JSON.stringify({ type: 'call', id, method, args })
    if (everConnected && socket?.readyState !== WebSocket.OPEN)
      return Promise.resolve(
        unreachable('chaski serve cannot be reached right now; the page reconnects by itself')
      )
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        queue = queue.filter((q) => q.id !== id)
        settle(id, {
          ok: false,
          error: { name: 'TimeoutError', message: `${method} got no answer from the host` }
        })
      }, CALL_TIMEOUT_MS)
      pending.set(id, { resolve, timer })
      if (socket?.readyState === WebSocket.OPEN) socket.send(text)
      else queue.push({ id, text })
    })
  }

  const bridge = buildBridge({
    call,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  })
  return Object.freeze({
    ...bridge,
    reconnectNow(): void {
      if (socket || retryTimer === null) return
      clearTimeout(retryTimer)
      open()
    }
  }) as WsBridge
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
