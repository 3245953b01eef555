import { describe, expect, test } from 'vitest'
import { spriteLook, spriteRadius, spriteScale } from '../../../../src/renderer/src/graph/sprite-look'

describe('sprite look and scale', () => {
  test('are rendered within 2.2 % of the zoom, so drawing them unscaled shows nodes at their size', () => {
    for (const k of [0.05, 0.2, 0.37, 1, 1.5, 6]) {
      expect(Math.abs(spriteScale(k) / k - 1)).toBeLessThan(0.022)
    }
    // Nearby zooms share a sprite (a zoom gesture does not render one per event).
    expect(spriteScale(1)).toBe(spriteScale(1.005))
  })

  test('one sprite per look: kind, paired and the set of topics', () => {
    const base = { kind: 'peer' as const, topics: ['A', 'B'], paired: false }
    expect(spriteLook(base)).toBe(spriteLook({ ...base, topics: ['B', 'A'] }))
    expect(spriteLook(base)).not.toBe(spriteLook({ ...base, topics: ['A', 'C'] }))
    expect(spriteLook(base)).not.toBe(spriteLook({ ...base, paired: true }))
    expect(spriteLook(base)).not.toBe(spriteLook({ ...base, kind: 'lan' }))
  })

  test('the sprite covers the paired ring', () => {
    expect(spriteRadius('local', true)).toBeGreaterThan(11 + 3.5 + 1.25)
    expect(spriteRadius('peer', false)).toBeGreaterThan(8 + 0.75)
  })
})
