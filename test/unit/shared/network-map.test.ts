// The map's helpers: the RTT two advert coordinates predict equals the Vivaldi client's own estimate, and a
// link's RTT is the mean of what its ends measured. DOT output escapes what names carry from the network.
import { describe, expect, it } from 'vitest'
import { VivaldiClient, estimateRttMs } from '../../../src/main/chaski/index'
import { mapDot } from '../../../src/main/cli/map-text'
import { estimateMapRttMs, linkRttMs, type NetworkMap } from '../../../src/shared/network-map'
import { seededRandom } from '../../helpers/seeded-random'

describe('network map helpers', () => {
  it('estimateMapRttMs agrees with the Vivaldi estimate for coordinates after real updates', () => {
    const rng = seededRandom(7)
    const random = (): number => rng.next()
    const a = new VivaldiClient({ random })
    const b = new VivaldiClient({ random })
    for (let i = 0; i < 50; i++) {
      a.update('b', b.coordinate, 20 + random() * 4)
      b.update('a', a.coordinate, 20 + random() * 4)
    }
    const plain = (c: typeof a.coordinate) => ({ ...c, vec: [...c.vec] })
    expect(estimateMapRttMs(plain(a.coordinate), plain(b.coordinate))).toBeCloseTo(
      estimateRttMs(a.coordinate, b.coordinate),
      9
    )
    expect(estimateMapRttMs(plain(a.coordinate), plain(b.coordinate))).toBeGreaterThan(15)
  })

  it('linkRttMs is the mean of both ends, or the one end that measured', () => {
    const link = {
      a: 'a',
      b: 'b',
      confirmed: true,
      rttByA: 2,
      rttByB: 4,
      jitterMs: null,
      state: 'up' as const
    }
    expect(linkRttMs(link)).toBe(3)
    expect(linkRttMs({ ...link, rttByB: null })).toBe(2)
    expect(linkRttMs({ ...link, rttByA: null, rttByB: null })).toBeNull()
  })

  it('DOT quotes names: a quote, a backslash or a newline cannot break out of the label', () => {
    const map: NetworkMap = {
      origin: 'x',
      takenAt: 0,
      depth: 3,
      truncated: 0,
      nodes: [
        {
          id: 'x',
          name: 'a"];evil\\\n',
          ip: '127.0.0.1',
          port: 1,
          known: 'local',
          hops: 0,
          ageMs: 0,
          advertised: true,
          coordinate: null,
          more: 0,
          topics: [],
          topicsMore: 0
        }
      ],
      links: []
    }
    const dot = mapDot(map)
    const line = dot.split('\n')[2]!
    expect(dot.split('\n')).toHaveLength(4)
    expect(line).toMatch(
      /^ {2}"x" \[label="a\\"\];evil\\\\\\\\u\{a\}@127\.0\.0\.1:1, this node", style=bold\];$/
    )
  })
})
