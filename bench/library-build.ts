// The bench measures the library as it ships: bundled by Vite (Rolldown), as electron-vite bundles it into
// out/main, not as tsx runs the sources. tsx transpiles every file with esbuild's keepNames, which gives each
// function a defined `name` property (an out-of-object property store: about 250 bytes per closure) and
// reads every import through a getter; neither exists in the shipped build.
import path from 'node:path'
import { build } from 'vite'

const REPO_ROOT = path.resolve(__dirname, '..')
const OUT_DIR = path.join(__dirname, 'results', 'library')
const FILE_NAME = 'chaski.cjs'
/** Set by the parent for bench child processes (star-child.ts): the bundle it built, so they load the same code. */
export const LIBRARY_ENV = 'CHASKI_BENCH_LIBRARY'

let built: Promise<string> | undefined

/** Bundles `<root>/src/main/chaski/index.ts` into `<outDir>/chaski.cjs` and returns that path. */
export async function buildLibrary(root = REPO_ROOT, outDir = OUT_DIR): Promise<string> {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      // An SSR build: Node built-ins and dependencies (msgpackr) stay require()s, as in out/main.
      ssr: path.join(root, 'src/main/chaski/index.ts'),
      outDir,
      emptyOutDir: true,
      minify: false,
      sourcemap: false,
      rolldownOptions: { output: { format: 'cjs', entryFileNames: FILE_NAME } }
    }
  })
  return path.join(outDir, FILE_NAME)
}

/** Path of the bundled library: the one the parent built, or a fresh build (once per process). */
export function libraryBundle(): Promise<string> {
  const fromParent = process.env[LIBRARY_ENV]
  if (fromParent) return Promise.resolve(fromParent)
  built ??= buildLibrary(REPO_ROOT, OUT_DIR).then((file) => {
    process.env[LIBRARY_ENV] = file
    return file
  })
  return built
}
