// Reconnection after an unexpected loss (spec §3 Ours): exponential backoff with jitter, bounded attempts,
// per-peer state the UI can show. The actual dialing is injected so this module has no sockets.
import { systemClock, type Clock, type ClockTimer } from './clock'
import { DEFAULT_RECONNECT_BASE_MS, DEFAULT_RECONNECT_CAP_MS, RECONNECT_JITTER } from './constants'

/** Delay before attempt n (1-based): base × 2^(n-1), capped, then ±20 % jitter. */
export function backoffDelay(
  attempt: number,
  baseMs = DEFAULT_RECONNECT_BASE_MS,
  capMs = DEFAULT_RECONNECT_CAP_MS,
  random: () => number = Math.random
): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
  const factor = 1 + (random() * 2 - 1) * RECONNECT_JITTER
  return Math.max(0, Math.round(exponential * factor))
}

export interface ReconnectTarget {
  /** Id of the lost peer (a restarted peer may come back with a new id). */
  peerId: string
  name: string
  ip: string
  port: number
}

export interface ReconnectState extends ReconnectTarget {
  /** Attempt in progress or scheduled next (1-based). */
  attempt: number
  maxAttempts: number
  state: 'waiting' | 'connecting'
  /** Epoch ms of the next try (while waiting). */
  nextAttemptAt: number
  /** Epoch ms when the link was lost. */
  since: number
  lastError: string | null
}

export interface ReconnectHooks {
  /** Dials the peer; resolves when the edge is back, rejects to try again. */
  dial(target: ReconnectTarget): Promise<unknown>
  onAttempt(state: ReconnectState, delayMs: number): void
  onGaveUp(state: ReconnectState): void
  onSuccess(state: ReconnectState): void
}

export interface ReconnectOptions {
  maxAttempts: number
  baseMs: number
  capMs: number
}

/** Keeps one retry loop per lost peer, keyed by its listening address. */
export class ReconnectQueue {
  private readonly states = new Map<string, ReconnectState>()
  private readonly timers = new Map<string, ClockTimer>()
  private stopped = false

  constructor(
    private readonly options: ReconnectOptions,
    private readonly hooks: ReconnectHooks,
    private readonly clock: Clock = systemClock
  ) {}

  get size(): number {
    return this.states.size
  }

  /** Snapshot of the peers being retried. */
  list(): ReconnectState[] {
    return [...this.states.values()].map((state) => ({ ...state }))
  }

  has(key: string): boolean {
    return this.states.has(key)
  }

  /** Starts retrying a peer lost unexpectedly (no-op when disabled, stopped, or already retrying). */
  start(key: string, target: ReconnectTarget): void {
    if (this.stopped || this.options.maxAttempts <= 0 || this.states.has(key)) return
    const state: ReconnectState = {
      ...target,
      attempt: 0,
      maxAttempts: this.options.maxAttempts,
      state: 'waiting',
      nextAttemptAt: 0,
      since: this.clock.epochMs(),
      lastError: null
    }
    this.states.set(key, state)
    this.schedule(key, state)
  }

  /** Stops retrying one peer (it came back by other means, or the user closed it). */
  cancel(key: string): void {
    this.clock.clearTimeout(this.timers.get(key))
    this.timers.delete(key)
    this.states.delete(key)
  }

  /** Stops retrying whoever is retried at this address (the peer refused our reconnection). */
  cancelTarget(ip: string, port: number): void {
    for (const [key, state] of this.states) if (state.ip === ip && state.port === port) this.cancel(key)
  }

  stop(): void {
    this.stopped = true
    for (const key of [...this.states.keys()]) this.cancel(key)
  }

  private schedule(key: string, state: ReconnectState): void {
    if (state.attempt >= state.maxAttempts) {
      this.states.delete(key)
      this.hooks.onGaveUp({ ...state })
      return
    }
    state.attempt++
    const delay = backoffDelay(state.attempt, this.options.baseMs, this.options.capMs)
    state.state = 'waiting'
    state.nextAttemptAt = this.clock.epochMs() + delay
    this.hooks.onAttempt({ ...state }, delay)
    this.timers.set(
      key,
      this.clock.setTimeout(() => this.attempt(key, state), delay)
    )
  }

  private attempt(key: string, state: ReconnectState): void {
    this.timers.delete(key)
    if (this.states.get(key) !== state) return
    state.state = 'connecting'
    this.hooks.dial(state).then(
      () => {
        if (this.states.get(key) !== state) return
        this.states.delete(key)
        this.hooks.onSuccess({ ...state })
      },
      (error: unknown) => {
        if (this.states.get(key) !== state) return
        state.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
        this.schedule(key, state)
      }
    )
  }
}
