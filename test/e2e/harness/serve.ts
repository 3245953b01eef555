// `chaski serve --bare --json` with its own temporary settings file: the dashboard's host for one test file.
// A test can stop the process (cleanly or with SIGKILL) and start it again on the same port, with the same token
// and settings file, as a person restarting it would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freeFixedPort } from '../../helpers/free-port'
import { spawnCli, type JsonProcess } from './processes'

export interface ServeProcess {
  /** The URL with the access token, to open in the browser. */
  openUrl: string
  configFile: string
  /** The HTTP port it listens on. */
  port: number
  token: string
  process: JsonProcess
  /** Ends the process (SIGTERM: a clean stop; SIGKILL: gone at once) and keeps its settings file. */
  end(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>
  /** Starts `chaski serve` again with the same settings file, port and token (after end()). */
  startAgain(): Promise<void>
  /** Stops it and removes its files. */
  stop(): Promise<void>
}

/** `settingsText`: what the settings file holds before the host starts (e.g. something corrupt). */
export async function startServe(
  label: string,
  options: { settingsText?: string } = {}
): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), `chaski-e2e-${label}-`))
  const configFile = join(dir, 'settings.json')
  if (options.settingsText !== undefined) writeFileSync(configFile, options.settingsText)
  const launch = async (port: number, token?: string) => {
    const args = ['serve', '--port', String(port), '--bare', '--json', '--config', configFile]
    if (token !== undefined) args.push(`--token=${token}`)
    const proc = spawnCli(`chaski serve (${label})`, args)
    const serving = await proc.waitForLine((l) => l.event === 'serving', 'serving line')
    const openUrl = String(serving['openUrl'])
    const url = new URL(openUrl)
    return { proc, openUrl, port: Number(url.port), token: url.searchParams.get('token') ?? '' }
  }
  // Outside the kernel's ephemeral range, so the port is still free for startAgain() (see freeFixedPort).
  const first = await launch(await freeFixedPort())
  const serve: ServeProcess = {
    openUrl: first.openUrl,
    configFile,
    port: first.port,
    token: first.token,
    process: first.proc,
    async end(signal) {
      await serve.process.kill(signal)
    },
    async startAgain() {
      const again = await launch(serve.port, serve.token)
      serve.process = again.proc
    },
    async stop() {
      await serve.process.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return serve
}
