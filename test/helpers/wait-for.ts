// Bounded polling: wait until a condition holds (never a fixed sleep tuned to one machine).

export interface WaitForOptions {
  timeoutMs?: number
  intervalMs?: number
  /** Shown in the timeout error. */
  message?: string
}

export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 10, message }: WaitForOptions = {}
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await condition()
      if (value) return value as NonNullable<T>
    } catch (error) {
      lastError = error
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new Error(`waitFor timed out after ${timeoutMs} ms${message ? `: ${message}` : ''}${why}`)
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Resolves with the first emitted payload of `event` (bounded). */
export function nextEvent<T>(
  emitter: {
    once(event: string, listener: (payload: T) => void): unknown
    off(event: string, listener: (payload: T) => void): unknown
  },
  event: string,
  timeoutMs = 10_000
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (payload: T): void => {
      clearTimeout(timer)
      resolve(payload)
    }
    const timer = setTimeout(() => {
      emitter.off(event, listener)
      reject(new Error(`no '${event}' event within ${timeoutMs} ms`))
    }, timeoutMs)
    emitter.once(event, listener)
  })
}
