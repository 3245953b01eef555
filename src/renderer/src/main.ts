// Renderer entry, small on purpose: it picks the bridge (the preload's window.chaski in the desktop app, else the
// WebSocket of `chaski serve`) and asks for the state at once (bridge/head-start.ts), then loads the app, which
// the browser fetches and compiles while the host answers.
import { withHeadStart } from './bridge/head-start'
import { createWsBridge, wsUrlFor, type WsBridge, type WsBridgeStatus } from './bridge/ws-bridge'

// The socket's status may change before the app is there to show it: the last one is handed over.
let statusListener: ((status: WsBridgeStatus) => void) | null = null
let lastStatus: WsBridgeStatus | null = null
const ipc = window.chaski
let ws: WsBridge | null = null
if (!ipc) {
  ws = createWsBridge(wsUrlFor(window.location), (status) => {
    lastStatus = status
    statusListener?.(status)
  })
}
const bridge = withHeadStart(ipc ?? ws!)

import('./app')
  .then(({ startApp }) =>
    startApp(bridge, ipc ? 'ipc' : 'websocket', {
      onStatus(listener) {
        statusListener = listener
        if (lastStatus !== null) listener(lastStatus)
      },
      reconnectNow: ws ? () => ws!.reconnectNow() : null
    })
  )
  .catch((err: unknown) => console.error('chaski: the dashboard could not load', err))
