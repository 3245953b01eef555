// Serves the built renderer (out/renderer) read-only; paths never escape its folder.
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}

export interface StaticFile {
  body: Buffer
  type: string
}

/** Reads `pathname` below `root`; null when it does not exist or would leave the folder. */
export async function readStaticFile(root: string, pathname: string): Promise<StaticFile | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  const relative = normalize(decoded === '/' ? '/index.html' : decoded)
  const file = join(root, relative)
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return null
  try {
    return { body: await readFile(file), type: TYPES[extname(file)] ?? 'application/octet-stream' }
  } catch {
    return null
  }
}
