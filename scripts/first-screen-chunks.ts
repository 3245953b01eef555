// Build option for the renderer: everything the first screen runs in two chunks, our code and the libraries'.
//
// The entry (main.ts) opens the socket and then imports the app (app.ts); what app.ts imports statically is what
// the first paint compiles, evaluates and runs. Left to itself, Rolldown spreads that over a dozen chunks (one
// for each set of views sharing a module) and, with Naive UI imported per component (naive-per-component.ts),
// over twenty: each is a request and a module the entry waits for. Here every module the app reaches statically
// goes to `first-screen` (ours) or `first-screen-vendor` (node_modules); the lazy views keep their own chunks
// and import what they share with the first screen from these two.

/** The two chunks' names: ours, then the libraries'. */
export const FIRST_SCREEN_CHUNKS = ['first-screen', 'first-screen-vendor'] as const

/** The subset of Rolldown's module info this needs. */
interface ModuleGraph {
  getModuleInfo(id: string): { importedIds: readonly string[] } | null
}

/** Every module reachable from `from` through static imports, `from` included. */
export function staticClosure(graph: ModuleGraph, from: string): Set<string> {
  const seen = new Set<string>()
  const stack = [from]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (seen.has(id)) continue
    seen.add(id)
    for (const next of graph.getModuleInfo(id)?.importedIds ?? []) stack.push(next)
  }
  return seen
}

/**
 * The chunk for `id`: `first-screen` or `first-screen-vendor` if the app module (`isApp` picks it among the
 * modules) reaches it statically, null otherwise (Rolldown decides). Modules the entry itself reaches stay with
 * the entry: it must not wait for the app's chunks to open the socket.
 */
export function firstScreenChunk(
  graph: ModuleGraph & { entry: string; app: string },
  id: string,
  cache: { app?: Set<string>; entry?: Set<string> }
): string | null {
  cache.app ??= staticClosure(graph, graph.app)
  cache.entry ??= staticClosure(graph, graph.entry)
  if (!cache.app.has(id) || cache.entry.has(id)) return null
  return FIRST_SCREEN_CHUNKS[id.includes('/node_modules/') ? 1 : 0]
}

/** The codeSplitting group: `entry` and `app` are the absolute paths of main.ts and app.ts. */
export function firstScreenGroup(
  entry: string,
  app: string
): {
  name: (id: string, ctx: ModuleGraph) => string | null
  includeDependenciesRecursively: boolean
} {
  const cache: { app?: Set<string>; entry?: Set<string> } = {}
  return {
    name: (id, ctx) =>
      firstScreenChunk({ getModuleInfo: (m) => ctx.getModuleInfo(m), entry, app }, id, cache),
    // Only what the group names: a module's dependencies are in the closure already.
    includeDependenciesRecursively: false
  }
}
