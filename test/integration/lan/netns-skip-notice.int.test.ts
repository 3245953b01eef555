// When network namespaces are not available, `npm test` says why the namespace tests are skipped, on its own output
// (they used to be skipped silently). Runs vitest on that one file as a child process with a PATH that has no `ip`.
import { execFile } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const run = promisify(execFile)
const root = resolve(__dirname, '../../..')
/** This worker's environment without what vitest set for it (the child is a run of its own). */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS')
)

test('without `ip netns` the run prints why the namespace tests are skipped', async () => {
  const { stdout, stderr } = await run(
    process.execPath,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/integration/lan/lan-netns.int.test.ts'],
    {
      cwd: root,
      // Node's own folder only: no `ip` to be found.
      env: { ...env, PATH: dirname(process.execPath), NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 60_000
    }
  )
  const output = stdout + stderr
  // Which tool is missing first depends on the machine (on Debian `ip` may sit beside node in /usr/bin); without
  // root the reason is that.
  expect(output).toMatch(
    /LAN namespace tests skipped: (network namespaces need (root|Linux)|`(ip netns|nft)` is not available)/
  )
  expect(output).toMatch(/5 skipped/)
}, 90_000)
