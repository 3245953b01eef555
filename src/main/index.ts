// Electron entry: the only module that touches BrowserWindow. Everything else in src/main runs under plain Node.
import { join } from 'node:path'
import { app, BrowserWindow } from 'electron'
import { applyWindowSecurity, secureWebPreferences } from './window-security'

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Chaski',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/index.js'))
  })
  applyWindowSecurity(win.webContents)
  win.once('ready-to-show', () => win.show())

  // electron-vite sets ELECTRON_RENDERER_URL in dev; a packaged app loads the built file.
  const devUrl = process.env['ELECTRON_RENDERER_URL']
  if (!app.isPackaged && devUrl) void win.loadURL(devUrl)
  else void win.loadFile(join(__dirname, '../renderer/index.html'))
  return win
}

void app.whenReady().then(() => {
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
