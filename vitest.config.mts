import { defineConfig } from 'vitest/config'

// Unit and integration tests (real sockets on loopback). Browser tests live in vitest.e2e.config.mts.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // The CLI the integration tests start, compiled once (not by tsx in every child): see the file.
    globalSetup: ['test/global-setup/build-cli.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Network rule: LAN beacons may only ever use loopback in tests.
    env: { CHASKI_LAN_INTERFACES: '127.0.0.1', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
  }
})
