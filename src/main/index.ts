// Electron entry: the only module that touches BrowserWindow and ipcMain. Everything it drives (NodeHost, contract
// handlers, settings) runs under plain Node and is tested there.
import { join } from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, Menu, screen } from 'electron'
import { UPDATE_CHANNEL } from '../shared/methods'
import { appMenuTemplate } from './electron/app-menu'
import { registerContractHandlers } from './electron/register-ipc'
import { restoreBounds } from './electron/window-bounds'
import { createContractHandlers } from './host/contract-handlers'
import { NodeHost } from './host/node-host'
import { controlSocketPath } from './control/control-path'
import { openControlChannel, type ControlChannel } from './control/control-server'
import { SETTINGS_FILE } from './settings/settings-store'
import { applyWindowSecurity, secureWebPreferences } from './window-security'

let mainWindow: BrowserWindow | null = null
const settingsFile = process.env['CHASKI_SETTINGS_FILE'] ?? join(app.getPath('userData'), SETTINGS_FILE)
/** The local control channel `chaski trust` uses (src/main/control), once the nodes are loaded. */
let control: ControlChannel | null = null
const host = new NodeHost({
  settingsFile,
  onUpdate: (update) => mainWindow?.webContents.send(UPDATE_CHANNEL, update)
})

function rendererUrl(): string | null {
  // electron-vite sets ELECTRON_RENDERER_URL in dev; a packaged app loads the built file.
  return !app.isPackaged ? (process.env['ELECTRON_RENDERER_URL'] ?? null) : null
}

function isOurPage(url: string | undefined): boolean {
  if (!url) return false
  const dev = rendererUrl()
  return dev ? url.startsWith(dev) : url.startsWith('file://')
}

function createWindow(): BrowserWindow {
  const bounds = restoreBounds(
    host.getWindowBounds(),
    screen.getAllDisplays().map((d) => d.workArea)
  )
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Chaski',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/index.js'))
  })
  applyWindowSecurity(win.webContents)
  win.once('ready-to-show', () => {
    if (host.getWindowBounds()?.maximized) win.maximize()
    win.show()
  })
  win.on('close', () => {
    void host.setWindowBounds({ ...win.getNormalBounds(), maximized: win.isMaximized() })
  })
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  const dev = rendererUrl()
  if (dev) void win.loadURL(dev)
  else void win.loadFile(join(__dirname, '../renderer/index.html'))
  return win
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })

  void app.whenReady().then(async () => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(process.platform, 'Chaski')))
    registerContractHandlers(ipcMain, createContractHandlers(host), isOurPage)
    try {
      await host.load()
    } catch (err) {
      // The settings path names something that is not our settings file (CHASKI_SETTINGS_FILE, or a folder where
      // the file should be): say so and quit; the store never writes there.
      dialog.showErrorBox('Chaski cannot start', (err as Error).message)
      app.quit()
      return
    }
    control = await openControlChannel(controlSocketPath(settingsFile), createContractHandlers(host), {
      warn: (message) => console.warn(`chaski: ${message}`)
    }).catch((err: unknown) => {
      console.warn(`chaski: no control channel for chaski trust: ${(err as Error).message}`)
      return null
    })
    mainWindow = createWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Clean shutdown: every node stops (peers see a deliberate close) before the process exits.
  let shuttingDown = false
  app.on('before-quit', (event) => {
    if (shuttingDown) return
    shuttingDown = true
    event.preventDefault()
    void Promise.resolve(control?.close())
      .catch(() => undefined)
      .then(() => host.shutdown())
      .finally(() => app.quit())
  })
}
