// Child processes of the browser tests: `chaski serve` and `chaski node`, each printing one JSON object per line.
// Lines are parsed as they come; tests wait on them with bounded polling. Every process started here is stopped by
// stopAllProcesses() (SIGTERM, then SIGKILL if it does not exit in time), which each test file calls in afterAll.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freeFixedPort } from '../../helpers/free-port'

const ROOT = resolve(__dirname, '../../..')
const BUILT_CLI = resolve(ROOT, 'out/main/cli.js')
const SOURCE_CLI = resolve(ROOT, 'src/main/cli/index.ts')
const STOP_GRACE_MS = 6_000

export type JsonLine = Record<string, unknown> & { event?: string }

export interface JsonProcess {
  readonly name: string
  readonly child: ChildProcess
  /** Every JSON line printed on stdout so far, in order. */
  readonly lines: JsonLine[]
  /** Everything printed on stderr (for failure messages). */
  stderr(): string
  /** Resolves with the first line (already printed or still to come) that matches; rejects on timeout or exit. */
  waitForLine(match: (line: JsonLine) => boolean, what: string, timeoutMs?: number): Promise<JsonLine>
  stop(): Promise<void>
  /** Sends `signal` (e.g. SIGKILL: no clean stop) and resolves once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>
}

const running = new Set<JsonProcess>()
// Safety net: if the test worker exits without afterAll (crash, timeout), no child outlives it.
process.once('exit', () => running.forEach((p) => p.child.kill('SIGKILL')))

/**
 * The CLI the tests run: the build (out/main/cli.js, made by `npm run build` together with the dashboard that
 * `chaski serve` serves) starts three times faster than the sources under tsx; CHASKI_E2E_CLI=source forces tsx.
 */
function cliCommand(): string[] {
  if (process.env['CHASKI_E2E_CLI'] !== 'source' && existsSync(BUILT_CLI)) return [BUILT_CLI]
  return ['--import', 'tsx', SOURCE_CLI]
}

export function spawnCli(name: string, args: string[]): JsonProcess {
  return spawnJson(name, [...cliCommand(), ...args])
}

/** Runs `node <argv>` and reads its JSON lines. */
function spawnJson(name: string, argv: string[]): JsonProcess {
  // Network rule: LAN beacons of every child stay on loopback. NODE_OPTIONS of a tsx runner must not leak in.
  const { NODE_OPTIONS: _ignored, ...env } = process.env
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...env, CHASKI_LAN_INTERFACES: '127.0.0.1', ELECTRON_SKIP_BINARY_DOWNLOAD: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: JsonLine[] = []
  const waiters = new Set<() => void>()
  let stderr = ''
  let pending = ''
  let exited = false
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk
    let newline: number
    while ((newline = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, newline).trim()
      pending = pending.slice(newline + 1)
      if (!text) continue
      try {
        lines.push(JSON.parse(text) as JsonLine)
      } catch {
        stderr += `[stdout, not JSON] ${text}\n`
      }
    }
    waiters.forEach((wake) => wake())
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exitedPromise = new Promise<void>((done) =>
    child.on('exit', () => {
      exited = true
      waiters.forEach((wake) => wake())
      done()
    })
  )

  const proc: JsonProcess = {
    name,
    child,
    lines,
    stderr: () => stderr,
    waitForLine(match, what, timeoutMs = 20_000) {
      return new Promise<JsonLine>((resolveLine, reject) => {
        const check = () => {
          const found = lines.find(match)
          if (found) return finish(() => resolveLine(found))
          if (exited) finish(() => reject(new Error(`${name} exited before ${what}; stderr:\n${stderr}`)))
        }
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms; stderr:\n${stderr}`))),
          timeoutMs
        )
        const finish = (settle: () => void) => {
          clearTimeout(timer)
          waiters.delete(check)
          settle()
        }
        waiters.add(check)
        check()
      })
    },
    async stop() {
      running.delete(proc)
      if (exited) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
      await exitedPromise
      clearTimeout(timer)
    },
    async kill(signal) {
      running.delete(proc)
      if (exited) return
      child.kill(signal)
      await exitedPromise
    }
  }
  running.add(proc)
  return proc
}

export interface ChaskiNodeProcess extends JsonProcess {
  id: string
  port: number
  /** 'ip:port', what the dashboard's connect field takes. */
  address: string
  /** 'Name@ip:port'. */
  namedAddress: string
}

export interface ChaskiNodeOptions {
  name: string
  /**
   * Listen on this port (to start a node again where it was); default a free one outside the ephemeral range, so that
   * it is still free when a test starts the node again there.
   */
  port?: number
  subscribe?: string[]
  connect?: string[]
  /** LAN beacons on loopback only. */
  lan?: boolean
  extra?: string[]
}

let keyDir: string | undefined

/** Starts `chaski node --json` on 127.0.0.1 and waits until it listens. */
export async function startChaskiNode(options: ChaskiNodeOptions): Promise<ChaskiNodeProcess> {
  const args = [
    'node',
    '--json',
    '--name',
    options.name,
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port ?? (await freeFixedPort()))
  ]
  if (options.subscribe?.length) args.push('--subscribe', options.subscribe.join(','))
  for (const target of options.connect ?? []) args.push('--connect', target)
  if (options.lan) args.push('--lan', '127.0.0.1')
  // One key file per name for this test process: a node started again under its name keeps its identity, as a
  // real `chaski node --key` does (without it a restarted peer is a new node, which trust-on-first-use refuses).
  args.push(
    '--key',
    join((keyDir ??= mkdtempSync(join(tmpdir(), 'chaski-e2e-keys-'))), `${options.name}.key`)
  )
  args.push(...(options.extra ?? []))
  const proc = spawnCli(`chaski node ${options.name}`, args)
  const ready = await proc.waitForLine((l) => l.event === 'ready', 'ready line')
  const port = Number(ready['port'])
  return Object.assign(proc, {
    id: String(ready['id']),
    port,
    address: `127.0.0.1:${port}`,
    namedAddress: String(ready['address'])
  })
}

/**
 * A plaintext node (protocol version 1, no key: what an older node speaks) in a child process on 127.0.0.1
 * (test/helpers/peer-process.ts): no CLI node runs without TLS, so the library's own option is used.
 */
export async function startPlaintextPeer(name: string): Promise<ChaskiNodeProcess> {
  const options = { name, ip: '127.0.0.1', port: 0, secure: false, lan: false }
  const proc = spawnJson(`plaintext peer ${name}`, [
    '--import',
    'tsx',
    resolve(ROOT, 'test/helpers/peer-process.ts'),
    JSON.stringify(options)
  ])
  const ready = await proc.waitForLine((l) => l['ready'] === true, 'ready line')
  const port = Number(ready['port'])
  return Object.assign(proc, {
    id: String(ready['id']),
    port,
    address: `127.0.0.1:${port}`,
    namedAddress: `${name}@127.0.0.1:${port}`
  })
}

export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()))
}
