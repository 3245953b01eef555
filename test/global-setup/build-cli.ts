// vitest globalSetup: compiles the `chaski` CLI once per run into one CommonJS file, which the integration tests
// start (test/integration/cli/cli-process.ts) instead of `node --import tsx src/main/cli/index.ts` in every child.
// Under tsx each child compiles or re-reads ~200 modules through the loader hooks before it prints a line: about
// 1.2 s of CPU per start, several seconds when the suite's other files keep both cores busy. The bundle starts in a
// third of that. Packages stay external (loaded from node_modules, as in out/main/cli.js).
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { build } from 'esbuild'
import type { TestProject } from 'vitest/node'

const ROOT = resolve(__dirname, '../..')
/**
 * Four folders below the repository, as src/main/cli/commands is: the CLI finds the built dashboard at
 * `__dirname/../../../../out/renderer` and its version by walking up to package.json, both as from the sources.
 */
export const TEST_CLI_FILE = resolve(ROOT, 'node_modules/.cache/chaski/test-cli/cli.cjs')

declare module 'vitest' {
  export interface ProvidedContext {
    /** The compiled CLI for tests (see test/global-setup/build-cli.ts). */
    chaskiCli: string
  }
}

export async function buildTestCli(): Promise<void> {
  mkdirSync(dirname(TEST_CLI_FILE), { recursive: true })
  await build({
    entryPoints: [resolve(ROOT, 'src/main/cli/index.ts')],
    outfile: TEST_CLI_FILE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning'
  })
}

export default async function setup(project: TestProject): Promise<void> {
  await buildTestCli()
  project.provide('chaskiCli', TEST_CLI_FILE)
  // Watch mode: a rerun after a source change starts the CLI as it now is.
  project.onTestsRerun(() => buildTestCli())
}
