// Colour and width scales shared by the network graph, the latency matrix and their legends.
// Slower links are warmer and thicker. Latencies are the host's one-way estimates (half the round trip, spec §6).
import { interpolateRgbBasis } from 'd3-interpolate'
import { scaleLog, scaleThreshold } from 'd3-scale'
import { schemeTableau10 } from 'd3-scale-chromatic'

/** Upper bounds (ms, exclusive) of the latency classes: loopback, LAN, busy LAN, WAN, slow WAN, very slow. */
export const LATENCY_THRESHOLDS_MS = [0.5, 2, 10, 50, 200] as const
export const LATENCY_CLASS_COUNT = LATENCY_THRESHOLDS_MS.length + 1

const latencyClassOf = scaleThreshold<number, number>()
  .domain([...LATENCY_THRESHOLDS_MS])
  .range([0, 1, 2, 3, 4, 5])

/** Latency class 0 (fastest) to 5 (slowest); -1 when the latency is not known yet (no ping so far). */
export function latencyClass(latencyMs: number | null): number {
  if (latencyMs === null || !Number.isFinite(latencyMs) || latencyMs < 0) return -1
  return latencyClassOf(latencyMs)
}

/** Stroke width of a link in a latency class: thicker = slower; unknown latency draws thin. */
export function linkWidth(latencyClassIndex: number): number {
  return latencyClassIndex < 0 ? 1 : 1.25 + latencyClassIndex * 0.75
}

// Two ramps, cool to warm, chosen to stay readable as thin lines on a light and on a dark background.
const RAMP_LIGHT = ['#2a9d8f', '#5a9e32', '#c49a00', '#e07020', '#d03a2a', '#9e1030']
const RAMP_DARK = ['#4fd1c0', '#8fd14f', '#f0c93c', '#ff9a4a', '#ff6650', '#ff4f86']

export function latencyRamp(dark: boolean): readonly string[] {
  return dark ? RAMP_DARK : RAMP_LIGHT
}

/** Human text of a latency class for the legend, e.g. '< 0.5 ms', '2–10 ms', '≥ 200 ms'. */
export function latencyClassLabel(index: number): string {
  const t = LATENCY_THRESHOLDS_MS
  if (index <= 0) return `< ${t[0]} ms`
  if (index >= t.length) return `≥ ${t[t.length - 1]} ms`
  return `${t[index - 1]}–${t[index]} ms`
}

/** Continuous colour for heatmap cells: log scale over the same range and ramp as the link classes. */
export function latencyColourScale(dark: boolean): (latencyMs: number) => string {
  const position = scaleLog().domain([0.1, 1000]).range([0, 1]).clamp(true)
  const ramp = interpolateRgbBasis([...latencyRamp(dark)])
  return (latencyMs) => ramp(position(Math.max(latencyMs, 0.1)))
}

/** '0.42 ms', '3.1 ms', '250 ms', or '—' when unknown. */
export function formatLatency(latencyMs: number | null): string {
  if (latencyMs === null || !Number.isFinite(latencyMs)) return '—'
  if (latencyMs < 1) return `${latencyMs.toFixed(2)} ms`
  if (latencyMs < 10) return `${latencyMs.toFixed(1)} ms`
  return `${Math.round(latencyMs)} ms`
}

// Tableau 10 without its grey (a grey topic would read as "no topic").
const TOPIC_PALETTE = [...schemeTableau10.filter((c) => c !== '#bab0ab'), '#17becf']

/**
 * A topic's colour, the same everywhere and across sessions: picked by a hash of the name, not by the order topics
 * were seen, so a new topic never recolours the others.
 */
export function topicColour(topic: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < topic.length; i++) {
    hash ^= topic.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return TOPIC_PALETTE[hash % TOPIC_PALETTE.length]
}

/** True for a dark CSS colour ('#101014', 'rgb(16, 16, 20)'), by relative luminance; false when unparsable. */
export function isDarkColour(css: string): boolean {
  const rgb = parseColour(css)
  if (!rgb) return false
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.2
}

function parseColour(css: string): [number, number, number] | null {
  const text = css.trim().toLowerCase()
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(text)
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join('') : hex[1]
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number]
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(text)
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])]
  return null
}
