// What the first screen of the built dashboard (out/renderer, `npm run build`) loads before it can paint: the entry
// and the modules index.html preloads. Issue #15's first usable paint is mostly the time to compile, evaluate and
// render this code, so it holds only what the sidebar, header and Overview draw: the lazy views' code (Naive's data
// table, the graph's force layout, the map) and the option dialogs' form and validator come later, and the budget
// keeps it from growing back unnoticed. (No browser here: it reads the build and its hidden source maps.)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'

const RENDERER = path.join(__dirname, '../../out/renderer')
/** Bytes of minified JavaScript before the first paint (806 KB before the Naive UI imports were split). */
const BUDGET_BYTES = 660_000
/**
 * Scripts before the first paint: the entry, Rolldown's runtime, and the first screen's code in two chunks (ours
 * and the libraries', scripts/first-screen-chunks.ts). Spread over twenty, the same code painted 8 % later.
 */
const MAX_SCRIPTS = 4

function firstScreenScripts(): string[] {
  const html = readFileSync(path.join(RENDERER, 'index.html'), 'utf8')
  return [...new Set([...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]))]
}

function sourcesOf(script: string): string[] {
  const map = path.join(RENDERER, `${script}.map`)
  return existsSync(map) ? (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources : []
}

describe('the first screen of the built dashboard', () => {
  test('loads no code of the views and dialogs it does not show', () => {
    const scripts = firstScreenScripts()
    expect(scripts.length).toBeGreaterThan(1)
    const loaded = scripts.flatMap(sourcesOf).map((s) => s.replace(/^(\.\.\/)+/, ''))
    expect(loaded.some((s) => s.endsWith('naive-ui/es/button/src/Button.mjs'))).toBe(true)
    const unwanted = [
      'naive-ui/es/data-table/src/DataTable.mjs',
      'naive-ui/es/form/src/Form.mjs',
      'naive-ui/es/input-number/src/InputNumber.mjs',
      'node_modules/async-validator/',
      'node_modules/d3-force/',
      'src/renderer/src/views/PeersView.vue',
      'src/renderer/src/views/MapView.vue',
      'src/renderer/src/components/NodeOptionsForm.vue'
    ]
    expect(unwanted.filter((u) => loaded.some((s) => s.includes(u)))).toEqual([])
  })

  test(`is at most ${MAX_SCRIPTS} scripts`, () => {
    expect(firstScreenScripts()).toHaveLength(MAX_SCRIPTS)
  })

  test('its own two chunks, and no other script, ask V8 to compile every function at once', () => {
    // scripts/compile-hints.ts: worth it only where most functions run at load (not in the lazy views' chunks).
    const hinted = readdirSync(path.join(RENDERER, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .filter((f) =>
        readFileSync(path.join(RENDERER, 'assets', f), 'utf8').startsWith('//# allFunctionsCalledOnLoad\n')
      )
      .map((f) => `assets/${f}`)
      .sort()
    expect(hinted).toHaveLength(2)
    expect(hinted).toEqual(
      firstScreenScripts()
        .filter((f) => /\/first-screen(-vendor)?-[\w-]+\.js$/.test(f))
        .sort()
    )
  })

  test(`is at most ${BUDGET_BYTES} bytes of JavaScript`, () => {
    const bytes = firstScreenScripts().reduce((sum, f) => sum + statSync(path.join(RENDERER, f)).size, 0)
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES)
  })
})
