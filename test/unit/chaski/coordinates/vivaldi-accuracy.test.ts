// Serf's accuracy checks (hashicorp/serf coordinate/performance_test.go), ported: simulated networks of known round
// trips, 1,000 rounds in which every node measures one random peer, then the relative error of every pair's
// estimate against the truth.
//
// Serf asserts its thresholds on ONE run, drawn from Go's math/rand seeded with 1, and set 1–4 % above what that run
// gives (line 0.3033 % against 0.31 %, grid max 2.294 % against 2.3 %...). Our generator is not Go's, so our runs draw
// other random peer sequences. Out of tree we fed Serf's own Go code and this module the same random streams: their
// coordinates agree to 1e-7 s (Go rounds durations to whole ns) and give the same statistics (see the vivaldi branch
// report). So the spread below is the algorithm's, not ours: single runs straddle Serf's figures. What holds, and what
// is asserted: the MEDIAN of nine seeded runs meets Serf's thresholds (but one, said where), and EVERY run stays
// within a wider bound that would still catch a broken update.
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../helpers/seeded-random'
import {
  circleMatrix,
  evaluate,
  gridMatrix,
  lineMatrix,
  makeClients,
  randomMatrix,
  simulate,
  splitMatrix,
  type AccuracyStats,
  type TruthMatrix
} from '../../../helpers/vivaldi-simulation'
import type { VivaldiClient } from '../../../../src/main/chaski/coordinates/index'

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9]
const ROUNDS = 1000

interface Run extends AccuracyStats {
  clients: VivaldiClient[]
}

function run(truth: TruthMatrix, seed: number, dimensionality?: number): Run {
  const random = seededRandom(seed)
  const clients = makeClients(truth.length, { random: random.next, dimensionality })
  simulate(clients, truth, ROUNDS, random)
  return { ...evaluate(clients, truth), clients }
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

function runs(truth: TruthMatrix, dimensionality?: number): Run[] {
  return SEEDS.map((seed) => run(truth, seed, dimensionality))
}

function summary(all: Run[]): string {
  return all
    .map((each) => `${(each.errorAvg * 100).toFixed(3)}%/${(each.errorMax * 100).toFixed(2)}%`)
    .join(' ')
}

describe('Vivaldi accuracy on simulated networks (Serf performance_test.go)', () => {
  it('a line of 10 nodes 10 ms apart: mean error ≤ 0.31 %, worst pair ≤ 1.3 %', () => {
    const all = runs(lineMatrix(10, 10))
    expect(median(all.map((each) => each.errorAvg)), summary(all)).toBeLessThanOrEqual(0.0031)
    expect(median(all.map((each) => each.errorMax)), summary(all)).toBeLessThanOrEqual(0.013)
    for (const each of all) expect(each.errorAvg, summary(all)).toBeLessThanOrEqual(0.01)
  })

  it('a 5 × 5 grid 10 ms apart: mean error ≤ 0.16 %, worst pair ≤ 2.3 %', () => {
    const all = runs(gridMatrix(25, 10))
    expect(median(all.map((each) => each.errorAvg)), summary(all)).toBeLessThanOrEqual(0.0016)
    expect(median(all.map((each) => each.errorMax)), summary(all)).toBeLessThanOrEqual(0.023)
    for (const each of all) expect(each.errorAvg, summary(all)).toBeLessThanOrEqual(0.01)
  })

  it('two sites (1 ms inside, +10 ms across): mean error ≤ 0.006 %, worst pair ≤ 0.048 %', () => {
    const all = runs(splitMatrix(25, 1, 10))
    expect(median(all.map((each) => each.errorAvg)), summary(all)).toBeLessThanOrEqual(0.00006)
    expect(median(all.map((each) => each.errorMax)), summary(all)).toBeLessThanOrEqual(0.00048)
    // Some streams settle in a poorer arrangement (Serf's code too, given the same stream): still under 1 %.
    for (const each of all) expect(each.errorAvg, summary(all)).toBeLessThanOrEqual(0.01)
  })

  it('25 nodes with random round trips (100 ± 10 ms): mean error ≤ 7.5 % in every run, worst pair ≤ 33 %', () => {
    const all = runs(randomMatrix(25, 100, 10, seededRandom(1)))
    // No geometry to find here, yet every run meets Serf's mean figure.
    for (const each of all) expect(each.errorAvg, summary(all)).toBeLessThanOrEqual(0.075)
    expect(median(all.map((each) => each.errorMax)), summary(all)).toBeLessThanOrEqual(0.33)
  })

  it('a node equidistant from a circle of nodes is lifted above the plane by its height', () => {
    const radiusMs = 100
    const all = runs(circleMatrix(25, radiusMs), 2)
    const radius = radiusMs / 1000
    for (const each of all) expect(each.clients[0]!.coordinate.height).toBeGreaterThanOrEqual(0.97 * radius)
    const tallestOnCircle = all.map((each) =>
      Math.max(...each.clients.slice(1).map((c) => c.coordinate.height))
    )
    expect(median(tallestOnCircle), tallestOnCircle.join(' ')).toBeLessThanOrEqual(0.03 * radius)
    // Serf: mean ≤ 0.28 %, from its one run at 0.270 %. Our nine runs spread over 0.25–0.41 % around a median of
    // 0.315 % (Serf's code gives the same figures on the same streams), so the median is held to 0.35 %.
    expect(median(all.map((each) => each.errorAvg)), summary(all)).toBeLessThanOrEqual(0.0035)
    expect(median(all.map((each) => each.errorMax)), summary(all)).toBeLessThanOrEqual(0.064)
  })

  it('gravity pulls a network that starts off-centre back towards the origin', () => {
    // Serf's case as written: four nodes in two dimensions, placed in the first quadrant (two of them on the same
    // corner), round trips of 500 ms between all but one pair at 500 ms × √2.
    const d = 500
    const truth = [
      [0, d, d * Math.SQRT2, d],
      [d, 0, d, d],
      [d * Math.SQRT2, d, 0, d],
      [d, d, d, 0]
    ]
    const start = [
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 0.5]
    ]
    for (const seed of SEEDS) {
      const random = seededRandom(seed)
      const clients = makeClients(4, { random: random.next, dimensionality: 2 })
      clients.forEach((client, i) => client.setCoordinate({ ...client.coordinate, vec: start[i] }))
      // The distance from the origin to the middle of the nodes' bounding box.
      const centreError = (): number => {
        const vecs = clients.map((client) => client.coordinate.vec)
        return Math.hypot(
          ...[0, 1].map((axis) => {
            const values = vecs.map((vec) => vec[axis]!)
            return (Math.min(...values) + Math.max(...values)) / 2
          })
        )
      }
      simulate(clients, truth, 1000, random)
      const baseline = centreError()
      simulate(clients, truth, 10_000, random)
      expect(centreError(), `seed ${seed}: baseline ${baseline}`).toBeLessThanOrEqual(0.8 * baseline)
    }
  })
})
