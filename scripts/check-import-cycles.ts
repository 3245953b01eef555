// Fails when any import cycle exists in src/ (part of `npm run lint`). Type-only imports count too: a type cycle
// is a design cycle (two modules that can only be understood together). Reads each file's imports with the
// TypeScript compiler's pre-processor (no type checking, so it takes a second), resolves relative specifiers and the
// renderer's aliases, and finds strongly connected components (Tarjan).
// Run: npx tsx scripts/check-import-cycles.ts [root...]   (default: src)
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const REPO = path.resolve(__dirname, '..')
const EXTENSIONS = ['.ts', '.vue', '.mts', '.d.ts']
const ALIASES: Record<string, string> = {
  '@renderer/': 'src/renderer/src/',
  '@shared/': 'src/shared/'
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) listFiles(full, out)
    else if (/\.(ts|mts|vue)$/.test(entry)) out.push(full)
  }
  return out
}

/** The script of a .vue file (both blocks), or the whole text of a TypeScript file. */
function sourceOf(file: string): string {
  const text = readFileSync(file, 'utf8')
  if (!file.endsWith('.vue')) return text
  const blocks = [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1])
  return blocks.join('\n')
}

function resolveSpecifier(from: string, specifier: string): string | null {
  let base: string | null = null
  if (specifier.startsWith('.')) base = path.resolve(path.dirname(from), specifier)
  else {
    for (const [alias, target] of Object.entries(ALIASES)) {
      if (specifier.startsWith(alias)) base = path.join(REPO, target, specifier.slice(alias.length))
    }
  }
  if (base === null) return null // a package
  const candidates = [
    base,
    ...EXTENSIONS.map((ext) => base + ext),
    ...EXTENSIONS.map((ext) => path.join(base!, `index${ext}`))
  ]
  for (const candidate of candidates) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return null
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(sourceOf(file), true, true)
  const out: string[] = []
  for (const ref of info.importedFiles) {
    const target = resolveSpecifier(file, ref.fileName)
    if (target !== null) out.push(target)
  }
  return out
}

/** Strongly connected components with more than one file, or a file importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string): void => {
    indices.set(node, index)
    low.set(node, index)
    index++
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!))
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort())
    }
  }
  for (const node of graph.keys()) if (!indices.has(node)) visit(node)
  return found
}

/** One concrete loop through a component, for the message: a -> b -> ... -> a. */
function loopThrough(component: string[], graph: Map<string, string[]>): string[] {
  const members = new Set(component)
  const start = component[0]!
  const previous = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift()!
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue
      if (next === start) {
        const path: string[] = [node]
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!)
        return [...path, start]
      }
      if (!previous.has(next)) {
        previous.set(next, node)
        queue.push(next)
      }
    }
  }
  return component
}

function main(): number {
  const roots = process.argv.slice(2)
  const files = (roots.length > 0 ? roots : ['src']).flatMap((root) => listFiles(path.resolve(REPO, root)))
  const graph = new Map<string, string[]>()
  for (const file of files) graph.set(file, importsOf(file))
  const found = cycles(graph)
  const rel = (file: string): string => path.relative(REPO, file)
  if (found.length === 0) {
    process.stdout.write(`import cycles: none in ${files.length} files\n`)
    return 0
  }
  process.stderr.write(`import cycles: ${found.length} found (type-only imports count too)\n`)
  for (const component of found) {
    process.stderr.write(`  ${loopThrough(component, graph).map(rel).join(' -> ')}\n`)
    if (component.length > 2)
      process.stderr.write(`    (${component.length} files: ${component.map(rel).join(', ')})\n`)
  }
  return 1
}

process.exit(main())
