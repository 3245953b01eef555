import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'
import { naivePerComponent } from './scripts/naive-per-component'
import { FIRST_SCREEN_CHUNKS, firstScreenGroup } from './scripts/first-screen-chunks'
import { compileHints } from './scripts/compile-hints'

const shared = resolve(import.meta.dirname, 'src/shared')
const renderer = resolve(import.meta.dirname, 'src/renderer/src')
/** Naive UI's ES entry (package.json `module`), which naivePerComponent reads its export map from. */
const naiveEntry = resolve(import.meta.dirname, 'node_modules/naive-ui/es/index.mjs')

/**
 * The renderer's entry (main.ts) is small and loads the app (app.ts) with a dynamic import, so the state is asked
 * for before the app's code arrives. This plugin lets the browser fetch that code (and its CSS) while it parses the
 * HTML, instead of only once the entry has run: <link rel="modulepreload"> and the stylesheet in index.html.
 */
function preloadApp(): Plugin {
  return {
    name: 'chaski:preload-app',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        // The chunk that holds app.ts (the first-screen group, see first-screen-chunks.ts).
        const app = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.moduleIds.some((id) => id.endsWith('/src/renderer/src/app.ts'))
        )
        if (!app || app.type !== 'chunk') return []
        const css = [...(app.viteMetadata?.importedCss ?? [])]
        // The app's static imports too (shared chunks such as the UI library): no waterfall after the app arrives.
        // (Less what the entry imports itself: Vite already preloads those.)
        const entry = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.isEntry)
        const own = new Set(entry?.type === 'chunk' ? entry.imports : [])
        const modules = [...new Set([app.fileName, ...app.imports])].filter((f) => !own.has(f))
        return [
          ...modules.map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const
          })),
          ...css.map((file) => ({
            tag: 'link',
            attrs: { rel: 'stylesheet', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const
          }))
        ]
      }
    }
  }
}

// Three builds: main (Node, Electron main process), preload (sandboxed, CommonJS) and renderer (browser).
export default defineConfig({
  main: {
    resolve: { alias: { '@shared': shared } },
    build: {
      rollupOptions: {
        input: {
          // The Electron entry, and the `chaski` CLI (plain Node: bin/chaski.js loads out/main/cli.js).
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          cli: resolve(import.meta.dirname, 'src/main/cli/index.ts')
        }
      }
    }
  },
  preload: {
    resolve: { alias: { '@shared': shared } }
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    resolve: {
      alias: { '@renderer': resolve(import.meta.dirname, 'src/renderer/src'), '@shared': shared }
    },
    plugins: [vue(), naivePerComponent(naiveEntry), preloadApp(), compileHints(FIRST_SCREEN_CHUNKS)],
    build: {
      // Half the bytes to fetch and parse before the first paint (electron-vite leaves minify off by default).
      minify: true,
      // Maps for reading a user's stack trace, written next to the bundle without a sourceMappingURL: neither the
      // package (electron-builder.yml drops **/*.map) nor `chaski serve` (static-files.ts) ever ships them.
      sourcemap: 'hidden',
      rolldownOptions: {
        output: {
          // The first screen's code in two chunks (ours and the libraries'), not spread over twenty.
          codeSplitting: {
            groups: [firstScreenGroup(resolve(renderer, 'main.ts'), resolve(renderer, 'app.ts'))]
          }
        }
      }
    }
  }
})
