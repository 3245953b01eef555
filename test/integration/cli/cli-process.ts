// The `chaski` CLI as a real child process, run from source (`node --import tsx src/main/cli/index.ts ...`):
// stdout lines are kept (and parsed when they are JSON events), waits are bounded polls, every child is tracked so
// afterEach/afterAll can kill what a failed test left behind.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll } from 'vitest'
import { defaultNodeConfig } from '../../../src/main/host/node-config'
import { waitFor } from '../../helpers/wait-for'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const ENTRY = 'src/main/cli/index.ts'
/** tsx compiles on first start: slow on two busy cores, hence generous bounds (they are upper bounds only). */
export const START_TIMEOUT_MS = 30_000

export interface CliEvent {
  event: string
  time: string
  [field: string]: unknown
}

export interface CliExit {
  code: number | null
  signal: NodeJS.Signals | null
}

const running = new Set<CliProcess>()

export class CliProcess {
  readonly lines: string[] = []
  stderr = ''
  exitInfo: CliExit | null = null
  private readonly exited: Promise<CliExit>

  private constructor(
    readonly args: readonly string[],
    private readonly child: ChildProcess
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.lines.push(line))
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk))
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.exitInfo = { code, signal }
        running.delete(this)
        resolve(this.exitInfo)
      })
    })
  }

  /** The child's process id (for /proc readings such as its memory). */
  get pid(): number {
    return this.child.pid ?? -1
  }

  static start(args: readonly string[]): CliProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CHASKI_LAN_INTERFACES: '127.0.0.1', CHASKI_DEBUG: '' }
    })
    const cli = new CliProcess(args, child)
    running.add(cli)
    return cli
  }

  /** Parsed JSON lines (with --json), optionally only one kind of event. */
  events(name?: string): CliEvent[] {
    const events: CliEvent[] = []
    for (const line of this.lines) {
      if (!line.startsWith('{')) continue
      const event = JSON.parse(line) as CliEvent
      if (name === undefined || event.event === name) events.push(event)
    }
    return events
  }

  /** The first event `name` matching `match`, waiting for it (bounded); fails fast if the process exits. */
  async waitForEvent(
    name: string,
    match: (event: CliEvent) => boolean = () => true,
    timeoutMs = 20_000
  ): Promise<CliEvent> {
    return waitFor(
      () => {
        const found = this.events(name).find(match)
        if (found) return found
        if (this.exitInfo) throw new Error(`exited (${JSON.stringify(this.exitInfo)}) before '${name}'`)
        return undefined
      },
      {
        timeoutMs,
        intervalMs: 20,
        message: `'${name}' from chaski ${this.args.join(' ')}\n${this.describe()}`
      }
    )
  }

  /** The port from the node's ready line (nodes are always started with port 0). */
  async readyPort(): Promise<number> {
    const ready = await this.waitForEvent('ready', () => true, START_TIMEOUT_MS)
    return ready.port as number
  }

  async waitForExit(timeoutMs = START_TIMEOUT_MS): Promise<CliExit> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`chaski ${this.args.join(' ')} did not exit within ${timeoutMs} ms\n${this.describe()}`)
          ),
        timeoutMs
      )
    })
    try {
      return await Promise.race([this.exited, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.exitInfo) this.child.kill(signal)
  }

  describe(): string {
    return `stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`
  }
}

/** Runs a command to completion (bounded) and returns its exit and output. */
export async function runCli(
  args: readonly string[],
  timeoutMs = START_TIMEOUT_MS
): Promise<CliProcess & { exitInfo: CliExit }> {
  const cli = CliProcess.start(args)
  await cli.waitForExit(timeoutMs)
  return cli as CliProcess & { exitInfo: CliExit }
}

/** Kills every child still running (afterEach/afterAll), and waits until they are gone. */
export async function killAllCli(): Promise<void> {
  const left = [...running]
  for (const cli of left) cli.kill('SIGKILL')
  await Promise.all(left.map((cli) => cli.waitForExit(10_000).catch(() => undefined)))
}

/**
 * A temporary folder for one test file that runs `chaski serve`: it holds a stub dashboard (index.html), which
 * CHASKI_RENDERER_DIR points the served processes at (no build needed), and whatever the tests write there (settings,
 * keys). Removed after the file. Returns the folder's path (read it inside tests).
 */
export function useServeScratchDir(prefix: string): () => string {
  let dir: string | undefined
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chaski</title>')
    process.env['CHASKI_RENDERER_DIR'] = dir
  })
  afterAll(() => {
    delete process.env['CHASKI_RENDERER_DIR']
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })
  return () => {
    if (dir === undefined) throw new Error('useServeScratchDir: the folder exists only once the tests run')
    return dir
  }
}

/** Writes a `chaski serve` settings file with one node, `name` (trust tofu, a free port, LAN off). */
export function writeOneNodeSettings(config: string, name: string): void {
  const node = {
    ...defaultNodeConfig(),
    name,
    port: 0,
    lan: { enabled: false, autoConnect: false, interfaces: [] }
  }
  const settings = {
    version: 1,
    nodes: [node],
    preferences: { theme: 'system', recentAddresses: [] },
    window: null
  }
  writeFileSync(config, JSON.stringify(settings))
}
