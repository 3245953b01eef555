// Simulated networks for the Vivaldi accuracy tests, after Serf's coordinate/phantom.go: a "truth" matrix of round
// trips in ms for a known topology, a simulation where every node in turn measures one random peer, and the mean and
// worst relative error of the estimates against the truth. Seeded: the same run on every machine.
import { VivaldiClient, type VivaldiClientInit } from '../../src/main/chaski/coordinates/index'
import type { SeededRandom } from './seeded-random'

/** truth[i][j]: the real round trip between node i and node j, in ms (symmetric, zero diagonal). */
export type TruthMatrix = number[][]

function matrix(nodes: number, rtt: (i: number, j: number) => number): TruthMatrix {
  const truth = Array.from({ length: nodes }, () => new Array<number>(nodes).fill(0))
  for (let i = 0; i < nodes; i++) for (let j = i + 1; j < nodes; j++) truth[i]![j] = truth[j]![i] = rtt(i, j)
  return truth
}

/** Nodes on a straight line, `spacingMs` apart. */
export function lineMatrix(nodes: number, spacingMs: number): TruthMatrix {
  return matrix(nodes, (i, j) => (j - i) * spacingMs)
}

/** Nodes on a square grid (√nodes a side), `spacingMs` apart. */
export function gridMatrix(nodes: number, spacingMs: number): TruthMatrix {
  const side = Math.floor(Math.sqrt(nodes))
  return matrix(
    nodes,
    (i, j) => Math.hypot((j % side) - (i % side), Math.floor(j / side) - Math.floor(i / side)) * spacingMs
  )
}

/** Two sites: nodes 0..⌊n/2⌋ in one, the rest in the other; `lanMs` within a site, `lanMs + wanMs` across. */
export function splitMatrix(nodes: number, lanMs: number, wanMs: number): TruthMatrix {
  const split = Math.floor(nodes / 2)
  return matrix(nodes, (i, j) => (i <= split !== j <= split ? lanMs + wanMs : lanMs))
}

/**
 * Nodes 1..n−1 evenly on a circle of `radiusMs`; node 0 is equidistant from all of them at 2 × radius, which no point
 * of the plane can be: Vivaldi has to lift it up with its height.
 */
export function circleMatrix(nodes: number, radiusMs: number): TruthMatrix {
  return matrix(nodes, (i, j) => {
    if (i === 0) return 2 * radiusMs
    const a = (2 * Math.PI * i) / nodes
    const b = (2 * Math.PI * j) / nodes
    return Math.hypot(Math.cos(b) - Math.cos(a), Math.sin(b) - Math.sin(a)) * radiusMs
  })
}

/** Every pair an independent normal round trip (no geometry at all to find). */
export function randomMatrix(
  nodes: number,
  meanMs: number,
  deviationMs: number,
  random: SeededRandom
): TruthMatrix {
  return matrix(nodes, () => meanMs + random.normal() * deviationMs)
}

export function makeClients(nodes: number, init: VivaldiClientInit): VivaldiClient[] {
  return Array.from({ length: nodes }, () => new VivaldiClient(init))
}

/** `cycles` rounds; in each, every node measures one peer picked at random (itself: skipped), as Serf's Simulate. */
export function simulate(
  clients: VivaldiClient[],
  truth: TruthMatrix,
  cycles: number,
  random: SeededRandom
): void {
  for (let cycle = 0; cycle < cycles; cycle++) {
    for (let i = 0; i < clients.length; i++) {
      const j = random.below(clients.length)
      if (j !== i) clients[i]!.update(`node_${j}`, clients[j]!.coordinate, truth[i]![j]!)
    }
  }
}

export interface AccuracyStats {
  /** Mean of |estimate − truth| / truth over all pairs. */
  errorAvg: number
  /** Worst pair. */
  errorMax: number
}

/** Relative error of every pair's estimate (node i's view of node j's coordinate) against the truth. */
export function evaluate(clients: VivaldiClient[], truth: TruthMatrix): AccuracyStats {
  let sum = 0
  let count = 0
  let errorMax = 0
  for (let i = 0; i < clients.length; i++) {
    for (let j = i + 1; j < clients.length; j++) {
      const actual = truth[i]![j]!
      const error = Math.abs(clients[i]!.estimateRttMs(clients[j]!.coordinate) - actual) / actual
      sum += error
      count++
      errorMax = Math.max(errorMax, error)
    }
  }
  return { errorAvg: count === 0 ? 0 : sum / count, errorMax }
}
