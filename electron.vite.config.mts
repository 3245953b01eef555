import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const shared = resolve(import.meta.dirname, 'src/shared')

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
    plugins: [vue()],
    build: {
      // Half the bytes to fetch and parse before the first paint (electron-vite leaves minify off by default).
      minify: true,
      // Maps for reading a user's stack trace, written next to the bundle without a sourceMappingURL: neither the
      // package (electron-builder.yml drops **/*.map) nor `chaski serve` (static-files.ts) ever ships them.
      sourcemap: 'hidden'
    }
  }
})
