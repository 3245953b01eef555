// DeadlineSweep (deadlines.ts): one timer for a node's dial and handshake timeouts. Timing assertions are one-sided
// (never early; eventually) so a busy machine cannot make them flaky.
import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { DeadlineSweep, periodicSweep, type Deadline } from '../../../src/main/chaski/deadlines'
import { ManualClock } from '../../helpers/manual-clock'
import { waitFor } from '../../helpers/wait-for'

function entry(): Deadline & { firedAt: number | null; fired: number } {
  return {
    deadlineAt: 0,
    firedAt: null,
    fired: 0,
    onDeadline() {
      this.fired++
      this.firedAt = performance.now()
    }
  }
}

/**
 * Waits until a deadline added now, `ms` later than everything before it, has fired: by then the sweep has passed
 * every earlier deadline, so what did not fire never will (no fixed sleep).
 */
async function afterProbe(sweep: DeadlineSweep, ms: number): Promise<void> {
  const probe = entry()
  sweep.add(probe, ms)
  await waitFor(() => probe.fired > 0, { timeoutMs: 5_000 })
}

describe('DeadlineSweep', () => {
  it('expires every entry once, never before its deadline', async () => {
    const sweep = new DeadlineSweep()
    const start = performance.now()
    const late = entry()
    const early = entry()
    sweep.add(late, 60)
    sweep.add(early, 20) // earlier than the armed timer: re-arms for it
    await waitFor(() => late.fired > 0 && early.fired > 0, { timeoutMs: 5_000 })
    expect(early.firedAt! - start).toBeGreaterThanOrEqual(20)
    expect(late.firedAt! - start).toBeGreaterThanOrEqual(60)
    expect(sweep.size).toBe(0)
    await afterProbe(sweep, 30)
    expect([early.fired, late.fired]).toEqual([1, 1])
  })

  it('never fires a deleted entry, and keeps serving the others', async () => {
    const sweep = new DeadlineSweep()
    const gone = entry()
    const kept = entry()
    sweep.add(gone, 10)
    sweep.add(kept, 30)
    sweep.delete(gone)
    await waitFor(() => kept.fired > 0, { timeoutMs: 5_000 }) // due after `gone`: the sweep passed it
    expect(gone.fired).toBe(0)
  })

  it('clear() forgets everything', async () => {
    const sweep = new DeadlineSweep()
    const one = entry()
    sweep.add(one, 10)
    sweep.clear()
    expect(sweep.size).toBe(0)
    await afterProbe(sweep, 30)
    expect(one.fired).toBe(0)
  })

  it('an entry added from onDeadline is served too', async () => {
    const sweep = new DeadlineSweep()
    const second = entry()
    const first: Deadline = {
      deadlineAt: 0,
      onDeadline: () => sweep.add(second, 10)
    }
    sweep.add(first, 10)
    await waitFor(() => second.fired > 0, { timeoutMs: 5_000 })
    expect(second.fired).toBe(1)
  })

  it('with a granularity, deadlines within one step share a firing: never early, at most one step late', () => {
    const clock = new ManualClock()
    const sweep = new DeadlineSweep(clock, 50)
    const [a, b, c] = [entry(), entry(), entry()]
    sweep.add(a, 70) // armed for the next whole step: 100 (+1)
    sweep.add(b, 90) // inside that firing: no timer of its own
    sweep.add(c, 400)
    expect(clock.pending).toBe(1)
    clock.advance(69)
    expect([a.fired, b.fired]).toEqual([0, 0])
    clock.advance(32) // 101: one firing serves a and b
    expect([a.fired, b.fired, c.fired]).toEqual([1, 1, 0])
    clock.advance(298) // 399: not yet
    expect(c.fired).toBe(0)
    clock.advance(52) // at most one step late
    expect(c.fired).toBe(1)
  })

  it('periodicSweep: one per clock, shared by every node on it', () => {
    const clock = new ManualClock()
    expect(periodicSweep(clock)).toBe(periodicSweep(clock))
    expect(periodicSweep(new ManualClock())).not.toBe(periodicSweep(clock))
  })
})
