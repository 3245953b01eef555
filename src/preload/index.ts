// Preload: runs sandboxed with contextIsolation. It will expose the typed contract as `window.chaski`
// (see src/shared); until then it exposes only the app version so the page can show it.
import { contextBridge } from 'electron'

contextBridge.exposeInMainWorld('chaskiInfo', { platform: process.platform })
