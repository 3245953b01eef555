// Loads and saves the settings file (settings.json in the app's user-data folder, or `chaski serve --config`). Writes are atomic (temporary file, fsync, rename),
// so a crash mid-write leaves the previous file intact. A corrupt or invalid file is moved aside, never deleted,
// and reported so the UI can tell the user where their old settings went.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DEFAULT_PREFERENCES, SETTINGS_VERSION, validateSettings, type Settings } from './settings-schema'

export const SETTINGS_FILE = 'settings.json'

export type LoadOutcome =
  | { kind: 'loaded'; settings: Settings }
  | { kind: 'missing'; settings: Settings }
  | { kind: 'recovered'; settings: Settings; movedTo: string; problem: string }

export function emptySettings(): Settings {
  return { version: SETTINGS_VERSION, nodes: [], preferences: { ...DEFAULT_PREFERENCES }, window: null }
}

export class SettingsStore {
  readonly dir: string
  /** Saves run one after another, so an older snapshot never lands after a newer one. */
  private queue: Promise<void> = Promise.resolve()

  /** @param path the settings file (the desktop app uses `<userData>/settings.json`). */
  constructor(readonly path: string) {
    this.dir = dirname(path)
  }

  async load(): Promise<LoadOutcome> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return { kind: 'missing', settings: emptySettings() }
      return this.moveAside(`it could not be read (${(err as Error).message})`)
    }
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (err) {
      return this.moveAside(`it is not valid JSON (${(err as Error).message})`)
    }
    const checked = validateSettings(data)
    if (!checked.ok) return this.moveAside(`it is not valid: ${checked.message}`)
    return { kind: 'loaded', settings: checked.settings }
  }

  save(settings: Settings): Promise<void> {
    const next = this.queue.then(() => this.writeAtomically(JSON.stringify(settings, null, 2) + '\n'))
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Test seam: the step between writing the temporary file and renaming it over the real one. */
  protected beforeRename(): Promise<void> {
    return Promise.resolve()
  }

  private async writeAtomically(text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const temp = `${this.path}.${process.pid}.tmp`
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await this.beforeRename()
      await rename(temp, this.path)
    } catch (err) {
      await rm(temp, { force: true })
      throw err
    }
  }

  private async moveAside(problem: string): Promise<LoadOutcome> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const movedTo = `${this.path}.corrupt-${stamp}`
    await rename(this.path, movedTo)
    return { kind: 'recovered', settings: emptySettings(), movedTo, problem }
  }
}
