// Build plugin for the renderer: V8's explicit compile hint on the chunks whose code the first paint runs.
//
// V8 compiles a function lazily, on the main thread, the first time it is called; on a first visit (no code cache)
// that is a large part of mounting the dashboard. A script that starts with the magic comment
// `//# allFunctionsCalledOnLoad` (Chromium 136 and later; other engines read a comment) has every function
// compiled eagerly instead, on the background thread that parses the script while it downloads, before the app
// runs. Only worth it where most functions do run at load: the first screen's chunks, not the lazy views'.
import type { Plugin } from 'vite'

export const COMPILE_HINT = '//# allFunctionsCalledOnLoad'

/** `code` with the hint as its first line; null if it already has it. */
export function withCompileHint(code: string): string | null {
  return code.startsWith(COMPILE_HINT) ? null : `${COMPILE_HINT}\n${code}`
}

/** A JSON source map with its generated code moved one line down. */
export function shiftedMap(json: string): string {
  const map = JSON.parse(json) as { mappings: string }
  return JSON.stringify({ ...map, mappings: `;${map.mappings}` })
}

/** The plugin: hints the chunks named in `chunkNames` (codeSplitting group names, see first-screen-chunks.ts). */
export function compileHints(chunkNames: readonly string[]): Plugin {
  return {
    name: 'chaski:compile-hints',
    apply: 'build',
    // After every other plugin's changes (Vite prepends its preload map to a chunk in generateBundle): the hint
    // must be the file's very first line. The file names' hashes do not cover it, but a chunk of a given name always
    // gets it, so one name still means one content.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type !== 'chunk' || !chunkNames.includes(chunk.name)) continue
          const code = withCompileHint(chunk.code)
          if (code === null) continue
          chunk.code = code
          // One more line at the top: the source map's generated lines move down by one (the map is already an
          // asset of the bundle by now, so that is what gets written).
          if (chunk.map) chunk.map.mappings = `;${chunk.map.mappings}`
          const mapAsset = bundle[`${chunk.fileName}.map`]
          if (mapAsset?.type === 'asset') mapAsset.source = shiftedMap(String(mapAsset.source))
        }
      }
    }
  }
}
