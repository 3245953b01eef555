// The median of each peer's last round trips (Serf's latency filter cases): blips are ridden out, peers do not mix,
// and memory stays bounded however many peer ids arrive.
import { describe, expect, it } from 'vitest'
import { LatencyFilter } from '../../../../src/main/chaski/coordinates/index'

describe('LatencyFilter', () => {
  it('returns the median of the last three samples', () => {
    const filter = new LatencyFilter(3, 16)
    expect([0.201, 0.2, 0.207].map((rtt) => filter.add('alice', rtt))).toEqual([0.201, 0.201, 0.201])
    // The 1.9 s blip never comes out of the filter.
    expect([1.9, 0.203, 0.199, 0.211].map((rtt) => filter.add('alice', rtt))).toEqual([
      0.207, 0.207, 0.203, 0.203
    ])
  })

  it('keeps peers apart, and starts afresh after forget', () => {
    const filter = new LatencyFilter(3, 16)
    filter.add('alice', 0.2)
    filter.add('alice', 0.2)
    expect(filter.add('bob', 0.31)).toBe(0.31)
    filter.forget('alice')
    expect(filter.add('alice', 0.888)).toBe(0.888)
  })

  it('forgets the least recently updated peer beyond its bound', () => {
    const filter = new LatencyFilter(3, 2)
    filter.add('a', 1)
    filter.add('b', 1)
    filter.add('a', 1) // a is now the most recent
    filter.add('c', 5) // b goes
    expect(filter.peerCount).toBe(2)
    expect(filter.add('a', 3)).toBe(1) // a's history is intact: median of 1, 1, 3
    expect(filter.add('b', 7)).toBe(7) // b started afresh
    for (let i = 0; i < 10_000; i++) filter.add(`peer-${i}`, 1)
    expect(filter.peerCount).toBe(2)
  })
})
