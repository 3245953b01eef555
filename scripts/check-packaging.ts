// Offline check of the packaging configuration: electron-builder builds an unpacked Linux app (`--dir`) against a
// stand-in Electron folder, with the download mirror pointed at a closed loopback port so nothing is fetched.
// Then it checks what a user would get: the built app inside app.asar, and no dev-only packages in it.
// Usage: npm run build && npm run package:check
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { listPackage } from '@electron/asar'

const root = resolve(__dirname, '..')
const electronPackage = join(root, 'node_modules/electron/package.json')
const electronVersion = (JSON.parse(readFileSync(electronPackage, 'utf8')) as { version: string }).version

function fail(message: string): never {
  console.error(`package:check failed: ${message}`)
  process.exit(1)
}

if (!existsSync(join(root, 'out/main/index.js'))) fail('out/ is missing: run `npm run build` first')

const standIn = mkdtempSync(join(tmpdir(), 'chaski-electron-dist-'))
const outDir = mkdtempSync(join(tmpdir(), 'chaski-package-'))
try {
  // A stand-in for the Electron binary: electron-builder only copies and renames it.
  writeFileSync(join(standIn, 'electron'), '#!/bin/sh\necho "stand-in electron"\n')
  chmodSync(join(standIn, 'electron'), 0o755)
  writeFileSync(join(standIn, 'version'), electronVersion)
  console.error(`package:check: electron-builder --dir (stand-in Electron ${electronVersion}) ...`)
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/electron-builder/cli.js'),
      '--linux',
      'dir',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${standIn}`,
      `-c.electronVersion=${electronVersion}`,
      `-c.directories.output=${outDir}`,
      '--publish',
      'never'
    ],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
    }
  )
  const unpacked = join(outDir, 'linux-unpacked')
  const asar = join(unpacked, 'resources/app.asar')
  if (!existsSync(join(unpacked, 'chaski-desktop')) && !existsSync(join(unpacked, 'Chaski')))
    fail(`no app executable in ${unpacked}`)
  if (!existsSync(asar)) fail('resources/app.asar was not produced')
  const files = listPackage(asar, { isPack: false })
  for (const must of [
    '/out/main/index.js',
    '/out/preload/index.js',
    '/out/renderer/index.html',
    '/package.json'
  ]) {
    if (!files.includes(must)) fail(`${must} is missing from app.asar`)
  }
  const devOnly = ['vue', 'd3', 'vite', 'electron', 'typescript', 'vitest'].filter((name) =>
    files.includes(`/node_modules/${name}`)
  )
  if (devOnly.length > 0) fail(`dev-only packages shipped in app.asar: ${devOnly.join(', ')}`)
  if (files.some((f) => f.endsWith('.map'))) fail('source maps shipped in app.asar')
  console.log(`package:check ok: ${files.length} entries in app.asar, no dev-only packages`)
} finally {
  rmSync(standIn, { recursive: true, force: true })
  rmSync(outDir, { recursive: true, force: true })
}
