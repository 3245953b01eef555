// What a foreground `chaski node --key <file>` trusts, kept across restarts (issue #13): the peers it pinned (tofu) or
// the person accepted (approve), and the peers the person revoked, in `<key file>.trust.json` beside the key. The
// desktop app and `chaski serve` keep the same lists in their settings file (settings/node-memory.ts); a CLI node has
// none, so this small file of its own takes that role, with the same rules:
// - written atomically (temporary file, fsync, rename), mode 0600, so a crash mid-write leaves the previous file;
// - read only when it is a regular file of ours, at most TRUST_FILE_MAX_BYTES; anything else (a directory, someone
//   else's JSON, a corrupt file) is refused with a clear message and left exactly as it was: losing a revocation
//   silently would let a refused peer back in, so the node does not start rather than overwrite it;
// - each entry is checked on its own (settings/node-memory.ts): a bad entry costs that entry, never the file.
import { constants } from 'node:fs'
import { chmod, lstat, open, rename, rm } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { parseNodeMemory, type SavedTrust } from '../settings/node-memory'

/** The marker every trust file starts with: a file without it is not ours and is never touched. */
const FORMAT = 'chaski-node-trust'
const VERSION = 1
/** 512 trusted + 256 revoked peers take about 200 KiB. */
export const TRUST_FILE_MAX_BYTES = 1024 * 1024

/** The trust file of a node whose key is `keyFile`. */
export function trustFilePath(keyFile: string): string {
  return `${keyFile}.trust.json`
}

/** The path names something that is not this node's trust file, or one that cannot be read; it was left untouched. */
export class TrustFileRefusedError extends Error {
  override name = 'TrustFileRefusedError'
}

/** The saved lists; empty when there is no file yet. Throws TrustFileRefusedError (see the top of this file). */
export async function loadTrustFile(file: string): Promise<SavedTrust> {
  const refuse = (why: string) =>
    new TrustFileRefusedError(
      `${file} cannot be used as this node's trust file: ${why}. It was left untouched; move it away ` +
        '(the node then starts with no trusted or revoked peers) or fix it'
    )
  let handle
  try {
    // lstat first: a FIFO or a device is refused unopened; O_NOFOLLOW: never read through a link someone placed.
    const info = await lstat(file)
    if (!info.isFile()) throw refuse('it is not a regular file')
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  } catch (err) {
    if (err instanceof TrustFileRefusedError) throw err
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { trusted: [], revoked: [] }
    throw refuse(`it could not be opened (${code ?? (err as Error).message})`)
  }
  let text: string
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw refuse('it is not a regular file')
    if (info.size > TRUST_FILE_MAX_BYTES)
      throw refuse(`it is ${info.size} bytes; a trust file is at most ${TRUST_FILE_MAX_BYTES}`)
    const bytes = await handle.readFile()
    if (bytes.length > TRUST_FILE_MAX_BYTES) throw refuse('it grew while it was read')
    text = bytes.toString('utf8')
  } finally {
    await handle.close()
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw refuse(`it is not valid JSON (${(err as Error).message})`)
  }
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? data : null
  if (record === null || (record as Record<string, unknown>)['format'] !== FORMAT)
    throw refuse(`it is not a chaski node trust file (no "format": "${FORMAT}")`)
  const version = (record as Record<string, unknown>)['version']
  if (version !== VERSION)
    throw refuse(`it has version ${JSON.stringify(version)}; this chaski reads version ${VERSION}`)
  return parseNodeMemory({ trust: record }).trust
}

/** Saves the lists one write after another (an older list never lands after a newer one). */
export class TrustFileWriter {
  private queue: Promise<void> = Promise.resolve()
  private last = ''

  constructor(readonly file: string) {}

  /** Writes the lists if they changed since the last write; resolves when written (rejects on a write error). */
  save(saved: SavedTrust): Promise<void> {
    const text = JSON.stringify({ format: FORMAT, version: VERSION, ...saved }, null, 2) + '\n'
    if (text === this.last) return this.queue
    this.last = text
    const next = this.queue.then(() => writeAtomically(this.file, text))
    this.queue = next.catch(() => {
      this.last = '' // written again next time
    })
    return next
  }

  /** Resolves when every write asked for so far has ended. */
  flush(): Promise<void> {
    return this.queue
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', 0o600)
  try {
    await handle.writeFile(text, 'utf8')
    await handle.chmod(0o600)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, file)
    await chmod(file, 0o600)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}
