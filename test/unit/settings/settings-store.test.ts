import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { defaultNodeConfig } from '../../../src/main/host/node-config'
import { SETTINGS_VERSION, type Settings } from '../../../src/main/settings/settings-schema'
import { SETTINGS_FILE, SettingsStore } from '../../../src/main/settings/settings-store'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-settings-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function sample(name = 'Desk'): Settings {
  return {
    version: SETTINGS_VERSION,
    nodes: [{ ...defaultNodeConfig(), name, subscriptions: ['A', 'B'], port: 8511 }],
    preferences: { theme: 'dark', recentAddresses: ['127.0.0.1:8512'] },
    window: { x: 10, y: 20, width: 1000, height: 700, maximized: false }
  }
}

describe('SettingsStore', () => {
  test('a missing file loads as empty defaults', async () => {
    const outcome = await new SettingsStore(join(dir, SETTINGS_FILE)).load()
    expect(outcome.kind).toBe('missing')
    expect(outcome.settings.nodes).toEqual([])
  })

  test('what is saved loads back unchanged', async () => {
    const store = new SettingsStore(join(dir, SETTINGS_FILE))
    const settings = sample()
    await store.save(settings)
    const outcome = await new SettingsStore(join(dir, SETTINGS_FILE)).load()
    expect(outcome).toEqual({ kind: 'loaded', settings })
  })

  test('concurrent saves land in order: the last one wins', async () => {
    const store = new SettingsStore(join(dir, SETTINGS_FILE))
    await Promise.all(['one', 'two', 'three'].map((name) => store.save(sample(name))))
    const outcome = await store.load()
    expect(outcome.settings.nodes[0].name).toBe('three')
    expect(readdirSync(dir)).toEqual([SETTINGS_FILE])
  })

  test('a crash between writing the temporary file and the rename leaves the old file intact', async () => {
    const store = new SettingsStore(join(dir, SETTINGS_FILE))
    await store.save(sample('before'))
    // A real process that writes new settings and is killed (SIGKILL) right before the rename.
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', resolve(__dirname, '../../helpers/settings-crash.ts'), dir],
      {
        encoding: 'utf8'
      }
    )
    expect(child.signal).toBe('SIGKILL')
    const outcome = await new SettingsStore(join(dir, SETTINGS_FILE)).load()
    expect(outcome.kind).toBe('loaded')
    expect(outcome.settings.nodes[0].name).toBe('before')
  })

  test.each([
    ['not JSON', '{"version": 1, "nodes": [', /not valid JSON/],
    [
      'a bad port',
      JSON.stringify({ ...sample(), nodes: [{ ...sample().nodes[0], port: 70000 }] }),
      /nodes\.0\.port: port must be at most 65535/
    ],
    ['a future version', JSON.stringify({ ...sample(), version: 99 }), /unsupported settings version/],
    ['an unknown field', JSON.stringify({ ...sample(), extra: true }), /extra/]
  ])(
    'a file with %s is moved aside with a clear message and nothing is lost',
    async (_label, content, message) => {
      writeFileSync(join(dir, SETTINGS_FILE), content)
      const outcome = await new SettingsStore(join(dir, SETTINGS_FILE)).load()
      expect(outcome.kind).toBe('recovered')
      if (outcome.kind !== 'recovered') return
      expect(outcome.problem).toMatch(message)
      expect(outcome.settings.nodes).toEqual([])
      // The user's bytes are still there, under the name we report.
      expect(readFileSync(outcome.movedTo, 'utf8')).toBe(content)
    }
  )
})
