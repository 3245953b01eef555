// VivaldiClient: one node's coordinate, moved by the round trips it measures (after Serf's client_test.go), and
// its defences: a hostile peer's coordinate or an impossible round trip is refused and changes nothing.
import { describe, expect, it } from 'vitest'
import {
  coordinateProblem,
  InvalidCoordinateError,
  InvalidRttError,
  makeCoordinate,
  MAX_COORDINATE_SECONDS,
  originCoordinate,
  VivaldiClient,
  type Coordinate
} from '../../../../src/main/chaski/coordinates/index'
import { InvalidOptionError } from '../../../../src/main/chaski/errors'
import { seededRandom } from '../../../helpers/seeded-random'

const threeD = { dimensionality: 3 }

describe('VivaldiClient', () => {
  it('starts at the origin with the configured dimensions', () => {
    const client = new VivaldiClient({ dimensionality: 7 })
    expect(client.coordinate).toEqual(
      originCoordinate({ dimensionality: 7, errorMax: 1.5, heightMin: 10e-6 })
    )
    expect(new VivaldiClient().coordinate.vec).toHaveLength(8)
  })

  it.each([
    [{ dimensionality: 0 }],
    [{ dimensionality: 2.5 }],
    [{ dimensionality: 17 }],
    [{ cc: Number.NaN }],
    [{ gravityRho: 0 }],
    [{ latencyFilterSize: 0 }],
    [{ maxTrackedPeers: -1 }]
  ])('refuses the configuration %o', (init) => {
    expect(() => new VivaldiClient(init)).toThrow(InvalidOptionError)
  })

  it('moves away from a peer that is further than it estimated, and towards one that is nearer', () => {
    const client = new VivaldiClient({ ...threeD, random: seededRandom(1).next })
    const above = makeCoordinate([0, 0, 0.001], 1.5, 0, 10e-6)
    const after = client.update('peer', above, 2) // 2 ms measured, about 1 ms estimated
    expect(after.vec[2]).toBeLessThan(0)
    expect(client.coordinate).toBe(after)
    const far = new VivaldiClient({ ...threeD, random: seededRandom(1).next })
    far.setCoordinate({ ...far.coordinate, vec: [0, 0, -0.05] })
    far.update('peer', above, 2) // 51 ms estimated, 2 ms measured: closer
    expect(far.coordinate.vec[2]).toBeGreaterThan(-0.05)
  })

  it('learns the round trip to a peer: the estimate converges to what is measured', () => {
    const random = seededRandom(3)
    const a = new VivaldiClient({ random: random.next })
    const b = new VivaldiClient({ random: random.next })
    for (let i = 0; i < 200; i++) {
      a.update('b', b.coordinate, 25)
      b.update('a', a.coordinate, 25)
    }
    expect(a.estimateRttMs(b.coordinate)).toBeCloseTo(25, 0)
    expect(b.estimateRttMs(a.coordinate)).toBeCloseTo(25, 0)
    expect(a.coordinate.error).toBeLessThan(0.1)
    expect(a.stats).toEqual({ updates: 200, rejected: 0, discarded: 0 })
  })

  it('is deterministic for a given random source', () => {
    const play = (): Coordinate => {
      const random = seededRandom(42)
      const a = new VivaldiClient({ random: random.next })
      const b = new VivaldiClient({ random: random.next })
      for (let i = 0; i < 50; i++) {
        a.update('b', b.coordinate, 10 + (i % 3))
        b.update('a', a.coordinate, 10 + (i % 5))
      }
      return a.coordinate
    }
    expect(play()).toEqual(play())
  })

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -1, 10_001, '5' as unknown as number])(
    'refuses a round trip of %s ms and changes nothing',
    (rtt) => {
      const client = new VivaldiClient(threeD)
      const before = client.coordinate
      expect(() =>
        client.update('peer', originCoordinate({ ...threeD, errorMax: 1.5, heightMin: 0 }), rtt)
      ).toThrow(InvalidRttError)
      expect(client.coordinate).toBe(before)
      expect(client.trackedPeers).toBe(0)
      expect(client.stats).toEqual({ updates: 0, rejected: 1, discarded: 0 })
    }
  )

  it('refuses a hostile coordinate, keeps its own untouched, and goes on learning from honest peers', () => {
    const random = seededRandom(5)
    const client = new VivaldiClient({ random: random.next })
    const honest = new VivaldiClient({ random: random.next })
    for (let i = 0; i < 20; i++) {
      client.update('honest', honest.coordinate, 30)
      honest.update('client', client.coordinate, 30)
    }
    const before = client.coordinate
    const good = honest.coordinate
    const hostile: unknown[] = [
      { ...good, vec: good.vec.map((value, i) => (i === 2 ? Number.NaN : value)) },
      { ...good, vec: good.vec.map(() => Number.POSITIVE_INFINITY) },
      { ...good, vec: good.vec.map(() => 1e300) },
      { ...good, height: Number.NaN },
      { ...good, height: 1e308 },
      { ...good, error: -1 },
      { ...good, error: 0, adjustment: Number.NEGATIVE_INFINITY },
      { ...good, vec: [...good.vec, 0] },
      { ...good, vec: good.vec.slice(1) },
      null,
      'coordinate'
    ]
    for (const coordinate of hostile) {
      expect(() => client.update('mallory', coordinate as Coordinate, 30)).toThrow(InvalidCoordinateError)
      expect(client.coordinate).toBe(before)
    }
    expect(client.stats.rejected).toBe(hostile.length)
    expect(client.trackedPeers).toBe(1) // mallory never got a latency filter
    for (let i = 0; i < 20; i++) client.update('honest', honest.coordinate, 30)
    expect(client.estimateRttMs(honest.coordinate)).toBeCloseTo(30, 0)
  })

  it('a peer that answers as slowly as it can, from right beside us, cannot push us out of bounds', () => {
    // The one thing a peer controls besides its coordinate is how late it answers: up to the 10 s limit. Valid
    // inputs, hostile intent; the result stays within the bounds we hold peers to.
    const client = new VivaldiClient({ random: seededRandom(9).next })
    for (let i = 0; i < 500; i++) {
      const beside = makeCoordinate(client.coordinate.vec, 0, 0, 0)
      client.update('slow', beside, 10_000)
      expect(coordinateProblem(client.coordinate, client.config)).toBeNull()
    }
    expect(Math.hypot(...client.coordinate.vec)).toBeLessThanOrEqual(MAX_COORDINATE_SECONDS)
    expect(client.stats.discarded).toBeGreaterThan(0) // the bound was reached, and held
  })

  it('setCoordinate accepts a valid coordinate and refuses anything else', () => {
    const client = new VivaldiClient(threeD)
    client.setCoordinate({ vec: [0.01, 0, 99e-3], error: 0.5, adjustment: 0, height: 0.001 })
    expect(client.coordinate.vec).toEqual([0.01, 0, 99e-3])
    const kept = client.coordinate
    expect(() => client.setCoordinate({ ...kept, vec: [Number.NaN, 0, 0] })).toThrow(InvalidCoordinateError)
    expect(() => client.setCoordinate({ ...kept, vec: [0, 0] })).toThrow(InvalidCoordinateError)
    expect(client.coordinate).toBe(kept)
  })

  it('rides out one slow round trip (median of the last three), and forgets a peer on request', () => {
    const random = seededRandom(11)
    const a = new VivaldiClient({ random: random.next })
    const b = new VivaldiClient({ random: random.next })
    for (let i = 0; i < 100; i++) {
      a.update('b', b.coordinate, 20)
      b.update('a', a.coordinate, 20)
    }
    const settled = a.estimateRttMs(b.coordinate)
    a.update('b', b.coordinate, 2000) // a 2 s blip: the median is still 20 ms
    expect(a.estimateRttMs(b.coordinate)).toBeCloseTo(settled, 0)
    a.forgetPeer('b')
    expect(a.trackedPeers).toBe(0)
  })
})
