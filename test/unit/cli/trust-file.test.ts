// The trust file of a foreground `chaski node --key` (src/main/cli/trust-file.ts): written whole and 0600, read back;
// a file that is not ours, too big, or not a file is refused and left as it was; a bad entry costs only itself.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import {
  loadTrustFile,
  TRUST_FILE_MAX_BYTES,
  TrustFileWriter,
  trustFilePath
} from '../../../src/main/cli/trust-file'

const dir = mkdtempSync(join(tmpdir(), 'chaski-trust-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const saved = {
  trusted: [{ id: 'abc', name: 'Laptop', address: '127.0.0.1:4000', firstSeen: 1, lastSeen: 2 }],
  revoked: [{ id: 'def', name: 'Old', at: 3 }]
}

describe('trust file', () => {
  test('beside the key; a missing file is empty lists; what is saved is read back, mode 0600, no temporary left', async () => {
    const file = trustFilePath(join(dir, 'a.key'))
    expect(file).toBe(join(dir, 'a.key.trust.json'))
    expect(await loadTrustFile(file)).toEqual({ trusted: [], revoked: [] })
    writeFileSync(file, '{"format": "chaski-node-trust", "version": 1, "trusted": [], "revoked": []}', {
      mode: 0o644
    })
    chmodSync(file, 0o644)
    const writer = new TrustFileWriter(file)
    await writer.save(saved)
    expect(await loadTrustFile(file)).toEqual(saved)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  test('refused and untouched: not ours, a newer version, too big, a directory', async () => {
    const cases: [string, string | null, RegExp][] = [
      ['foreign.json', '{"nodes": []}', /not a chaski node trust file/],
      ['array.json', '[1, 2]', /not a chaski node trust file/],
      ['newer.json', '{"format": "chaski-node-trust", "version": 2}', /has version 2/],
      ['big.json', ' '.repeat(TRUST_FILE_MAX_BYTES + 1), /a trust file is at most/],
      ['folder.json', null, /not a regular file/]
    ]
    for (const [name, text, message] of cases) {
      const file = join(dir, name)
      if (text === null) mkdirSync(file)
      else writeFileSync(file, text)
      await expect(loadTrustFile(file)).rejects.toThrow(message)
      await expect(loadTrustFile(file)).rejects.toMatchObject({ name: 'TrustFileRefusedError' })
      if (text !== null) expect(readFileSync(file, 'utf8')).toBe(text)
    }
  })

  test('a bad entry costs that entry only', async () => {
    const file = join(dir, 'entries.json')
    writeFileSync(
      file,
      JSON.stringify({
        format: 'chaski-node-trust',
        version: 1,
        trusted: [saved.trusted[0], { id: 42 }],
        revoked: ['nope', saved.revoked[0]]
      })
    )
    expect(await loadTrustFile(file)).toEqual(saved)
  })
})
