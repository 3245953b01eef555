// `chaski serve` hosting one node, Hub (subscribed to `news`), from a settings file in a fresh directory: the start
// of the whole-network browser tests, where `chaski node` processes then link to Hub.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeDefaults } from '../../../src/shared/node-defaults'
import { freePort } from '../../helpers/free-port'
import { spawnCli, type JsonProcess } from './processes'

export interface ServedHub {
  /** The settings directory (the caller removes it). */
  dir: string
  serve: JsonProcess
  openUrl: string
  hubPort: number
}

export async function serveHub(label: string, lan: { enabled: boolean }): Promise<ServedHub> {
  const dir = mkdtempSync(join(tmpdir(), 'chaski-e2e-hub-'))
  const hubPort = await freePort()
  const hub = {
    ...nodeDefaults(),
    id: randomUUID(),
    name: 'Hub',
    port: hubPort,
    subscriptions: ['news'],
    lan: { enabled: lan.enabled, autoConnect: false, interfaces: [] }
  }
  const settings = join(dir, 'settings.json')
  const file = {
    version: 1,
    nodes: [hub],
    preferences: { theme: 'system', recentAddresses: [] },
    window: null
  }
  writeFileSync(settings, JSON.stringify(file))
  const serve = spawnCli(`chaski serve (${label})`, ['serve', '--port', '0', '--json', '--config', settings])
  const serving = await serve.waitForLine((l) => l.event === 'serving', 'serving line')
  return { dir, serve, openUrl: String(serving['openUrl']), hubPort }
}
