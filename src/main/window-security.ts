// Security defaults for every window (Electron security checklist): isolated, sandboxed renderer with no Node,
// no navigation away from the app, no new windows, and only http(s) links handed to the OS browser.
import { shell, type WebContents, type WebPreferences } from 'electron'
import { isSafeExternalUrl } from './external-url'

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    nodeIntegration: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false
  }
}

export function applyWindowSecurity(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}
