// The CLI test harness itself: how long a process takes to start must not eat the bound of the behaviour a test waits
// for. CI once saw `waitFor timed out after 20000 ms: 'discovery-concluded'` from a `chaski node` that had printed
// nothing at all: its start on two busy cores took the whole bound. Here a start is slowed on purpose (a --require
// that keeps the CPU busy before the CLI loads), beyond the bound of the wait.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { CliProcess, killAllCli } from './cli-process'

const dir = mkdtempSync(path.join(tmpdir(), 'chaski-cli-harness-'))
const SLOW_START_MS = 3_000
afterEach(killAllCli)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('CliProcess waits', () => {
  it('a wait for an event is bounded from the first output, not from the spawn (a start slowed by 3 s)', async () => {
    const slow = path.join(dir, 'slow-start.cjs')
    writeFileSync(slow, `const end = Date.now() + ${SLOW_START_MS}; while (Date.now() < end);\n`)
    const saved = process.env['NODE_OPTIONS']
    process.env['NODE_OPTIONS'] = `--require ${slow}`
    const spawnedAt = Date.now()
    let cli: CliProcess
    try {
      cli = CliProcess.start(['node', '--json', '--name', 'slow', '--ip', '127.0.0.1', '--port', '0'])
    } finally {
      if (saved === undefined) delete process.env['NODE_OPTIONS']
      else process.env['NODE_OPTIONS'] = saved
    }
    // 'control' comes after 'ready' and 'trust-file'... it is a later event than the start, bounded at 2 s.
    await cli.waitForEvent('control', () => true, 2_000)
    expect(Date.now() - spawnedAt).toBeGreaterThanOrEqual(SLOW_START_MS)
  })

  it('a wait fails at once, with what the process printed, when the process exits before the event', async () => {
    const cli = CliProcess.start(['node', '--json', '--port', 'not-a-port'])
    const started = Date.now()
    await expect(cli.waitForEvent('ready', () => true, 15_000)).rejects.toThrow(/exited .* before 'ready'/)
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
