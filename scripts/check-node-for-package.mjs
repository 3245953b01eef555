// Run before `npm run package`: electron-builder 26 (through @electron/rebuild and node-abi) needs Node.js 22.12 or
// newer, while the app itself, its tests and `chaski` run on Node.js 20.19+. No electron-builder release works on
// older Node, so packaging says so plainly instead of failing somewhere inside the builder.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `npm run package needs Node.js 22.12 or newer (electron-builder and its tools require it); this is ` +
      `Node.js ${process.versions.node}. Everything else (npm run dev, build, test, chaski) works on 20.19+.`
  )
  process.exit(1)
}
