// `chaski node --network-key-file` (issue #13): a good file makes the node link only with nodes holding the same key
// (two real processes link; a third with another key is refused and says so); a file open to other users, a damaged
// file or a missing one stops the node with a clear message and exit code 1, leaving the file as it was; the flag
// with --insecure is a usage error (exit 2).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { security } from '../../../src/main/chaski/index'
import { CliProcess, killAllCli, runCli } from './cli-process'

afterEach(killAllCli)
const dir = mkdtempSync(path.join(tmpdir(), 'chaski-cli-netkey-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function keyFile(name: string, text = security.generateNetworkKeyText(), mode = 0o600): string {
  const file = path.join(dir, name)
  writeFileSync(file, text, { mode })
  chmodSync(file, mode)
  return file
}

describe('chaski node --network-key-file', () => {
  it('nodes holding the same key link; a node with another key is refused, and both print why', async () => {
    const fleet = keyFile('fleet.key')
    const other = keyFile('other.key')
    const hub = CliProcess.start(['node', '--json', '--name', 'hub', '--network-key-file', fleet])
    const ready = await hub.waitForEvent('ready')
    expect(ready.networkKey).toEqual([expect.stringMatching(/^[0-9a-f]{8}$/)])
    const member = CliProcess.start([
      'node',
      '--json',
      '--name',
      'member',
      '--network-key-file',
      fleet,
      '--connect',
      String(ready.address).replace(/^hub@/, '')
    ])
    await member.waitForEvent('edge-added')
    const outsider = CliProcess.start([
      'node',
      '--json',
      '--name',
      'outsider',
      '--network-key-file',
      other,
      '--connect',
      String(ready.address).replace(/^hub@/, '')
    ])
    await outsider.waitForLine((line) => /network-key-mismatch/.test(line), 'network-key-mismatch')
    await hub.waitForLine((line) => /network-key-mismatch/.test(line), 'network-key-mismatch')
    expect(outsider.lines.some((line) => /"event":"edge-added"/.test(line))).toBe(false)
  })

  it('a file open to other users, a damaged file or a missing one: a clear error, exit 1, the file unchanged', async () => {
    const loose = keyFile('loose.key', security.generateNetworkKeyText(), 0o644)
    const before = readFileSync(loose, 'utf8')
    const looseRun = await runCli(['node', '--network-key-file', loose])
    expect(looseRun.exitInfo.code).toBe(1)
    expect(looseRun.stderr + looseRun.lines.join('\n')).toMatch(/chmod 600/)
    expect(readFileSync(loose, 'utf8')).toBe(before)

    const damaged = keyFile('damaged.key', 'my secret password\n')
    const damagedRun = await runCli(['node', '--network-key-file', damaged])
    expect(damagedRun.exitInfo.code).toBe(1)
    const text = damagedRun.stderr + damagedRun.lines.join('\n')
    expect(text).toMatch(/is not a network key: 32 random bytes written as 64 hex digits/)
    expect(text).not.toMatch(/my secret password/) // never echoed: it may be a secret in the wrong format
    expect(readFileSync(damaged, 'utf8')).toBe('my secret password\n')

    const missing = await runCli(['node', '--network-key-file', path.join(dir, 'nowhere.key')])
    expect(missing.exitInfo.code).toBe(1)
    expect(missing.stderr + missing.lines.join('\n')).toMatch(/cannot read the network-key file .*ENOENT/)
  })

  it('with --insecure it is a usage error (exit 2)', async () => {
    const run = await runCli(['node', '--insecure', '--network-key-file', keyFile('x.key')])
    expect(run.exitInfo.code).toBe(2)
    expect(run.stderr).toMatch(/cannot be combined with --insecure/)
  })
})
