// The renderer's chunking of the first screen (scripts/first-screen-chunks.ts) on a small module graph.
import { describe, expect, test } from 'vitest'
import { firstScreenChunk, staticClosure } from '../../../scripts/first-screen-chunks'

// main.ts opens the socket (bridge.ts, shared with the app) and imports app.ts dynamically (not an edge here);
// app.ts draws the first screen with a library; a lazy view has a library of its own.
const IMPORTS: Record<string, string[]> = {
  '/src/main.ts': ['/src/bridge.ts'],
  '/src/bridge.ts': ['/node_modules/codec/index.js'],
  '/src/app.ts': ['/src/App.vue', '/src/bridge.ts'],
  '/src/App.vue': ['/node_modules/ui/button.js', '/src/format.ts'],
  '/node_modules/ui/button.js': ['/node_modules/ui/theme.js'],
  '/node_modules/ui/theme.js': ['/node_modules/ui/button.js'],
  '/src/format.ts': [],
  '/src/PeersView.vue': ['/node_modules/ui/table.js', '/src/format.ts'],
  '/node_modules/ui/table.js': ['/node_modules/ui/theme.js']
}
const graph = {
  getModuleInfo: (id: string) => (id in IMPORTS ? { importedIds: IMPORTS[id] } : null),
  entry: '/src/main.ts',
  app: '/src/app.ts'
}

describe('first-screen chunks', () => {
  test('the static closure follows imports once each, cycles included', () => {
    expect([...staticClosure(graph, '/src/App.vue')].sort()).toEqual([
      '/node_modules/ui/button.js',
      '/node_modules/ui/theme.js',
      '/src/App.vue',
      '/src/format.ts'
    ])
  })

  test('what the app reaches goes to one chunk of ours and one of libraries; the rest is left to Rolldown', () => {
    const cache = {}
    const chunk = (id: string): string | null => firstScreenChunk(graph, id, cache)
    expect(chunk('/src/app.ts')).toBe('first-screen')
    expect(chunk('/src/App.vue')).toBe('first-screen')
    expect(chunk('/src/format.ts')).toBe('first-screen')
    expect(chunk('/node_modules/ui/button.js')).toBe('first-screen-vendor')
    expect(chunk('/node_modules/ui/theme.js')).toBe('first-screen-vendor')
    // The lazy view and what only it uses.
    expect(chunk('/src/PeersView.vue')).toBeNull()
    expect(chunk('/node_modules/ui/table.js')).toBeNull()
  })

  test('what the entry reaches itself stays with the entry: the socket never waits for the app', () => {
    const cache = {}
    expect(firstScreenChunk(graph, '/src/bridge.ts', cache)).toBeNull()
    expect(firstScreenChunk(graph, '/node_modules/codec/index.js', cache)).toBeNull()
  })
})
