import type { ChaskiBridge } from '../shared/contract'

declare global {
  interface Window {
    /** The typed contract: the preload bridge in the desktop app, the WebSocket bridge in a browser. */
    chaski?: ChaskiBridge
  }
}
