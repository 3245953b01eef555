import { describe, expect, test } from 'vitest'
import {
  formatLatency,
  isDarkColour,
  LATENCY_CLASS_COUNT,
  latencyClass,
  latencyClassLabel,
  latencyColourScale,
  latencyRamp,
  linkWidth,
  topicColour
} from '../../../../src/renderer/src/graph/graph-scales'

describe('latency classes', () => {
  test('slower latencies fall in higher classes, unknown in none', () => {
    expect(latencyClass(0.05)).toBe(0)
    expect(latencyClass(0.5)).toBe(1)
    expect(latencyClass(3)).toBe(2)
    expect(latencyClass(30)).toBe(3)
    expect(latencyClass(100)).toBe(4)
    expect(latencyClass(5000)).toBe(LATENCY_CLASS_COUNT - 1)
    expect(latencyClass(null)).toBe(-1)
    expect(latencyClass(Number.NaN)).toBe(-1)
    expect(latencyClass(-1)).toBe(-1)
  })

  test('slower is thicker, and unknown is the thinnest', () => {
    const widths = Array.from({ length: LATENCY_CLASS_COUNT }, (_, i) => linkWidth(i))
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThan(widths[i - 1])
    expect(linkWidth(-1)).toBeLessThan(widths[0])
  })

  test('the legend names each class by its bounds', () => {
    expect(latencyClassLabel(0)).toBe('< 0.5 ms')
    expect(latencyClassLabel(2)).toBe('2–10 ms')
    expect(latencyClassLabel(LATENCY_CLASS_COUNT - 1)).toBe('≥ 200 ms')
  })

  test('each theme has one colour per class, warmer (more red) when slower', () => {
    for (const dark of [false, true]) {
      const ramp = latencyRamp(dark)
      expect(ramp).toHaveLength(LATENCY_CLASS_COUNT)
      const red = (hex: string) => parseInt(hex.slice(1, 3), 16)
      const blue = (hex: string) => parseInt(hex.slice(5, 7), 16)
      expect(red(ramp[ramp.length - 1]) - blue(ramp[ramp.length - 1])).toBeGreaterThan(
        red(ramp[0]) - blue(ramp[0])
      )
    }
    expect(latencyRamp(true)).not.toEqual(latencyRamp(false))
  })

  test('the heatmap scale is continuous, clamped and monotone in redness', () => {
    const colour = latencyColourScale(false)
    const rgb = (c: string) => c.match(/\d+/g)!.map(Number)
    expect(colour(0.01)).toBe(colour(0.1))
    expect(colour(5000)).toBe(colour(1000))
    expect(rgb(colour(500))[0]).toBeGreaterThan(rgb(colour(0.2))[0])
    expect(colour(1)).not.toBe(colour(10))
  })
})

describe('formatLatency', () => {
  test('keeps about two significant figures and says when unknown', () => {
    expect(formatLatency(0.4234)).toBe('0.42 ms')
    expect(formatLatency(3.14)).toBe('3.1 ms')
    expect(formatLatency(250.4)).toBe('250 ms')
    expect(formatLatency(null)).toBe('—')
  })
})

describe('topicColour', () => {
  test('is stable, a hex colour, and never the palette grey', () => {
    expect(topicColour('news')).toBe(topicColour('news'))
    for (const t of ['A', 'B', 'C', 'D', 'E', 'F', 'news', 'chat', 'x'.repeat(128)]) {
      expect(topicColour(t)).toMatch(/^#[0-9a-f]{6}$/)
      expect(topicColour(t)).not.toBe('#bab0ab')
    }
  })

  test('gives the usual single-letter topics distinct colours', () => {
    const colours = ['A', 'B', 'C', 'D', 'E', 'F'].map(topicColour)
    expect(new Set(colours).size).toBe(colours.length)
  })
})

describe('isDarkColour', () => {
  test('reads hex and rgb() colours by luminance', () => {
    expect(isDarkColour('#101014')).toBe(true)
    expect(isDarkColour('rgb(16, 16, 20)')).toBe(true)
    expect(isDarkColour('#fff')).toBe(false)
    expect(isDarkColour('rgba(255, 255, 255, 1)')).toBe(false)
    expect(isDarkColour('not a colour')).toBe(false)
  })
})
