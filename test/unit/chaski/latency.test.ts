import { describe, expect, it } from 'vitest'
import { EdgeLatency, updateLatencyEstimate } from '../../../src/main/chaski/latency'

describe('updateLatencyEstimate (spec §6)', () => {
  it('the first sample sets latency = sample, jitter = 100', () => {
    expect(updateLatencyEstimate(null, 12)).toEqual({ latency: 12, jitter: 100 })
  })

  it('matches hand-computed values of the Gaussian update', () => {
    // prior (10, 100), sample 20: precisions 1e-4 + 1e-4 = 2e-4 → latency 15, jitter sqrt(5000) = 70.7107
    const second = updateLatencyEstimate({ latency: 10, jitter: 100 }, 20)
    expect(second.latency).toBeCloseTo(15, 10)
    expect(second.jitter).toBeCloseTo(70.71067811865476, 10)
    // prior (15, 70.7107), sample 30: precisions 2e-4 + 1e-4 = 3e-4 → latency (15·2 + 30)/3 = 20, jitter sqrt(1/3e-4)
    const third = updateLatencyEstimate(second, 30)
    expect(third.latency).toBeCloseTo(20, 10)
    expect(third.jitter).toBeCloseTo(57.735026918962575, 10)
    // prior (2, 50), sample 7: precisions 4e-4 + 1e-4 → latency (2·4 + 7)/5 = 3, jitter sqrt(2000) = 44.7214
    const other = updateLatencyEstimate({ latency: 2, jitter: 50 }, 7)
    expect(other.latency).toBeCloseTo(3, 10)
    expect(other.jitter).toBeCloseTo(44.721359549995796, 10)
  })
})

describe('EdgeLatency', () => {
  it('feeds RTT/2 to the estimate and keeps raw RTTs', () => {
    const stats = new EdgeLatency()
    expect(stats.latency).toBeNull()
    expect(stats.rttSamples).toEqual([])
    stats.record(20)
    expect(stats.latency).toBe(10)
    expect(stats.jitter).toBe(100)
    stats.record(40)
    expect(stats.latency).toBeCloseTo(15, 10)
    expect(stats.lastRtt).toBe(40)
    expect(stats.rttSamples).toEqual([20, 40])
  })

  it('keeps only the last 60 raw samples, oldest first', () => {
    const stats = new EdgeLatency()
    for (let i = 1; i <= 75; i++) stats.record(i)
    expect(stats.rttSamples).toHaveLength(60)
    expect(stats.rttSamples[0]).toBe(16)
    expect(stats.rttSamples[59]).toBe(75)
  })

  it('a sample without latency update is kept raw but leaves the estimate', () => {
    const stats = new EdgeLatency()
    stats.record(10)
    stats.record(1000, false)
    expect(stats.latency).toBe(5)
    expect(stats.lastRtt).toBe(1000)
  })

  it('adopt copies history (a reconnected edge keeps it)', () => {
    const a = new EdgeLatency()
    a.record(8)
    const b = new EdgeLatency()
    b.adopt(a)
    expect(b.latency).toBe(4)
    expect(b.rttSamples).toEqual([8])
    a.record(100)
    expect(b.rttSamples).toEqual([8])
  })
})
