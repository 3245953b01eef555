import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { APP_PRODUCT_NAME, desktopSettingsPath } from '../../../src/main/settings/settings-location'

const root = join(__dirname, '../../..')

describe('where the desktop app keeps its settings', () => {
  test('npm run dev and the installed app use one folder: the same productName in package.json and electron-builder.yml', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { productName?: string }
    const builder = readFileSync(join(root, 'electron-builder.yml'), 'utf8')
    expect(pkg.productName).toBe(APP_PRODUCT_NAME)
    expect(builder).toMatch(new RegExp(`^productName: ${APP_PRODUCT_NAME}$`, 'm'))
  })

  test("Electron's userData folder per OS, plus settings.json", () => {
    expect(desktopSettingsPath('linux', {}, '/home/ana')).toBe('/home/ana/.config/Chaski/settings.json')
    expect(desktopSettingsPath('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ana')).toBe(
      '/cfg/Chaski/settings.json'
    )
    expect(desktopSettingsPath('darwin', {}, '/Users/ana')).toBe(
      '/Users/ana/Library/Application Support/Chaski/settings.json'
    )
    expect(
      desktopSettingsPath('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana')
    ).toBe('C:\\Users\\ana\\AppData\\Roaming\\Chaski\\settings.json')
  })
})
