// `chaski serve --port 0 --bare --json` with its own temporary settings file: the dashboard's host for one test file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnCli, type JsonProcess } from './processes'

export interface ServeProcess {
  /** The URL with the access token, to open in the browser. */
  openUrl: string
  configFile: string
  process: JsonProcess
  stop(): Promise<void>
}

/** `settingsText`: what the settings file holds before the host starts (e.g. something corrupt). */
export async function startServe(
  label: string,
  options: { settingsText?: string } = {}
): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), `chaski-e2e-${label}-`))
  const configFile = join(dir, 'settings.json')
  if (options.settingsText !== undefined) writeFileSync(configFile, options.settingsText)
  const proc = spawnCli(`chaski serve (${label})`, [
    'serve',
    '--port',
    '0',
    '--bare',
    '--json',
    '--config',
    configFile
  ])
  const serving = await proc.waitForLine((l) => l.event === 'serving', 'serving line')
  return {
    openUrl: String(serving['openUrl']),
    configFile,
    process: proc,
    async stop() {
      await proc.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
