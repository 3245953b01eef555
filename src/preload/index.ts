// Preload: runs sandboxed with contextIsolation and exposes exactly the contract as `window.chaski`.
// Only functions and plain data cross the bridge: no ipcRenderer, no Node objects reach the page, and only
// channels derived from the contract (all under the app's prefix) are ever used.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { buildBridge } from '../shared/bridge'
import { UPDATE_CHANNEL, channelFor } from '../shared/methods'
import type { AppUpdate } from '../shared/snapshots'

contextBridge.exposeInMainWorld(
  'chaski',
  buildBridge({
    call: (method, args) => ipcRenderer.invoke(channelFor(method), ...args),
    subscribe: (listener) => {
      const wrapped = (_event: IpcRendererEvent, update: AppUpdate) => listener(update)
      ipcRenderer.on(UPDATE_CHANNEL, wrapped)
      return () => {
        ipcRenderer.removeListener(UPDATE_CHANNEL, wrapped)
      }
    }
  })
)
