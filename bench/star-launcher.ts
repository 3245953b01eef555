// Starts one star child process (star-child.ts, secure-star-child.ts) and reads the one JSON line it prints. The child
// runs through sh so its soft open-file limit can be raised to what `count` nodes need, and is killed when it runs
// past its bound. One launcher for every module that measures a star (scale, secure, channel).
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fdsNeeded } from './star-child'
import type { BenchContext } from './types'

const REPO_ROOT = path.resolve(__dirname, '..')
const CHILD_TIMEOUT_MS = 300_000

// Raise the soft limit only when it is below what the child needs ("$0"), then run the child.
const RAISE_LIMIT_AND_RUN =
  'cur=$(ulimit -n); if [ "$cur" != unlimited ] && [ "$cur" -lt "$0" ]; then ulimit -S -n "$0" 2>/dev/null; fi; exec "$@"'

/**
 * Runs `node --expose-gc --import tsx <script> ...args` for a star of `count` nodes and resolves with the JSON object
 * on the last line of its stdout. Rejects when there is none (the error names the child and its last stderr lines).
 */
export function runStarChild<T>(
  ctx: BenchContext,
  script: string,
  count: number,
  args: readonly string[],
  what: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<T> {
  const shArgs = ['-c', RAISE_LIMIT_AND_RUN, String(fdsNeeded(count))]
  shArgs.push(process.execPath, '--expose-gc', '--import', 'tsx', path.join(__dirname, script), ...args)
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', shArgs, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      ctx.progress(`${what} child still running after ${CHILD_TIMEOUT_MS} ms: killing pid ${child.pid}`)
      child.kill('SIGKILL')
    }, CHILD_TIMEOUT_MS)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const last = stdout.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(last) as T)
      } catch {
        const tail = stderr.trim().split('\n').slice(-5).join(' | ')
        reject(new Error(`${what} child exited (${signal ?? code}) without a result: ${tail}`))
      }
    })
  })
}
