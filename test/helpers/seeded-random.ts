// A seeded pseudo-random generator for deterministic tests (mulberry32: 32-bit state, good enough to scatter test
// inputs; not for anything secret). Same seed, same sequence, on every machine.

export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [0, n). */
  below(n: number): number
  /** Standard normal (mean 0, deviation 1), by Box–Muller. */
  normal(): number
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    below: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next() // (0, 1]: log(0) never happens
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next())
    }
  }
}
