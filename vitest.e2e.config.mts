import { defineConfig } from 'vitest/config'

// Browser tests: real Debian Chromium driven by playwright-core against the built renderer on 127.0.0.1.
// Run `npm run build` first (.ci/run does).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    pool: 'forks',
    // One browser test file at a time: on 2 cores the 500-node graph test starves the dashboard tests' Chromium
    // and their key presses race the renders. Sequential takes about as long in total.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { CHASKI_LAN_INTERFACES: '127.0.0.1', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
  }
})
