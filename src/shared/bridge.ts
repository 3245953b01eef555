// Builds a ChaskiBridge (window.chaski) from the contract's method list over any transport: Electron IPC in the
// preload, a WebSocket in the browser. One implementation, so both bridges expose exactly the same API.
import type { ChaskiBridge } from './contract'
import { METHOD_NAMES, type MethodName } from './methods'
import type { AppUpdate } from './snapshots'

export interface BridgeTransport {
  call(method: MethodName, args: unknown[]): Promise<unknown>
  subscribe(listener: (update: AppUpdate) => void): () => void
}

export function buildBridge(transport: BridgeTransport): ChaskiBridge {
  const methods = Object.fromEntries(
    METHOD_NAMES.map((method) => [method, (...args: unknown[]) => transport.call(method, args)])
  )
  return Object.freeze({
    ...methods,
    onUpdate(listener: (update: AppUpdate) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onUpdate needs a function')
      return transport.subscribe(listener)
    }
  }) as ChaskiBridge
}
