// Issue #11 row 12: `chaski serve --config <path>` with real files and a real process. What is not a settings file of
// ours (a directory, a FIFO, a shell rc file, someone else's JSON, a 600 MB file) is refused with a clear error and
// left exactly as it was; start-up never hangs on a FIFO; a symlinked settings file is written through (the link
// stays a link); a corrupt file that is ours is moved aside, and the terminal says where.
import { execFileSync } from 'node:child_process'
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { CliProcess, START_TIMEOUT_MS, killAllCli } from '../cli/cli-process'
import { waitFor } from '../../helpers/wait-for'
import { bridgeClient } from './serve-helpers'

let renderer: string
let dir: string
beforeAll(() => {
  renderer = mkdtempSync(join(tmpdir(), 'chaski-config-renderer-'))
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Chaski</title>')
  process.env['CHASKI_RENDERER_DIR'] = renderer
})
afterAll(() => {
  delete process.env['CHASKI_RENDERER_DIR']
  rmSync(renderer, { recursive: true, force: true })
})
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-config-'))
})
afterEach(async () => {
  await killAllCli()
  rmSync(dir, { recursive: true, force: true })
})

const serveWith = (config: string, json = false) =>
  CliProcess.start(['serve', '--port', '0', '--bare', ...(json ? ['--json'] : []), '--config', config])

/** Runs serve on `config`, expects a refusal (exit 1, the reason on stderr) within a bound, and returns stderr. */
async function expectRefused(config: string, reason: RegExp): Promise<string> {
  const before = readdirSync(dir).sort()
  const serve = serveWith(config)
  const exit = await serve.waitForExit(START_TIMEOUT_MS)
  expect(exit.code, serve.describe()).toBe(1)
  expect(serve.stderr).toMatch(/cannot be used as the settings file/)
  expect(serve.stderr).toMatch(reason)
  expect(serve.stderr).toMatch(/It was left untouched/)
  // Nothing renamed, nothing created beside it.
  expect(readdirSync(dir).sort()).toEqual(before)
  return serve.stderr
}

const ourSettings = (names: string[]) =>
  JSON.stringify(
    {
      version: 1,
      nodes: names.map((name, i) => ({
        id: `node-${i}`,
        name,
        ip: '127.0.0.1',
        port: 0,
        subscriptions: [],
        ttl: 64,
        root: false,
        paired: false,
        maxConnections: 5,
        reconnections: 32,
        keepAlive: true,
        messagePropagation: false,
        messagesPoolMaxSize: 128,
        lan: { enabled: false, autoConnect: false, interfaces: [] },
        autoStart: false
      })),
      preferences: { theme: 'system', recentAddresses: [] },
      window: null
    },
    null,
    2
  )

describe('chaski serve --config refuses what is not a settings file, and touches nothing', () => {
  test('a directory', async () => {
    const folder = join(dir, 'not-a-file')
    mkdirSync(folder)
    writeFileSync(join(folder, 'keep.txt'), 'mine')
    await expectRefused(folder, /it is a directory, not a settings file/)
    expect(statSync(folder).isDirectory()).toBe(true)
    expect(readFileSync(join(folder, 'keep.txt'), 'utf8')).toBe('mine')
  })

  test('a FIFO: refused at once, never opened (start-up cannot hang)', async () => {
    const fifo = join(dir, 'pipe')
    execFileSync('mkfifo', [fifo])
    await expectRefused(fifo, /it is a named pipe \(FIFO\), not a settings file/)
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })

  test('a shell rc file', async () => {
    const rc = join(dir, '.bashrc')
    const text = '# ~/.bashrc\nexport PATH="$HOME/bin:$PATH"\nalias ll=\'ls -l\'\n'
    writeFileSync(rc, text)
    await expectRefused(rc, /it is not a Chaski settings file \(it is not JSON\)/)
    expect(readFileSync(rc, 'utf8')).toBe(text)
  })

  test("someone else's JSON", async () => {
    const other = join(dir, 'package.json')
    const text = JSON.stringify({ name: 'my-app', version: '1.0.0', dependencies: {} }, null, 2)
    writeFileSync(other, text)
    await expectRefused(other, /it is JSON, but not a Chaski settings file/)
    expect(readFileSync(other, 'utf8')).toBe(text)
  })

  test('a 600 MB file is refused by its size, unread', async () => {
    const huge = join(dir, 'huge.json')
    writeFileSync(huge, '{"version": 1, "nodes": [')
    truncateSync(huge, 600 * 1024 * 1024) // sparse: no disk used, but 600 MB to read
    await expectRefused(huge, /it is 600\.0 MiB; a settings file is at most 8 MiB, so it was not read/)
    expect(statSync(huge).size).toBe(600 * 1024 * 1024)
  })
})

describe('chaski serve --config with a settings file of ours', () => {
  test('through a symbolic link: loaded and saved through the link, which stays a link', async () => {
    mkdirSync(join(dir, 'real'))
    const target = join(dir, 'real', 'chaski.json')
    writeFileSync(target, ourSettings(['Kept']))
    const link = join(dir, 'settings.json')
    symlinkSync(join('real', 'chaski.json'), link)
    const serve = serveWith(link, true)
    const serving = await serve.waitForEvent('serving', () => true, START_TIMEOUT_MS)
    expect((serving['nodes'] as { name: string }[]).map((n) => n.name)).toEqual(['Kept'])
    const openUrl = new URL(String(serving['openUrl']))
    const client = await bridgeClient(`${openUrl.origin}/`, { token: openUrl.searchParams.get('token') })
    expect(
      await client.call('createNode', [{ name: 'Added', autoStart: false, lan: { enabled: false } }])
    ).toMatchObject({ ok: true })
    client.ws.close()
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    const saved = JSON.parse(readFileSync(target, 'utf8')) as { nodes: { name: string }[] }
    expect(saved.nodes.map((n) => n.name)).toEqual(['Kept', 'Added'])
    // No temporary file left beside the link; the only other entry is the control socket of `chaski trust`,
    // there while serve runs (src/main/control).
    expect(readdirSync(dir).sort()).toEqual(['real', 'settings.json', 'settings.json.control'])
  })

  test('a corrupt file of ours is moved aside, and the terminal says where it went', async () => {
    const file = join(dir, 'settings.json')
    writeFileSync(file, '{ "version": 1, "nodes": [ {"name": ')
    const serve = serveWith(file)
    await waitForLine(serve, /Dashboard: http/)
    const moved = readdirSync(dir).find((f) => f.startsWith('settings.json.corrupt-'))
    expect(moved).toBeDefined()
    expect(readFileSync(join(dir, moved!), 'utf8')).toBe('{ "version": 1, "nodes": [ {"name": ')
    expect(serve.stderr).toMatch(/error: Your settings file could not be used because it is not valid JSON/)
    expect(serve.stderr).toContain(`It was moved to ${join(dir, moved!)}`)
  })
})

async function waitForLine(serve: CliProcess, pattern: RegExp): Promise<void> {
  await waitFor(
    () => {
      if (serve.exitInfo) throw new Error(`exited: ${serve.describe()}`)
      return serve.lines.some((l) => pattern.test(l))
    },
    { timeoutMs: START_TIMEOUT_MS, message: `${pattern} from chaski serve\n${serve.describe()}` }
  )
}
