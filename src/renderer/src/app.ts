// The app itself (loaded by main.ts once the bridge is asking for the state): Pinia, the store on the bridge, and
// the Vue app, mounted as soon as the state is in (one render of the real dashboard) or after a short wait (the
// "connecting…" view for a slow or absent host).
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import type { ChaskiBridge } from '@shared/contract'
import App from './App.vue'
import type { WsBridgeStatus } from './bridge/ws-bridge'
import { fixCardHeadings } from './a11y/card-headings'
import { useAppStore, type BridgeMode } from './stores/app-store'
import './style.css'

/** How long the first mount waits for the state before showing the loading view instead. */
const STATE_WAIT_MS = 150

/** The WebSocket bridge's connection status and its "try now" (null in the desktop app: IPC never drops). */
export interface BridgeLink {
  onStatus(listener: (status: WsBridgeStatus) => void): void
  reconnectNow: (() => void) | null
}

export function startApp(bridge: ChaskiBridge, mode: BridgeMode, link: BridgeLink): void {
  const pinia = createPinia()
  const app = createApp(App).use(pinia)
  const store = useAppStore(pinia)
  store.setBridgeMode(mode)
  link.onStatus((status) => store.setBridgeStatus(status.connected, status.nextRetryAt))
  if (link.reconnectNow) store.setReconnect(link.reconnectNow)
  const loaded = store.connectBridge(bridge)
  loaded.catch((err: unknown) => console.error('chaski: could not load the state', err))
  let mounted = false
  const mount = (): void => {
    if (mounted) return
    mounted = true
    app.mount('#app')
    fixCardHeadings()
  }
  void loaded.then(mount, mount)
  setTimeout(mount, STATE_WAIT_MS)
}
