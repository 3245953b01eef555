// Where the desktop app keeps its settings file: Electron's userData folder, named after the app's productName
// ("Chaski", set in package.json for `npm run dev` and in electron-builder.yml for the installed app, so both use the
// same folder), plus settings.json. Worked out here without Electron so `chaski serve --help` and the README can name
// it (serve can use the same file with --config, though not while the desktop app runs: both would write it).
import { homedir } from 'node:os'
import { posix, win32 } from 'node:path'
import { SETTINGS_FILE } from './settings-store'

export const APP_PRODUCT_NAME = 'Chaski'

/** Electron's app.getPath('userData') for this product name, as it computes it on each OS. */
export function desktopSettingsPath(
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir()
): string {
  if (platform === 'win32')
    return win32.join(
      env['APPDATA'] ?? win32.join(home, 'AppData', 'Roaming'),
      APP_PRODUCT_NAME,
      SETTINGS_FILE
    )
  if (platform === 'darwin')
    return posix.join(home, 'Library', 'Application Support', APP_PRODUCT_NAME, SETTINGS_FILE)
  const config = env['XDG_CONFIG_HOME'] || posix.join(home, '.config')
  return posix.join(config, APP_PRODUCT_NAME, SETTINGS_FILE)
}

/** The same for each OS, one per line (help texts). */
export const DESKTOP_SETTINGS_BY_OS = [
  'Linux    ~/.config/Chaski/settings.json (or $XDG_CONFIG_HOME/Chaski/settings.json)',
  'macOS    ~/Library/Application Support/Chaski/settings.json',
  'Windows  %APPDATA%\\Chaski\\settings.json'
]
