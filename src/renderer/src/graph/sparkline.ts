// Geometry of the round-trip sparkline: pure, so it is unit-tested without a DOM.
import { scaleLinear } from 'd3-scale'
import { line } from 'd3-shape'

export interface SparklineGeometry {
  /** SVG path of the samples ('' when there are none). */
  path: string
  /** The newest sample and where it is drawn; null without samples. */
  last: { x: number; y: number; value: number } | null
  min: number
  max: number
  count: number
}

const PAD = 2.5

/** Samples oldest first; non-finite or negative ones are skipped. The y range starts at 0 so spikes look like spikes. */
export function sparklineGeometry(
  samples: readonly number[],
  width: number,
  height: number
): SparklineGeometry {
  const values = samples.filter((s) => Number.isFinite(s) && s >= 0)
  if (values.length === 0) return { path: '', last: null, min: 0, max: 0, count: 0 }
  const min = Math.min(...values)
  const max = Math.max(...values)
  const x = scaleLinear()
    .domain([0, Math.max(values.length - 1, 1)])
    .range([PAD, width - PAD])
  const y = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .range([height - PAD, PAD])
  const points = values.map((v, i): [number, number] => [
    values.length === 1 ? width / 2 : round(x(i)),
    round(y(v))
  ])
  const path = line()(values.length === 1 ? [[PAD, points[0][1]], points[0]] : points) ?? ''
  const [lx, ly] = points[points.length - 1]
  return { path, last: { x: lx, y: ly, value: values[values.length - 1] }, min, max, count: values.length }
}

function round(v: number): number {
  return Math.round(v * 100) / 100
}
