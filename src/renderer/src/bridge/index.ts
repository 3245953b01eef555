// The page talks to the node host through whichever bridge exists: the preload's window.chaski in the desktop
// app, or the WebSocket of `chaski serve` in a browser. Both implement the same ChaskiBridge.
import type { ChaskiBridge } from '@shared/contract'
import { createWsBridge } from './ws-bridge'

export function pickBridge(): ChaskiBridge {
  return window.chaski ?? createWsBridge()
}
