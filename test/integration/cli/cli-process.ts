// The `chaski` CLI as a real child process: the CLI compiled once for the run by test/global-setup/build-cli.ts
// (`node <bundle> ...`; from source under tsx when run outside that setup). Stdout lines are kept (and parsed when
// they are JSON events), waits are bounded polls, every child is tracked so afterEach/afterAll can kill what a failed
// test left behind.
//
// A wait for what a process does (an edge, a discovery result) is bounded from its first output, not from its spawn:
// how long a process takes to start on two busy cores is START_TIMEOUT_MS's business, and must not eat the bound of
// the behaviour a test measures (CI once saw 'discovery-concluded' time out at 20 s with no line printed at all).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, inject } from 'vitest'
import { defaultNodeConfig } from '../../../src/main/host/node-config'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const SOURCE_ENTRY = 'src/main/cli/index.ts'
/**
 * From spawn to the first line printed (and for commands that run to completion): a start is ~0.4 s idle, a few
 * seconds while the suite's other files keep both cores busy; generous, as an upper bound only.
 */
export const START_TIMEOUT_MS = 30_000
/** Default bound of a wait for what a started process does, counted from its first output. */
export const EVENT_TIMEOUT_MS = 20_000

/** How to run the CLI: the bundle the globalSetup built, else the sources under tsx. */
function cliArgv(): string[] {
  const built = inject('chaskiCli') as string | undefined
  return built ? [built] : ['--import', 'tsx', SOURCE_ENTRY]
}

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
  /** Settles once the process printed anything (stdout or stderr) or exited. */
  private readonly firstOutput: Promise<void>

  private constructor(
    readonly args: readonly string[],
    private readonly child: ChildProcess
  ) {
    let printed: () => void = () => undefined
    this.firstOutput = new Promise((resolve) => (printed = resolve))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line)
      printed()
    })
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk
      printed()
    })
    child.once('close', () => printed())
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
    const child = spawn(process.execPath, [...cliArgv(), ...args], {
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

  /** Resolves once the process printed its first line (or anything on stderr, or exited); START_TIMEOUT_MS bound. */
  async started(): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `chaski ${this.args.join(' ')} printed nothing within ${START_TIMEOUT_MS} ms of its start\n${this.describe()}`
            )
          ),
        START_TIMEOUT_MS
      )
    })
    try {
      await Promise.race([this.firstOutput, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * The first event `name` matching `match`, waiting for it: `timeoutMs` from the process's first output (see the
   * top of this file); fails fast if the process exits.
   */
  async waitForEvent(
    name: string,
    match: (event: CliEvent) => boolean = () => true,
    timeoutMs = EVENT_TIMEOUT_MS
  ): Promise<CliEvent> {
    return this.waitUntil(() => this.events(name).find(match), `'${name}'`, timeoutMs)
  }

  /** The first stdout line matching `match` (human or JSON), bounded as waitForEvent. */
  async waitForLine(
    match: (line: string) => boolean,
    what: string,
    timeoutMs = EVENT_TIMEOUT_MS
  ): Promise<string> {
    return this.waitUntil(() => this.lines.find(match), what, timeoutMs)
  }

  private async waitUntil<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const already = find()
    if (already !== undefined) return already
    await this.started()
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = find()
      if (found !== undefined) return found
      const why = this.exitInfo
        ? `exited (${JSON.stringify(this.exitInfo)}) before ${what}`
        : Date.now() > deadline
          ? `no ${what} within ${timeoutMs} ms of its first output`
          : null
      if (why !== null) throw new Error(`chaski ${this.args.join(' ')}: ${why}\n${this.describe()}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  /** The port from the node's ready line (nodes are always started with port 0). */
  async readyPort(): Promise<number> {
    const ready = await this.waitForEvent('ready')
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
