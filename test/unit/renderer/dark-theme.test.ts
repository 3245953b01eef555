// The trimmed dark theme (src/renderer/src/theme/dark-theme.ts) must cover every Naive UI component the renderer
// draws: a component whose theme id is missing would keep its light-theme tweaks in the dark. The ids are read
// from Naive's own sources (`useTheme("Id", …)` in the module that defines each imported component).
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { naiveExportMap } from '../../../scripts/naive-per-component'
import { darkTheme } from '../../../src/renderer/src/theme/dark-theme'

const root = path.join(__dirname, '../../..')
const map = naiveExportMap(path.join(root, 'node_modules/naive-ui/es/index.mjs'))

function rendererFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return rendererFiles(full)
    return /\.(vue|ts)$/.test(entry.name) ? [full] : []
  })
}

/** Names of Naive components (N…) imported from 'naive-ui' anywhere in the renderer. */
function importedComponents(): Set<string> {
  const names = new Set<string>()
  for (const file of rendererFiles(path.join(root, 'src/renderer/src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'naive-ui'/g))
      for (const part of match[1]!.split(','))
        if (/^\s*N[A-Z]/.test(part)) names.add(part.trim().split(/\s+as\s+/)[0]!)
  }
  return names
}

/** The theme id a component's module asks its config provider for, or null (providers, global style). */
function themeId(component: string): string | null {
  const from = map.get(component)?.from
  if (!from?.startsWith('naive-ui/')) throw new Error(`${component} is not mapped to a Naive module`)
  const source = readFileSync(path.join(root, 'node_modules', from), 'utf8')
  return /useTheme\(\s*"([A-Za-z]+)"/.exec(source)?.[1] ?? null
}

describe('the dark theme', () => {
  test('has an entry for every Naive component the renderer imports', () => {
    const components = importedComponents()
    expect(components.size).toBeGreaterThan(15)
    const missing = [...components]
      .map((component) => [component, themeId(component)] as const)
      .filter(([, id]) => id !== null && !(id in darkTheme))
    expect(missing).toEqual([])
  })

  test('uses the same component themes as Naive UI’s full dark theme', async () => {
    const { darkTheme: full } = await import('naive-ui')
    for (const [key, value] of Object.entries(darkTheme)) {
      if (key === 'name') continue
      expect(value, key).toBe((full as Record<string, unknown>)[key])
    }
  })
})
