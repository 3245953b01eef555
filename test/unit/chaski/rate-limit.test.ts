import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../../../src/main/chaski/rate-limit'

function limiter(overrides: Partial<ConstructorParameters<typeof RateLimiter>[0]> = {}) {
  const clock = { now: 0 }
  const init = {
    burst: 5,
    ratePerS: 10,
    maxKeys: 100,
    globalBurst: 1000,
    globalRatePerS: 1000,
    ...overrides
  }
  return { clock, limiter: new RateLimiter(init, () => clock.now) }
}

const allowed = (limit: RateLimiter, source: string, times: number): number =>
  Array.from({ length: times }, () => limit.allow(source)).filter(Boolean).length

describe('RateLimiter', () => {
  it('allows a burst per source, then the sustained rate', () => {
    const { clock, limiter: limit } = limiter()
    expect(allowed(limit, 'a', 20)).toBe(5)
    clock.now += 1000 // 10 tokens refill, capped at the burst of 5
    expect(allowed(limit, 'a', 20)).toBe(5)
    clock.now += 100
    expect(allowed(limit, 'a', 20)).toBe(1)
  })

  it('keeps sources independent', () => {
    const { limiter: limit } = limiter()
    expect(allowed(limit, 'flooder', 100)).toBe(5)
    expect(allowed(limit, 'honest', 3)).toBe(3)
  })

  it('charges a flooding source its own bucket, never the global tokens other sources need', () => {
    const { limiter: limit } = limiter({ globalBurst: 10, globalRatePerS: 10 })
    expect(allowed(limit, 'flooder', 10_000)).toBe(5)
    expect(allowed(limit, 'honest', 5)).toBe(5)
  })

  it('bounds its table, evicting the least recently seen source', () => {
    const { limiter: limit } = limiter({ maxKeys: 10 })
    for (let i = 0; i < 10_000; i++) limit.allow(`spoofed-${i}`)
    expect(limit.size).toBe(10)
  })

  it('caps the whole receiver even when every datagram has a new source', () => {
    const { clock, limiter: limit } = limiter({ globalBurst: 50, globalRatePerS: 100 })
    let passed = 0
    for (let i = 0; i < 1000; i++) if (limit.allow(`s${i}`)) passed++
    expect(passed).toBe(50)
    clock.now += 1000
    for (let i = 0; i < 1000; i++) if (limit.allow(`t${i}`)) passed++
    expect(passed).toBe(100)
  })
})
