// When a node sends its LAN beacon: at start (again STARTUP_REPEATS_MS later, in case a datagram is lost), about
// every interval with ±10 % jitter, shortly after a change of name, subscriptions or paired state (bursts
// coalesce), at once when a newcomer is heard (at most every MIN_REPLY_GAP_MS), and a goodbye on stop. What it
// sends is the node's current self, numbered (seq); where it goes is lan-discovery.ts's (sendToAll).
import type { Clock, ClockTimer } from '../clock'
import type { Logger } from '../logger'
import type { BeaconAuth } from './beacon-auth'
import { encodeBeacon, type BeaconKind } from './beacon-codec'
import {
  ANNOUNCE_DEBOUNCE_MS,
  INTERVAL_JITTER_RATIO,
  MIN_REPLY_GAP_MS,
  STARTUP_REPEATS_MS
} from './constants'
import type { Identity } from '../identity'

/**
 * What the node tells LAN discovery about itself; read at every announcement. Its identity (identity.ts: every
 * field a beacon carries) plus the TCP protocol version. `ip` unspecified ('0.0.0.0', '::') makes receivers use the
 * beacon's source address.
 */
export interface LanSelf extends Omit<Identity, 'subscriptions'> {
  /** TCP protocol version. */
  v: number
  subscriptions: Iterable<string>
}

export class BeaconAnnouncer {
  private seq = 0
  private running = false
  private periodicTimer: ClockTimer | undefined
  private readonly startupTimers: ClockTimer[] = []
  private announceTimer: ClockTimer | undefined
  private announceAt = Infinity
  private lastReplyAt = -Infinity

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly self: () => LanSelf,
    /** Sends one datagram on every joined interface (resolves when all sends are done). */
    private readonly sendToAll: (datagram: Buffer) => Promise<void>,
    /** Called at every periodic announcement (drop reports are flushed then). */
    private readonly onPeriodic: () => void,
    /** Under a network key: every beacon is sealed with it (beacon-auth.ts). */
    private readonly auth: BeaconAuth | null = null
  ) {}

  /** Announces now and on the startup repeats, then periodically. */
  start(): void {
    this.running = true
    this.sendNow('announce')
    for (const delayMs of STARTUP_REPEATS_MS)
      this.startupTimers.push(this.clock.setTimeout(() => this.sendNow('announce'), delayMs))
    this.schedulePeriodic()
  }

  /** Stops every timer; the goodbye is sent with goodbye(). */
  stop(): void {
    this.running = false
    for (const timer of [this.periodicTimer, this.announceTimer, ...this.startupTimers])
      this.clock.clearTimeout(timer)
  }

  /** Something we announce changed: one beacon goes out shortly (bursts coalesce). */
  changed(): void {
    this.scheduleAnnounce(ANNOUNCE_DEBOUNCE_MS)
  }

  /** A newcomer was heard: answer soon so it lists us as fast as we list it (rate limited). */
  replySoon(): void {
    const gap = this.lastReplyAt + MIN_REPLY_GAP_MS - this.clock.now()
    this.scheduleAnnounce(Math.max(0, gap))
  }

  /** Our interfaces changed: say hello on the new one at once. */
  now(): void {
    this.scheduleAnnounce(0)
  }

  /** The last beacon, on stop: peers drop us at once. */
  goodbye(): Promise<void> {
    return this.send('goodbye')
  }

  private schedulePeriodic(): void {
    const jitter = 1 + (Math.random() * 2 - 1) * INTERVAL_JITTER_RATIO
    this.periodicTimer = this.clock.setTimeout(() => {
      if (!this.running) return
      this.sendNow('announce')
      this.onPeriodic()
      this.schedulePeriodic()
    }, this.intervalMs * jitter)
  }

  /** Keeps the earliest pending one-off announcement; later requests merge into it. */
  private scheduleAnnounce(delayMs: number): void {
    if (!this.running) return
    const at = this.clock.now() + delayMs
    if (this.announceTimer !== undefined && this.announceAt <= at) return
    this.clock.clearTimeout(this.announceTimer)
    this.announceAt = at
    this.announceTimer = this.clock.setTimeout(() => {
      this.announceTimer = undefined
      this.announceAt = Infinity
      this.lastReplyAt = this.clock.now()
      this.sendNow('announce')
    }, delayMs)
  }

  private sendNow(kind: BeaconKind): void {
    if (this.running) void this.send(kind)
  }

  private async send(kind: BeaconKind): Promise<void> {
    let data: Buffer
    try {
      data = this.encodeSelf(kind)
    } catch (err) {
      this.log.warn('cannot announce on the LAN', { err: err as Error })
      return
    }
    await this.sendToAll(data)
  }

  private encodeSelf(kind: BeaconKind): Buffer {
    const self = this.self()
    this.seq = (this.seq + 1) >>> 0
    const datagram = encodeBeacon({
      kind,
      v: self.v,
      id: self.id,
      name: self.name,
      ip: self.ip,
      port: self.port,
      subscriptions: [...self.subscriptions],
      paired: self.paired,
      root: self.root,
      intervalMs: this.intervalMs,
      seq: this.seq
    })
    return this.auth === null ? datagram : this.auth.seal(datagram)
  }
}
