import { spawnSync } from 'node:child_process'
import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { defaultNodeConfig } from '../../../src/main/host/node-config'
import { SETTINGS_VERSION, type Settings } from '../../../src/main/settings/settings-schema'
import {
  SETTINGS_FILE,
  SETTINGS_MAX_BYTES,
  SettingsFileRefusedError,
  SettingsStore
} from '../../../src/main/settings/settings-store'

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

  test('settings saved before trust options load with the defaults: trust tofu, plaintext refused', async () => {
    const file = join(dir, SETTINGS_FILE)
    const older = sample()
    const { trust, insecure, ...before } = older.nodes[0]!
    expect([trust, insecure]).toEqual(['tofu', false])
    writeFileSync(file, JSON.stringify({ ...older, nodes: [before] }))
    const outcome = await new SettingsStore(file).load()
    expect(outcome.kind).toBe('loaded')
    expect(outcome.settings.nodes[0]).toMatchObject({ name: 'Desk', trust: 'tofu', insecure: false })
  })

  test('a trust policy the app does not know is refused with where it is', async () => {
    const file = join(dir, SETTINGS_FILE)
    const settings = sample()
    writeFileSync(file, JSON.stringify({ ...settings, nodes: [{ ...settings.nodes[0], trust: 'anyone' }] }))
    const outcome = await new SettingsStore(file).load()
    expect(outcome.kind).toBe('recovered')
    if (outcome.kind === 'recovered')
      expect(outcome.problem).toMatch(/nodes\.0\.trust: trust must be one of open, tofu, approve/)
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

  test('a file over the size cap is refused by its size, even a valid one, and left as it is', async () => {
    const file = join(dir, SETTINGS_FILE)
    const padded = JSON.stringify(sample()) + ' '.repeat(SETTINGS_MAX_BYTES)
    writeFileSync(file, padded)
    const store = new SettingsStore(file)
    await expect(store.load()).rejects.toThrow(SettingsFileRefusedError)
    await expect(store.load()).rejects.toThrow(/MiB; a settings file is at most 8 MiB, so it was not read/)
    // A refused path is never written, not even by a later save (the host saves at shutdown).
    await expect(store.save(sample('overwrite?'))).rejects.toThrow(SettingsFileRefusedError)
    expect(readFileSync(file, 'utf8')).toBe(padded)
    expect(readdirSync(dir)).toEqual([SETTINGS_FILE])
  })

  test('an empty file holds nothing to lose: it loads as missing and the next save fills it', async () => {
    const file = join(dir, SETTINGS_FILE)
    writeFileSync(file, '  \n')
    const store = new SettingsStore(file)
    expect((await store.load()).kind).toBe('missing')
    await store.save(sample())
    expect((await new SettingsStore(file).load()).kind).toBe('loaded')
  })

  test('a dangling symbolic link: the settings are created where it points, and it stays a link', async () => {
    const link = join(dir, SETTINGS_FILE)
    symlinkSync('elsewhere.json', link)
    const store = new SettingsStore(link)
    expect((await store.load()).kind).toBe('missing')
    await store.save(sample('through'))
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe('elsewhere.json')
    expect(JSON.parse(readFileSync(join(dir, 'elsewhere.json'), 'utf8')).nodes[0].name).toBe('through')
  })

  test('a link to a device is refused, never read', async () => {
    const link = join(dir, SETTINGS_FILE)
    symlinkSync('/dev/zero', link)
    await expect(new SettingsStore(link).load()).rejects.toThrow(/it is a device, not a settings file/)
    expect(readlinkSync(link)).toBe('/dev/zero')
  })

  test('a corrupt file of ours behind a link: the target is moved aside, the link stays', async () => {
    const link = join(dir, SETTINGS_FILE)
    writeFileSync(join(dir, 'target.json'), '{"version": 1, "nodes": [')
    symlinkSync('target.json', link)
    const outcome = await new SettingsStore(link).load()
    expect(outcome.kind).toBe('recovered')
    if (outcome.kind === 'recovered') expect(outcome.movedTo).toMatch(/target\.json\.corrupt-/)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
  })
})
