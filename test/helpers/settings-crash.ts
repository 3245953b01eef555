// Child process for the atomic-write test: saves settings and dies (SIGKILL) between the write and the rename.
import { defaultNodeConfig } from '../../src/main/host/node-config'
import { SETTINGS_VERSION } from '../../src/main/settings/settings-schema'
import { join } from 'node:path'
import { SETTINGS_FILE, SettingsStore } from '../../src/main/settings/settings-store'

class CrashingStore extends SettingsStore {
  protected override beforeRename(): Promise<void> {
    process.kill(process.pid, 'SIGKILL')
    return new Promise(() => undefined)
  }
}

const dir = process.argv[2]
if (!dir) throw new Error('usage: settings-crash.ts <dir>')
void new CrashingStore(join(dir, SETTINGS_FILE)).save({
  version: SETTINGS_VERSION,
  nodes: [{ ...defaultNodeConfig(), name: 'after' }],
  preferences: { theme: 'system', recentAddresses: [] },
  window: null
})
