#!/usr/bin/env node
// `chaski` command (package.json "bin"): runs the built CLI, out/main/cli.js (from src/main/cli/index.ts).
'use strict'
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher: it must work with plain Node */
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const built = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(built)) {
  process.stderr.write(
    `chaski: the CLI is not built yet (${built} is missing).\n` +
      'Run `npm run build` in the Chaski Desktop folder first, then try again.\n'
  )
  process.exit(1)
}
require(built)
