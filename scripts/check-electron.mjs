// Run before `npm run dev` and `npm start`: both need the Electron binary, which `npm ci` skips when
// ELECTRON_SKIP_BINARY_DOWNLOAD is set (or cannot fetch offline). Without it electron-vite ends in "Error: Electron
// uninstall" and a stack trace; this says in one line what to do instead. Looks at the files only (path.txt and the
// binary it names), never loads the electron package or runs its CLI. CHASKI_ELECTRON_DIR names another electron
// package folder (tests).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const electronDir = process.env.CHASKI_ELECTRON_DIR ?? join(root, 'node_modules', 'electron')
const pathFile = join(electronDir, 'path.txt')

function binaryPresent() {
  if (!existsSync(pathFile)) return false
  const relative = readFileSync(pathFile, 'utf8').trim()
  if (relative === '') return false
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist')
  return existsSync(join(dist, relative))
}

if (!binaryPresent()) {
  console.error(
    'The desktop window needs the Electron binary, which is not installed (npm ci skips it with ' +
      'ELECTRON_SKIP_BINARY_DOWNLOAD, and needs internet to fetch it). The same app runs in a browser: ' +
      '`npm run build && npx chaski serve`, then open the URL it prints.'
  )
  process.exit(1)
}
