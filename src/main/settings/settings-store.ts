// Loads and saves the settings file (settings.json in the app's user-data folder, or `chaski serve --config`).
// Writes are atomic (temporary file, fsync, rename), so a crash mid-write leaves the previous file intact.
//
// The path is the user's to choose, so it may name anything. Only a file that is ours is ever moved or replaced:
// - a directory, a FIFO, a socket or a device is refused with a clear error (a FIFO is never opened: start-up
//   cannot hang on it), and so is a file larger than SETTINGS_MAX_BYTES (refused unread, by its size);
// - a file that is not a Chaski settings file (a shell rc file, someone else's JSON) is refused and left untouched;
// - a settings file that is ours but corrupt or invalid is moved aside (never deleted) and reported, so the UI can
//   say where the old settings went;
// - a symbolic link is followed: the file it points to is read and written (atomically, beside the target), and
//   the link stays a link.
import { constants, type Stats } from 'node:fs'
import { lstat, mkdir, open, readlink, rename, rm, type FileHandle } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { DEFAULT_PREFERENCES, SETTINGS_VERSION, validateSettings, type Settings } from './settings-schema'

export const SETTINGS_FILE = 'settings.json'
/** Largest settings file read: 256 nodes take about 200 KiB, so this is far beyond any real one. */
export const SETTINGS_MAX_BYTES = 8 * 1024 * 1024
const MAX_SYMLINK_HOPS = 40

export type LoadOutcome =
  | { kind: 'loaded'; settings: Settings }
  | { kind: 'missing'; settings: Settings }
  | { kind: 'recovered'; settings: Settings; movedTo: string; problem: string }

/** The path names something that is not a settings file; it was left exactly as it was. */
export class SettingsFileRefusedError extends Error {
  override name = 'SettingsFileRefusedError'
}

export function emptySettings(): Settings {
  return { version: SETTINGS_VERSION, nodes: [], preferences: { ...DEFAULT_PREFERENCES }, window: null }
}

export class SettingsStore {
  readonly dir: string
  /** Saves run one after another, so an older snapshot never lands after a newer one. */
  private queue: Promise<void> = Promise.resolve()
  /** Set when load() refused the path: nothing is ever written there. */
  private refusal: SettingsFileRefusedError | null = null

  /** @param path the settings file (the desktop app uses `<userData>/settings.json`). */
  constructor(readonly path: string) {
    this.dir = dirname(path)
  }

  /** @throws SettingsFileRefusedError when the path is not a settings file (see the top of this file). */
  async load(): Promise<LoadOutcome> {
    try {
      return await this.loadFrom(await this.target())
    } catch (err) {
      if (err instanceof SettingsFileRefusedError) this.refusal = err
      throw err
    }
  }

  save(settings: Settings): Promise<void> {
    if (this.refusal) return Promise.reject(this.refusal)
    const next = this.queue.then(() => this.writeAtomically(JSON.stringify(settings, null, 2) + '\n'))
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Test seam: the step between writing the temporary file and renaming it over the real one. */
  protected beforeRename(): Promise<void> {
    return Promise.resolve()
  }

  private async loadFrom(file: string): Promise<LoadOutcome> {
    let handle
    try {
      // lstat first: a FIFO or a device is refused without being opened (opening a FIFO blocks until a writer
      // comes, and a read of /dev/zero never ends). O_NONBLOCK covers a swap between the check and the open.
      this.checkKind(await lstat(file))
      handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
    } catch (err) {
      if (err instanceof SettingsFileRefusedError) throw err
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return { kind: 'missing', settings: emptySettings() }
      throw this.refuse(`it could not be opened (${code ?? (err as Error).message})`)
    }
    let text: string | null
    try {
      this.checkKind(await handle.stat())
      text = await readAtMost(handle, SETTINGS_MAX_BYTES)
    } finally {
      await handle.close()
    }
    if (text === null) throw this.refuse(`it grew past ${SETTINGS_MAX_BYTES} bytes while it was read`)
    if (text.trim() === '') return { kind: 'missing', settings: emptySettings() } // nothing in it to lose
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (err) {
      if (!startsLikeOurs(text)) throw this.refuse('it is not a Chaski settings file (it is not JSON)')
      return this.moveAside(file, `it is not valid JSON (${(err as Error).message})`)
    }
    const checked = validateSettings(data)
    if (checked.ok) return { kind: 'loaded', settings: checked.settings }
    if (!startsLikeOurs(text) && !isOurShape(data))
      throw this.refuse('it is JSON, but not a Chaski settings file (no "version" and "nodes")')
    return this.moveAside(file, `it is not valid: ${checked.message}`)
  }

  /** Throws unless `info` is a regular file of at most SETTINGS_MAX_BYTES. */
  private checkKind(info: Stats): void {
    if (!info.isFile()) throw this.refuse(`it is ${kindOf(info)}, not a settings file`)
    if (info.size > SETTINGS_MAX_BYTES) {
      const mib = (info.size / 1024 / 1024).toFixed(1)
      throw this.refuse(
        `it is ${mib} MiB; a settings file is at most ${SETTINGS_MAX_BYTES / 1024 / 1024} MiB, so it was not read`
      )
    }
  }

  private refuse(why: string): SettingsFileRefusedError {
    return new SettingsFileRefusedError(
      `${this.path} cannot be used as the settings file: ${why}. It was left untouched; ` +
        'name a settings file of this app, or a path where one may be created'
    )
  }

  /** The file the path leads to: symbolic links followed one by one (a dangling link leads to where it points). */
  private async target(): Promise<string> {
    let current = resolve(this.path)
    for (let hop = 0; hop < MAX_SYMLINK_HOPS; hop++) {
      let info: Stats
      try {
        info = await lstat(current)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return current
        throw this.refuse(`it could not be examined (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
      }
      if (!info.isSymbolicLink()) return current
      current = resolve(dirname(current), await readlink(current))
    }
    throw this.refuse(`it is a chain of more than ${MAX_SYMLINK_HOPS} symbolic links`)
  }

  private async writeAtomically(text: string): Promise<void> {
    // Through a symbolic link: the temporary file sits beside the target, so the rename replaces the target and
    // the link stays a link.
    const file = await this.target()
    await mkdir(dirname(file), { recursive: true })
    const temp = `${file}.${process.pid}.tmp`
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await this.beforeRename()
      await rename(temp, file)
    } catch (err) {
      await rm(temp, { force: true })
      throw err
    }
  }

  private async moveAside(file: string, problem: string): Promise<LoadOutcome> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const movedTo = `${file}.corrupt-${stamp}`
    await rename(file, movedTo)
    return { kind: 'recovered', settings: emptySettings(), movedTo, problem }
  }
}

/** The whole file as text, or null past `max` bytes (the size was checked, but the file may grow meanwhile). */
async function readAtMost(handle: FileHandle, max: number): Promise<string | null> {
  const chunks: Buffer[] = []
  let total = 0
  for (;;) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, max + 1 - total))
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null)
    if (bytesRead === 0) break
    chunks.push(chunk.subarray(0, bytesRead))
    total += bytesRead
    if (total > max) return null
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** We always write `{ "version": ...` first: a truncated or hand-broken file of ours still starts that way. */
function startsLikeOurs(text: string): boolean {
  return /^\uFEFF?\s*\{\s*"version"\s*:/.test(text.slice(0, 256))
}

function isOurShape(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false
  const record = data as Record<string, unknown>
  return typeof record['version'] === 'number' && 'nodes' in record
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory'
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  return 'not a regular file'
}
