// Shared by the LAN integration tests: a beacon group and port unique to this test file and call, so parallel
// test files never hear each other, and a bounded wait. Beacons stay on loopback (CHASKI_LAN_INTERFACES=127.0.0.1).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { LanPeerProcessConfig, LanPeerProcessLine } from '../../helpers/lan-peer-process'

let calls = 0

/** A fresh (group, port) pair: the group is derived from the pid, the port from the pid and a counter. */
export function uniqueBeaconEndpoint(): { group: string; port: number } {
  calls++
  const pid = process.pid
  // UDP ports below the ephemeral range (32768+), so no node's own socket can sit on them.
  const port = 20_000 + ((pid * 31 + calls * 7) % 12_000)
  return { group: `239.255.${(pid >> 8) & 255}.${pid & 255}`, port }
}

/** Polls `condition` until it holds; throws with `message` (a function: evaluated then) after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  {
    timeoutMs,
    intervalMs = 5,
    message = 'condition'
  }: { timeoutMs: number; intervalMs?: number; message?: string | (() => string) }
): Promise<number> {
  const start = performance.now()
  while (!condition()) {
    if (performance.now() - start > timeoutMs) {
      const text = typeof message === 'function' ? message() : message
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${text}`)
    }
    await sleep(intervalMs)
  }
  return performance.now() - start
}

/** A child process running test/helpers/lan-peer-process.ts (optionally inside a network namespace). */
export interface LanPeerChild {
  readonly child: ChildProcess
  readonly lines: LanPeerProcessLine[]
  ready: Promise<{ id: string; port: number }>
  send(command: Record<string, unknown>): void
  /** Resolves at once with the exit code if the process already exited. */
  exited: Promise<number | null>
}

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))
const peerScript = fileURLToPath(new URL('../../helpers/lan-peer-process.ts', import.meta.url))

export function spawnLanPeer(
  config: LanPeerProcessConfig,
  { netns, env = {} }: { netns?: string; env?: Record<string, string> } = {}
): LanPeerChild {
  const nodeArgs = ['--import', 'tsx', peerScript, JSON.stringify(config)]
  const [command, args] =
    netns === undefined
      ? [process.execPath, nodeArgs]
      : ['ip', ['netns', 'exec', netns, process.execPath, ...nodeArgs]]
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, CHASKI_LAN_INTERFACES: '127.0.0.1', ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  const lines: LanPeerProcessLine[] = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<{ id: string; port: number }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (text) => {
      let line: LanPeerProcessLine
      try {
        line = JSON.parse(text) as LanPeerProcessLine
      } catch {
        return
      }
      lines.push(line)
      if (line.type === 'ready') resolve({ id: line.id, port: line.port })
    })
    void exited.then((code) => reject(new Error(`lan peer exited (${String(code)}) before ready: ${stderr}`)))
  })
  ready.catch(() => {}) // observed by the caller; avoid an unhandled rejection when the test already failed
  return {
    child,
    lines,
    ready,
    exited,
    send: (message) => child.stdin.write(JSON.stringify(message) + '\n')
  }
}
