// Process entry of the `chaski` CLI (bin/chaski.js loads its build, out/main/cli.js; tests run this file with tsx).
// It wires the real process (argv, streams, signals, exit code) to runCli in ./dispatch.ts.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { EXIT_INTERRUPTED } from './command'
import { runCli } from './dispatch'
import { processStreams } from './output'
import { watchStopSignals } from './signals'

/** Once the command is done, anything still holding the event loop open gets this long before a forced exit. */
const EXIT_GRACE_MS = 3_000

/** The package version, found by walking up from this file (source: src/main/cli, build: out/main). */
function packageVersion(): string {
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd()
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
        if (pkg.name === 'chaski-desktop' && typeof pkg.version === 'string') return pkg.version
      } catch {
        // An unreadable package.json only costs the version string.
      }
    }
    dir = dirname(dir)
  }
  return 'unknown'
}

const stopSignals = watchStopSignals((name) => {
  process.stderr.write(`chaski: second ${name}, exiting without waiting for a clean close\n`)
  process.exit(EXIT_INTERRUPTED)
})

// `chaski node --json | head -1`: once the reader is gone, stop cleanly (peers still see a deliberate close)
// instead of dying on EPIPE; later writes to the closed pipe are dropped.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') stopSignals.request('EPIPE')
  else process.stderr.write(`chaski: cannot write output: ${err.message}\n`)
})

runCli(process.argv.slice(2), { streams: processStreams, signal: stopSignals.signal }, packageVersion()).then(
  (code) => {
    stopSignals.dispose()
    process.exitCode = code
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref()
  }
)
