// V8's compile hint on the first screen's chunks (scripts/compile-hints.ts).
import { describe, expect, test } from 'vitest'
import { COMPILE_HINT, shiftedMap, withCompileHint } from '../../../scripts/compile-hints'

describe('compile hints', () => {
  test('the hint is the magic comment Chromium reads, alone on the first line, added once', () => {
    expect(COMPILE_HINT).toBe('//# allFunctionsCalledOnLoad')
    const hinted = withCompileHint('import{a}from"./x.js";a();')
    expect(hinted).toBe('//# allFunctionsCalledOnLoad\nimport{a}from"./x.js";a();')
    expect(withCompileHint(hinted!)).toBeNull()
  })

  test('the source map follows the code one line down, the rest of the map as it was', () => {
    const map = { version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA,CAAC;AACA' }
    expect(JSON.parse(shiftedMap(JSON.stringify(map)))).toEqual({ ...map, mappings: ';AAAA,CAAC;AACA' })
  })
})
