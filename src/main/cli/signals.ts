// Ctrl-C and `kill`: the first SIGINT/SIGTERM asks the running command to finish cleanly (a node announces its
// close to every peer); a second one exits at once for a person who does not want to wait.

export class InterruptedError extends Error {
  override name = 'InterruptedError'
}

export interface StopSignals {
  /** Aborted on the first SIGINT/SIGTERM; `signal.reason` is the signal name. */
  signal: AbortSignal
  /** Asks for the same clean stop without a signal (e.g. stdout closed: nobody reads the output any more). */
  request(reason: string): void
  /** Removes the process listeners (when the command is done). */
  dispose(): void
}

export function watchStopSignals(onForced: (signalName: NodeJS.Signals) => void): StopSignals {
  const controller = new AbortController()
  const handler = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) onForced(name)
    else controller.abort(name)
  }
  const names: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']
  for (const name of names) process.on(name, handler)
  return {
    signal: controller.signal,
    request: (reason) => {
      if (!controller.signal.aborted) controller.abort(reason)
    },
    dispose: () => names.forEach((name) => process.off(name, handler))
  }
}

/** Settles with `promise`, or rejects with InterruptedError as soon as `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new InterruptedError(`interrupted by ${String(signal.reason)}`))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new InterruptedError(`interrupted by ${String(signal.reason)}`))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Resolves when `signal` aborts (the foreground node waits here until Ctrl-C or SIGTERM). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}
