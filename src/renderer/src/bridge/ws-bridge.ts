// The browser-mode bridge: the same ChaskiBridge as window.chaski, over the WebSocket of `chaski serve`.
// Calls made while the socket is down wait for it to reconnect; a call never hangs forever (timeout).
import { buildBridge } from '@shared/bridge'
import type { ChaskiBridge } from '@shared/contract'
import type { MethodName } from '@shared/methods'
import type { Result } from '@shared/result'
import type { AppUpdate } from '@shared/snapshots'
import { WS_PATH, type WsServerMessage } from '@shared/ws-protocol'

const CALL_TIMEOUT_MS = 130_000
const RECONNECT_MAX_MS = 5_000

export interface WsBridgeStatus {
  connected: boolean
}

export function createWsBridge(
  url = wsUrlFor(window.location),
  onStatus: (status: WsBridgeStatus) => void = () => undefined
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
    const ws = new WebSocket(url)
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

export function wsUrlFor(location: Location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${protocol}//${location.host}${WS_PATH}`
}
