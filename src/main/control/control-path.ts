// Where a node host's control socket lives (control-protocol.ts), derived from its settings file so that a CLI given
// the same --config (or none: the desktop app's) finds it: `<settings file>.control` beside the file, in the user's
// own folder (a foreground `chaski node --key <file>`: `<key file>.control`). Unix socket paths are short (104 bytes on macOS): a longer one moves to a private folder of this user
// under the temp dir, named by a hash of the settings path. On Windows it is a named pipe named by that hash.
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** The longest socket path used beside the settings file (sun_path is 104 bytes on macOS, 108 on Linux). */
const MAX_SOCKET_PATH = 100

export function controlSocketPath(settingsFile: string, platform = process.platform): string {
  const file = resolve(settingsFile)
  const hash = createHash('sha256').update(file).digest('hex').slice(0, 20)
  if (platform === 'win32') return `\\\\.\\pipe\\chaski-control-${hash}`
  const beside = `${file}.control`
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH) return beside
  return join(privateTempDir(), `control-${hash}.sock`)
}

/** For a host without a settings file (`chaski serve` without --config, `chaski node` without --key): per process. */
export function processControlSocketPath(pid = process.pid, platform = process.platform): string {
  if (platform === 'win32') return `\\\\.\\pipe\\chaski-control-pid-${pid}`
  return join(privateTempDir(), `host-${pid}.sock`)
}

/** `<tmp>/chaski-<uid>`: made 0700 by the server before use (control-server.ts checks it is ours). */
export function privateTempDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0
  return join(tmpdir(), `chaski-${uid}`)
}
