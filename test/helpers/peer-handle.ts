// Parent side of test/helpers/peer-process.ts: spawn, read JSON lines, send commands, kill.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import type { ChaskiNodeOptions } from '../../src/main/chaski/index'
import { waitFor } from './wait-for'

const SCRIPT = fileURLToPath(new URL('./peer-process.ts', import.meta.url))

export interface PeerLine {
  ready?: boolean
  port?: number
  id?: string
  event?: string
  [key: string]: unknown
}

export class PeerProcess {
  readonly lines: PeerLine[] = []
  port = 0
  id = ''
  private exited: Promise<void>

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as PeerLine)
      } catch {
        // not ours
      }
    })
    child.stderr?.resume()
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()))
  }

  /** Starts a peer and waits for its ready line (startup of tsx is slow on a busy machine: generous bound). */
  static async start(
    options: ChaskiNodeOptions & { keyFile?: string },
    timeoutMs = 30_000
  ): Promise<PeerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, CHASKI_LAN_INTERFACES: '127.0.0.1' }
    })
    const peer = new PeerProcess(child)
    const ready = await waitFor(() => peer.lines.find((line) => line.ready !== undefined), {
      timeoutMs,
      message: 'peer process ready line'
    }).catch(async (error: Error) => {
      child.kill('SIGKILL')
      throw error
    })
    if (!ready.ready) {
      child.kill('SIGKILL')
      throw new Error(`peer process failed: ${String(ready.error)}`)
    }
    peer.port = ready.port!
    peer.id = ready.id!
    return peer
  }

  send(command: Record<string, unknown>): void {
    this.child.stdin?.write(JSON.stringify(command) + '\n')
  }

  events(name: string): PeerLine[] {
    return this.lines.filter((line) => line.event === name)
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    this.child.kill(signal)
    await this.exited
  }
}
