// What a newcomer sees before anything runs: `npm run dev` without the Electron binary says in one line how to get
// the same app in a browser (the check looks at files only, never runs Electron), and `npm run package` on an older
// Node.js says which version it needs. Both scripts run as real processes.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, test } from 'vitest'

const run = promisify(execFile)
const root = resolve(__dirname, '../../..')
const dir = mkdtempSync(join(tmpdir(), 'chaski-newcomer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function script(name: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'scripts', name)], {
      env: { ...process.env, ...env }
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('npm run dev without the Electron binary', () => {
  test('one clear line pointing to the browser, exit 1, nothing else', async () => {
    const missing = join(dir, 'no-binary')
    mkdirSync(missing)
    const result = await script('check-electron.mjs', { CHASKI_ELECTRON_DIR: missing })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('`npm run build && npx chaski serve`')
    expect(result.stderr).not.toMatch(/ at .*\(|Error:/) // no stack trace

    // path.txt names a binary that is not there (a download cut short): the same line.
    writeFileSync(join(missing, 'path.txt'), 'electron')
    expect((await script('check-electron.mjs', { CHASKI_ELECTRON_DIR: missing })).code).toBe(1)
  })

  test('with the binary in place the check says nothing and lets electron-vite start', async () => {
    const present = join(dir, 'with-binary')
    mkdirSync(join(present, 'dist'), { recursive: true })
    writeFileSync(join(present, 'path.txt'), 'electron')
    writeFileSync(join(present, 'dist', 'electron'), '')
    expect(await script('check-electron.mjs', { CHASKI_ELECTRON_DIR: present })).toEqual({
      code: 0,
      stdout: '',
      stderr: ''
    })
  })
})

describe('npm run package', () => {
  test('on Node.js older than 22.12 it says what it needs (electron-builder requires it); else it goes on', async () => {
    const result = await script('check-node-for-package.mjs')
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number]
    if (major < 22 || (major === 22 && minor < 12)) {
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('npm run package needs Node.js 22.12 or newer')
      expect(result.stderr).toContain(`this is Node.js ${process.versions.node}`)
    } else expect(result).toEqual({ code: 0, stdout: '', stderr: '' })
  })
})
