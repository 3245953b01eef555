// Build plugin for the renderer: imports from 'naive-ui' go to the module that defines each name.
//
// Naive UI's package entry (es/index.mjs) re-exports every component, and its default export installs them all.
// Rolldown places code by what imports it, and through that entry every component is reachable from the app: the
// data table, dropdowns and pickers that only lazy views use all landed in one 634 KB chunk that the first screen
// had to load and evaluate. With each name imported from its own module, a chunk holds only what it draws.
// Our sources keep the ordinary `import { NButton } from 'naive-ui'` (types and docs as usual); names the entry
// does not map to a module of its own are left importing the entry.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseAst, type Plugin } from 'vite'

const PACKAGE = 'naive-ui'

/** Where an export of the entry comes from: a bare specifier into the package, and the name it has there. */
export interface NaiveExport {
  from: string
  imported: string
}

interface Node {
  type: string
  start: number
  end: number
}
interface Identifier extends Node {
  name?: string
  value?: string
}
interface ImportSpecifierNode extends Node {
  imported?: Identifier
  local: Identifier
}
interface ImportDeclarationNode extends Node {
  source: { value: string }
  specifiers: ImportSpecifierNode[]
  importKind?: string
}
interface ExportSpecifierNode extends Node {
  local: Identifier
  exported: Identifier
}
interface ExportNamedNode extends Node {
  source: { value: string } | null
  specifiers: ExportSpecifierNode[]
}

const nameOf = (id: Identifier): string => id.name ?? id.value ?? ''

/**
 * The entry's exports that are re-exports of another module's binding, by exported name (for example
 * `NButton` → `{ from: 'naive-ui/es/button/src/Button.mjs', imported: 'default' }`). `entryFile` is es/index.mjs.
 */
export function naiveExportMap(entryFile: string): Map<string, NaiveExport> {
  const dir = path.dirname(entryFile)
  const program = parseAst(readFileSync(entryFile, 'utf8')) as unknown as { body: Node[] }
  // A relative source is a module of the package; a bare one (vooks, vdirs: its own dependencies, installed
  // beside it) is imported from that package directly.
  const specifierFor = (source: string): string =>
    source.startsWith('.')
      ? `${PACKAGE}/${path.posix.join(path.basename(dir), source.replace(/^\.\//, ''))}`
      : source
  const locals = new Map<string, NaiveExport>()
  for (const node of program.body) {
    if (node.type !== 'ImportDeclaration') continue
    const decl = node as ImportDeclarationNode
    const from = specifierFor(decl.source.value)
    for (const s of decl.specifiers) {
      if (s.type === 'ImportDefaultSpecifier') locals.set(nameOf(s.local), { from, imported: 'default' })
      else if (s.type === 'ImportSpecifier' && s.imported)
        locals.set(nameOf(s.local), { from, imported: nameOf(s.imported) })
    }
  }
  const exports = new Map<string, NaiveExport>()
  for (const node of program.body) {
    if (node.type !== 'ExportNamedDeclaration') continue
    const decl = node as ExportNamedNode
    const from = decl.source ? specifierFor(decl.source.value) : null
    for (const s of decl.specifiers) {
      const target = from ? { from, imported: nameOf(s.local) } : locals.get(nameOf(s.local))
      if (target) exports.set(nameOf(s.exported), target)
    }
  }
  return exports
}

/**
 * `code` with every `import { … } from 'naive-ui'` split into imports of the defining modules; null when there is
 * nothing to change. Runs on JavaScript (after TypeScript and the SFC compiler), so no type-only imports are left.
 */
export function rewriteNaiveImports(code: string, map: Map<string, NaiveExport>): string | null {
  if (!code.includes(PACKAGE)) return null
  const program = parseAst(code) as unknown as { body: Node[] }
  const edits: { start: number; end: number; text: string }[] = []
  for (const node of program.body) {
    if (node.type !== 'ImportDeclaration') continue
    const decl = node as ImportDeclarationNode
    if (decl.source.value !== PACKAGE) continue
    // A default or namespace import of the package (we have none) stays as written.
    if (decl.specifiers.some((s) => s.type !== 'ImportSpecifier')) continue
    const kept: string[] = []
    const lines: string[] = []
    for (const s of decl.specifiers) {
      const target = s.imported ? map.get(nameOf(s.imported)) : undefined
      if (target)
        lines.push(`import { ${target.imported} as ${nameOf(s.local)} } from ${JSON.stringify(target.from)};`)
      else kept.push(code.slice(s.start, s.end))
    }
    if (lines.length === 0) continue
    if (kept.length > 0) lines.unshift(`import { ${kept.join(', ')} } from ${JSON.stringify(PACKAGE)};`)
    edits.push({ start: decl.start, end: decl.end, text: lines.join(' ') })
  }
  if (edits.length === 0) return null
  let out = code
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end)
  return out
}

/** The plugin: applies `rewriteNaiveImports` to our own renderer modules (not to dependencies). */
export function naivePerComponent(entryFile: string): Plugin {
  let map: Map<string, NaiveExport> | null = null
  return {
    name: 'chaski:naive-per-component',
    enforce: 'post',
    transform(code, id) {
      if (id.includes('/node_modules/') || id.startsWith('\0')) return null
      map ??= naiveExportMap(entryFile)
      const out = rewriteNaiveImports(code, map)
      return out === null ? null : { code: out, map: null }
    }
  }
}
