// Renderer entry: Pinia, the bridge (the preload's window.chaski in the desktop app, else the WebSocket of
// `chaski serve`, whose connection status the header shows), then the app.
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createWsBridge, wsUrlFor } from './bridge/ws-bridge'
import { useAppStore } from './stores/app-store'
import { fixCardHeadings } from './a11y/card-headings'
import './style.css'

const pinia = createPinia()
const app = createApp(App).use(pinia)
const store = useAppStore(pinia)

const ipc = window.chaski
store.setBridgeMode(ipc ? 'ipc' : 'websocket')
let bridge = ipc
if (!bridge) {
  const ws = createWsBridge(wsUrlFor(window.location), (status) =>
    store.setBridgeStatus(status.connected, status.nextRetryAt)
  )
  store.setReconnect(() => ws.reconnectNow())
  bridge = ws
}
store.connectBridge(bridge).catch((err: unknown) => console.error('chaski: could not load the state', err))

app.mount('#app')
fixCardHeadings()
