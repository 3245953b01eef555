// Bounded waiting for benches: every wait has a deadline so a broken run ends by itself with a clear message.
import { setTimeout as sleep } from 'node:timers/promises'

/** Thrown when a bench step does not finish within its bound. */
export class BenchTimeoutError extends Error {
  override name = 'BenchTimeoutError'
}

/** Resolves with the promise's value, or rejects with BenchTimeoutError after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchTimeoutError(`${what}: no result after ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Polls `cond` every `intervalMs` (default: next timer tick, about 1 ms) until it holds.
 * Rejects with BenchTimeoutError after `timeoutMs`, describing the last state via `describe`.
 */
export async function waitUntil(
  cond: () => boolean,
  opts: { timeoutMs: number; what: string; intervalMs?: number; describe?: () => string }
): Promise<void> {
  const start = performance.now()
  while (!cond()) {
    if (performance.now() - start > opts.timeoutMs) {
      const state = opts.describe ? ` (${opts.describe()})` : ''
      throw new BenchTimeoutError(`${opts.what}: not reached after ${opts.timeoutMs} ms${state}`)
    }
    await sleep(opts.intervalMs ?? 0)
  }
}

/** Runs `task(i)` for i in [0, count) with at most `limit` in flight; rejects on the first failure. */
export async function runLimited(
  count: number,
  limit: number,
  task: (i: number) => Promise<void>
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
}

export { sleep }
