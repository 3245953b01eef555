// Files holding secrets (the node key, the network key): read only when they are what they should be, written only
// where nothing is. Reading checks before a byte is read: a regular file, small, and (POSIX) not open to group or
// other users. Writing never replaces a file, even one that appears while we write: a key file is an identity.
import { constants as fsConstants } from 'node:fs'
import { copyFile, link, mkdir, open, unlink } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { createLogger } from '../logger'
import { KEY_FILE_FORBIDDEN_MODE, KEY_FILE_MODE, MAX_KEY_FILE_BYTES } from './constants'
import { KeyFileError, KeyFilePermissionsError } from './errors'

const log = createLogger('chaski:security')

/** What to do when group or other users may read or write a key file (POSIX; Windows has no mode bits). */
export type KeyFilePermissions = 'refuse' | 'warn'

export interface KeyFileOptions {
  /** @default 'refuse' (like OpenSSH with an unprotected private key) */
  permissions?: KeyFilePermissions
}

/**
 * Opens a key file for reading and checks it before reading a byte: a regular file, at most MAX_KEY_FILE_BYTES, and
 * (POSIX) no group/other permission bits. Errors opening it (ENOENT, EACCES...) are thrown as they are.
 */
export async function readProtectedFile(
  file: string,
  what: string,
  options: KeyFileOptions = {}
): Promise<string> {
  const handle = await open(file, 'r')
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) throw new KeyFileError(`the ${what} ${file} is not a regular file`)
    if (stat.size > MAX_KEY_FILE_BYTES) {
      throw new KeyFileError(
        `the ${what} ${file} is ${stat.size} bytes; a key file is at most ${MAX_KEY_FILE_BYTES}`
      )
    }
    if (process.platform !== 'win32' && (stat.mode & KEY_FILE_FORBIDDEN_MODE) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(3, '0')
      const message =
        `the ${what} ${file} has mode ${mode}: other users of this machine may read it. ` +
        `Run \`chmod 600 ${file}\` so only its owner can`
      if ((options.permissions ?? 'refuse') === 'refuse') throw new KeyFilePermissionsError(message)
      log.warn(message)
    }
    const bytes = await handle.readFile()
    if (bytes.length > MAX_KEY_FILE_BYTES) throw new KeyFileError(`the ${what} ${file} grew while being read`)
    return bytes.toString('utf8')
  } finally {
    await handle.close()
  }
}

/**
 * Writes `text` to `file` only if no file is there: written whole to a temporary file first (mode 0600, synced),
 * then hard-linked into place, which fails rather than replace anything. False when `file` appeared meanwhile.
 */
export async function writeNewFile(file: string, text: string): Promise<boolean> {
  const dir = path.dirname(file)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', KEY_FILE_MODE)
  try {
    await handle.writeFile(text)
    await handle.chmod(KEY_FILE_MODE)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await link(temp, file)
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // A file system without hard links: an exclusive copy still never replaces an existing file.
    try {
      await copyFile(temp, file, fsConstants.COPYFILE_EXCL)
      return true
    } catch (copyErr) {
      if ((copyErr as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw copyErr
    }
  } finally {
    await unlink(temp).catch(() => {})
  }
}
