// The build plugin that imports each Naive UI name from its own module (scripts/naive-per-component.ts).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { naiveExportMap, rewriteNaiveImports } from '../../../scripts/naive-per-component'

const entry = path.join(__dirname, '../../../node_modules/naive-ui/es/index.mjs')
const map = naiveExportMap(entry)

describe('naiveExportMap', () => {
  test('maps the components, themes and hooks we use to the modules that define them', () => {
    expect(map.get('NButton')).toEqual({ from: 'naive-ui/es/button/src/Button.mjs', imported: 'default' })
    expect(map.get('NDataTable')?.from).toBe('naive-ui/es/data-table/src/DataTable.mjs')
    expect(map.get('darkTheme')).toEqual({ from: 'naive-ui/es/themes/dark.mjs', imported: 'darkTheme' })
    // Re-exported from one of Naive's own dependencies: imported from that package.
    expect(map.get('useOsTheme')).toEqual({ from: 'vooks', imported: 'useOsTheme' })
    for (const name of ['NConfigProvider', 'NMessageProvider', 'NDialogProvider', 'useMessage', 'useDialog'])
      expect(map.has(name), name).toBe(true)
  })

  test('every mapped module really exports its name', () => {
    for (const [name, { from, imported }] of map) {
      if (!from.startsWith('naive-ui/')) continue
      const source = readFileSync(path.join(__dirname, '../../../node_modules', from), 'utf8')
      const exported =
        imported === 'default' ? /export default|\bas default\b/ : new RegExp(`export[^;]*\\b${imported}\\b`)
      expect(exported.test(source), `${name}: '${imported}' from ${from}`).toBe(true)
    }
  })
})

describe('rewriteNaiveImports', () => {
  test('splits an import of the package into one import per defining module, keeping local names', () => {
    const code = `import { NButton, NDataTable as Table } from 'naive-ui'\nexport { NButton, Table }\n`
    expect(rewriteNaiveImports(code, map)).toBe(
      `import { default as NButton } from "naive-ui/es/button/src/Button.mjs"; ` +
        `import { default as Table } from "naive-ui/es/data-table/src/DataTable.mjs";\nexport { NButton, Table }\n`
    )
  })

  test('names it cannot map keep importing the package', () => {
    const code = `import { NButton, somethingNew } from 'naive-ui'\nexport { NButton, somethingNew }\n`
    expect(rewriteNaiveImports(code, map)).toBe(
      `import { somethingNew } from "naive-ui"; import { default as NButton } from "naive-ui/es/button/src/Button.mjs";\n` +
        `export { NButton, somethingNew }\n`
    )
  })

  test('leaves code without Naive imports, and default or namespace imports, as they are', () => {
    expect(rewriteNaiveImports(`import { ref } from 'vue'\n`, map)).toBeNull()
    expect(rewriteNaiveImports(`import * as naive from 'naive-ui'\nexport { naive }\n`, map)).toBeNull()
  })
})
