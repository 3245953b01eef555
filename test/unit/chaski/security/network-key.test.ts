// The network-key file and the proofs' rules that need no link (the link-bound behaviour is in
// test/integration/security/tls-link.int.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  generateNetworkKeyText,
  loadNetworkKeyFile,
  networkKeyProofs,
  parseNetworkKeyText,
  verifyNetworkKeyProofs
} from '../../../../src/main/chaski/security/network-key'

const hex = (): string => randomBytes(32).toString('hex')

describe('network-key text', () => {
  it('reads hex and base64url keys, ignoring comments and blank lines', () => {
    const key = randomBytes(32)
    const set = parseNetworkKeyText(`# fleet key\n\n${key.toString('hex')}\n`, 'k')
    expect(set.keys).toHaveLength(1)
    expect(set.keys[0]!.equals(key)).toBe(true)
    expect(parseNetworkKeyText(key.toString('base64url'), 'k').keys[0]!.equals(key)).toBe(true)
    expect(set.fingerprints[0]).toMatch(/^[0-9a-f]{8}$/)
    expect(set.fingerprints[0]).not.toContain(key.toString('hex').slice(0, 8))
  })

  it('holds two keys during a rotation, never more, never the same twice', () => {
    expect(parseNetworkKeyText(`${hex()}\n${hex()}\n`, 'k').keys).toHaveLength(2)
    expect(() => parseNetworkKeyText(`${hex()}\n${hex()}\n${hex()}`, 'k')).toThrow(/at most 2/)
    const same = hex()
    expect(() => parseNetworkKeyText(`${same}\n${same}`, 'k')).toThrow(/same key twice/)
  })

  it('refuses what is not a strong key, without repeating the line (it may be a secret)', () => {
    const weak = [
      '',
      '# only a comment',
      'correct horse battery staple',
      'hunter2',
      '00'.repeat(32),
      '0123456789abcdef'.repeat(4),
      'ab'.repeat(16), // 16 bytes: too short
      randomBytes(31).toString('hex')
    ]
    for (const text of weak) {
      let error: Error | undefined
      try {
        parseNetworkKeyText(text, 'fleet.key')
      } catch (err) {
        error = err as Error
      }
      expect(error?.name, JSON.stringify(text)).toBe('NetworkKeyFileError')
      expect(error!.message).toContain('fleet.key')
      if (text.length > 4 && !text.startsWith('#')) expect(error!.message).not.toContain(text)
    }
  })

  it('makes new files that read back', () => {
    const text = generateNetworkKeyText()
    expect(parseNetworkKeyText(text, 'new').keys).toHaveLength(1)
    expect(generateNetworkKeyText()).not.toBe(text)
  })
})

describe('network-key file', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'chaski-netkey-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('loads a file of mode 0600; a missing one is a clear error', async () => {
    const file = path.join(dir, 'fleet.key')
    await writeFile(file, generateNetworkKeyText(), { mode: 0o600 })
    expect((await loadNetworkKeyFile(file)).keys).toHaveLength(1)
    const missing = await loadNetworkKeyFile(path.join(dir, 'nope.key')).then(
      () => new Error('expected a rejection'),
      (e: Error) => e
    )
    expect(missing.name).toBe('NetworkKeyFileError')
    expect(missing.message).toContain('ENOENT')
  })

  it.runIf(process.platform !== 'win32')('refuses a file others can read', async () => {
    const file = path.join(dir, 'fleet.key')
    await writeFile(file, generateNetworkKeyText())
    await chmod(file, 0o644)
    const error = await loadNetworkKeyFile(file).then(
      () => new Error('expected a rejection'),
      (e: Error) => e
    )
    expect(error.name).toBe('KeyFilePermissionsError')
    expect(error.message).toContain('chmod 600')
  })
})

describe('proofs', () => {
  const set = parseNetworkKeyText(hex(), 'k')
  const binding = randomBytes(32)

  it('are accepted from the other end of the same link, with the same key', () => {
    const proofs = networkKeyProofs(set, { channelBinding: binding, role: 'dialler' })
    expect(verifyNetworkKeyProofs(set, { channelBinding: binding, role: 'acceptor' }, proofs)).toBe(0)
  })

  it('are refused when reflected back to their sender, or made for another link, or with another key', () => {
    const ours = networkKeyProofs(set, { channelBinding: binding, role: 'dialler' })
    const mismatch = expect.objectContaining({ name: 'NetworkKeyMismatchError' })
    // Our own proof sent back to us by a peer that does not know the key.
    expect(() => verifyNetworkKeyProofs(set, { channelBinding: binding, role: 'dialler' }, ours)).toThrow(
      mismatch
    )
    // A proof from another link (a replay).
    const other = networkKeyProofs(set, { channelBinding: randomBytes(32), role: 'dialler' })
    expect(() => verifyNetworkKeyProofs(set, { channelBinding: binding, role: 'acceptor' }, other)).toThrow(
      mismatch
    )
    // Another network's key.
    const stranger = networkKeyProofs(parseNetworkKeyText(hex(), 'x'), {
      channelBinding: binding,
      role: 'dialler'
    })
    expect(() =>
      verifyNetworkKeyProofs(set, { channelBinding: binding, role: 'acceptor' }, stranger)
    ).toThrow(mismatch)
  })

  it('refuses malformed proofs from the wire', () => {
    const link = { channelBinding: binding, role: 'acceptor' as const }
    const good = networkKeyProofs(set, { channelBinding: binding, role: 'dialler' })[0]!
    for (const bad of [
      undefined,
      null,
      'proof',
      [],
      [good, good, good],
      [good.subarray(0, 16)],
      [[...good]],
      {}
    ]) {
      expect(() => verifyNetworkKeyProofs(set, link, bad)).toThrow(/malformed/)
    }
  })

  it('rotation: a node holding the new and the old key links with nodes holding either', () => {
    const oldKey = hex()
    const newKey = hex()
    const both = parseNetworkKeyText(`${newKey}\n${oldKey}`, 'both')
    const onlyOld = parseNetworkKeyText(oldKey, 'old')
    const onlyNew = parseNetworkKeyText(newKey, 'new')
    const dial = { channelBinding: binding, role: 'dialler' as const }
    const accept = { channelBinding: binding, role: 'acceptor' as const }
    expect(verifyNetworkKeyProofs(onlyOld, accept, networkKeyProofs(both, dial))).toBe(0)
    expect(verifyNetworkKeyProofs(both, dial, networkKeyProofs(onlyOld, accept))).toBe(1)
    expect(verifyNetworkKeyProofs(both, dial, networkKeyProofs(onlyNew, accept))).toBe(0)
    expect(() => verifyNetworkKeyProofs(onlyNew, accept, networkKeyProofs(onlyOld, dial))).toThrow(
      /does not hold/
    )
  })
})
