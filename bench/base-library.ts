// The library as it was at another commit, for before/after figures in one run (CHASKI_BENCH_BASE_REF=<commit>):
// that commit's src/ is extracted into <tmpdir>/chaski-bench-lib-<sha>/ (outside the checkout, so it is never linted
// or type-checked as ours; node_modules linked to ours) and bundled as library-build.ts bundles ours, once.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Chaski } from './chaski'
import { buildLibrary } from './library-build'

const ROOT = path.resolve(__dirname, '..')
export const BASE_REF_ENV = 'CHASKI_BENCH_BASE_REF'

export interface BaseLibrary {
  /** Short commit id, for row labels. */
  sha: string
  chaski: Chaski
}

/** The base commit's library, or null when CHASKI_BENCH_BASE_REF is not set. Throws when it cannot be built. */
export async function loadBaseLibrary(progress: (message: string) => void): Promise<BaseLibrary | null> {
  const base = await baseLibraryFile(progress)
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS bundle at a path known at run time
  return base && { sha: base.sha, chaski: require(base.file) as Chaski }
}

/**
 * The base commit's bundled library file (built on first use), or null when CHASKI_BENCH_BASE_REF is not set: for
 * child processes that load it themselves (the scale bench's star children, library-build.ts LIBRARY_ENV).
 */
export async function baseLibraryFile(
  progress: (message: string) => void
): Promise<{ sha: string; file: string } | null> {
  const ref = process.env[BASE_REF_ENV]
  if (!ref) return null
  const sha = spawnSync('git', ['rev-parse', '--short', ref], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()
  if (!sha) throw new Error(`${BASE_REF_ENV}=${ref}: not a commit`)
  const dir = path.join(tmpdir(), `chaski-bench-lib-${sha}`)
  const outDir = path.join(dir, 'bench-library')
  const file = path.join(outDir, 'chaski.cjs')
  if (!existsSync(file)) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    progress(`extracting src/ of ${sha} into ${dir} and bundling its library`)
    const archive = spawnSync('sh', ['-c', `git archive --format=tar ${sha} src | tar -x -C "${dir}"`], {
      cwd: ROOT
    })
    if (archive.status !== 0) throw new Error(`git archive ${sha} failed`)
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
    await buildLibrary(dir, outDir)
  }
  return { sha, file }
}
