// The node key file on a real file system (a temporary directory per test): created once with mode 0600, read back
// with the same id, refused when others can read it, and never replaced when it is corrupt.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  encodeNodeKeyFile,
  generateNodeKey,
  loadOrCreateNodeKey,
  readNodeKeyFile
} from '../../../../src/main/chaski/security/node-key'
import { setLogSink, type LogRecord } from '../../../../src/main/chaski/logger'

const posix = process.platform !== 'win32'
let dir: string
let file: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'chaski-key-'))
  file = path.join(dir, 'node.key')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Writes a key file as a user or another tool might have (mode 0600 unless said otherwise). */
async function put(text: string | Buffer, mode = 0o600): Promise<void> {
  await writeFile(file, text, { mode })
  await chmod(file, mode)
}

/** The error `promise` rejects with (a resolved promise fails the test). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: Error) => err
  )
}

/** The error a call rejects with, and the file's bytes before and after it. */
async function refused(
  load: () => Promise<unknown>
): Promise<{ error: Error; before: Buffer; after: Buffer }> {
  const before = await readFile(file)
  const error = await rejection(load())
  return { error, before, after: await readFile(file) }
}

describe('first start', () => {
  it('creates the key file with mode 0600, and every later start reads the same identity', async () => {
    const first = await loadOrCreateNodeKey(file)
    expect(first.created).toBe(true)
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600)
    const text = await readFile(file, 'utf8')
    expect(text).toContain(`# id: ${first.key.id}`)
    expect(text).toContain('-----BEGIN PRIVATE KEY-----')

    const second = await loadOrCreateNodeKey(file)
    expect(second.created).toBe(false)
    expect(second.key.id).toBe(first.key.id)
    expect(await readFile(file, 'utf8')).toBe(text)
  })

  it('creates the directory when it does not exist', async () => {
    const nested = path.join(dir, 'config', 'chaski', 'node.key')
    const { key, created } = await loadOrCreateNodeKey(nested)
    expect(created).toBe(true)
    expect((await readNodeKeyFile(nested)).id).toBe(key.id)
  })

  it('gives one identity to starts racing each other (the later ones read what the first wrote)', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateNodeKey(file)))
    expect(new Set(results.map((r) => r.key.id)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect((await readNodeKeyFile(file)).id).toBe(results[0]!.key.id)
    // No temporary file is left behind.
    expect(await readdir(dir)).toEqual(['node.key'])
  })

  it('reads keys made by other tools: PKCS #8 or SEC1 PEM of a P-256 key, without the id line', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    await put(privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const pkcs8 = await readNodeKeyFile(file)
    await put(privateKey.export({ type: 'sec1', format: 'pem' }))
    expect((await readNodeKeyFile(file)).id).toBe(pkcs8.id)
  })
})

describe.runIf(posix)('file mode', () => {
  it.each([0o640, 0o604, 0o644, 0o660, 0o666, 0o620])(
    'refuses a key file with mode %o and says how to fix it, leaving it as it is',
    async (mode) => {
      await put(encodeNodeKeyFile(generateNodeKey()), mode)
      const { error, before, after } = await refused(() => loadOrCreateNodeKey(file))
      expect(error.name).toBe('KeyFilePermissionsError')
      expect(error.message).toContain(`mode ${mode.toString(8)}`)
      expect(error.message).toContain(`chmod 600 ${file}`)
      expect(after.equals(before)).toBe(true)
      expect((await stat(file)).mode & 0o777).toBe(mode)
    }
  )

  it("with permissions: 'warn', loads it and logs a warning instead", async () => {
    const key = generateNodeKey()
    await put(encodeNodeKeyFile(key), 0o644)
    const records: LogRecord[] = []
    const previous = setLogSink((record) => records.push(record))
    try {
      expect((await readNodeKeyFile(file, { permissions: 'warn' })).id).toBe(key.id)
    } finally {
      setLogSink(previous)
    }
    expect(records.some((r) => r.level === 'warn' && r.message.includes('chmod 600'))).toBe(true)
  })
})

describe('a corrupt key file is refused and never replaced', () => {
  const key = generateNodeKey()
  const good = encodeNodeKeyFile(key)
  const lines = good.split('\n')
  const body = lines.findIndex((l) => l.startsWith('-----BEGIN')) + 1

  const cases: [string, () => string | Buffer][] = [
    ['empty', () => ''],
    ['text that is not a key', () => 'hello\n'],
    ['a truncated PEM block', () => good.slice(0, good.length - 80)],
    ['binary garbage', () => Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff))],
    [
      'a damaged base64 line',
      () =>
        [...lines.slice(0, body), lines[body]!.replace(/[A-Za-z]/, '!'), ...lines.slice(body + 1)].join('\n')
    ],
    [
      'a key that is not P-256 (Ed25519)',
      () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    ],
    [
      'a key that is not P-256 (P-384)',
      () =>
        generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({
          type: 'pkcs8',
          format: 'pem'
        }) as string
    ],
    [
      'another key under this id line (a damaged key that still parses)',
      () =>
        good.replace(/-----BEGIN[\s\S]*/, encodeNodeKeyFile(generateNodeKey()).replace(/^#[^\n]*\n/gm, ''))
    ]
  ]

  it.each(cases)('%s: KeyFileCorruptError, the file byte for byte as it was', async (_what, content) => {
    await put(content())
    for (const load of [() => loadOrCreateNodeKey(file), () => readNodeKeyFile(file)]) {
      const { error, before, after } = await refused(load)
      expect(error.name).toBe('KeyFileCorruptError')
      expect(error.message).toContain(file)
      expect(error.message).toMatch(/left untouched/)
      expect(error.message).toMatch(/new identity/)
      expect(after.equals(before)).toBe(true)
    }
  })

  it('a directory or an oversized file in its place: KeyFileError, nothing written', async () => {
    await mkdir(file)
    expect((await rejection(loadOrCreateNodeKey(file))).name).toBe('KeyFileError')
    await rm(file, { recursive: true })
    await put(Buffer.alloc(65 * 1024, 0x41))
    const { error, before, after } = await refused(() => loadOrCreateNodeKey(file))
    expect(error.name).toBe('KeyFileError')
    expect(error.message).toMatch(/at most/)
    expect(after.equals(before)).toBe(true)
  })

  it.runIf(posix && process.getuid?.() !== 0)(
    'an unreadable file: KeyFileError (EACCES), not a new identity',
    async () => {
      await put(good)
      await chmod(file, 0o000)
      const error = await rejection(loadOrCreateNodeKey(file))
      expect(error.name).toBe('KeyFileError')
      expect(error.message).toContain('EACCES')
      await chmod(file, 0o600)
      expect(await readFile(file, 'utf8')).toBe(good)
    }
  )
})
