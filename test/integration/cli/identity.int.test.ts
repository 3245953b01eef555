// `chaski node --key` and `chaski id` (issue #13): the key file makes the node's id (mode 0600, made once, the same
// id on every start), `chaski id` prints it without changing anything, a damaged key file stops the node with a
// clear message and is left as it was, and the start lines say the id and how links are protected.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { CliProcess, killAllCli, runCli } from './cli-process'

afterEach(killAllCli)
const dir = mkdtempSync(path.join(tmpdir(), 'chaski-cli-id-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function readyOf(args: string[]): Promise<Record<string, unknown>> {
  const cli = CliProcess.start(['node', '--json', ...args])
  const ready = await cli.waitForEvent('ready')
  cli.kill('SIGTERM')
  await cli.waitForExit()
  return ready
}

describe('chaski node --key / chaski id', () => {
  it('the key file keeps the id across starts (mode 0600), and chaski id prints the same id', async () => {
    const file = path.join(dir, 'hub.key')
    const first = await readyOf(['--key', file])
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const second = await readyOf(['--key', file])
    expect(second.id).toBe(first.id)
    expect(first).toMatchObject({ secure: true, insecure: false, trust: 'tofu' })
    const id = await runCli(['id', '--key', file, '--json'])
    expect(id.exitInfo.code).toBe(0)
    expect(JSON.parse(id.lines[0]!)).toMatchObject({ event: 'id', id: first.id })
    // Without --key: a new id each run.
    expect((await readyOf([])).id).not.toBe(first.id)
  })

  it('the start lines show the id (grouped) and the protection; --insecure is shown as a warning', async () => {
    const cli = CliProcess.start(['node', '--name', 'n', '--insecure'])
    await waitForLine(cli, /security:/)
    cli.kill('SIGTERM')
    await cli.waitForExit()
    const text = cli.lines.join('\n')
    expect(text).toMatch(/id [A-Z2-7]{7}(-[A-Z2-7]{7}){7} \(a new id each run: --key <file> keeps it\)/)
    expect(text).toMatch(/security: TLS 1\.3 links.*WARNING --insecure: plaintext peers are linked too/)
  })

  it('a damaged or world-readable key file stops the node with a clear message, and is left as it was', async () => {
    const damaged = path.join(dir, 'damaged.key')
    writeFileSync(damaged, 'not a key\n', { mode: 0o600 })
    const run = await runCli(['node', '--key', damaged])
    expect(run.exitInfo.code).toBe(1)
    expect(run.stderr + run.lines.join('\n')).toMatch(/left untouched/)
    expect(readFileSync(damaged, 'utf8')).toBe('not a key\n')

    const open = path.join(dir, 'open.key')
    await readyOf(['--key', open])
    chmodSync(open, 0o644)
    const before = readFileSync(open, 'utf8')
    const loose = await runCli(['node', '--key', open])
    expect(loose.exitInfo.code).toBe(1)
    expect(loose.stderr + loose.lines.join('\n')).toMatch(/chmod 600/)
    expect(readFileSync(open, 'utf8')).toBe(before)
  })
})

async function waitForLine(cli: CliProcess, pattern: RegExp): Promise<void> {
  await cli.waitForLine((line) => pattern.test(line), String(pattern))
}
