// Serves the built renderer (out/renderer) read-only; paths never escape its folder. Each file is read once and kept
// in memory with its gzip and brotli forms (made on first demand, off the event loop, then reused), until it
// changes on disk. Content-hashed assets are cached by the browser for good; everything else is fetched every time.
// Source maps are never served: they stay next to the build for us, not for whoever opens the dashboard.
import { readFile, readdir, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants as zlib, gzip } from 'node:zlib'

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

/** Text formats worth compressing (PNG, ICO and WOFF2 are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json'])
/** Below this a compressed body saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1024
/**
 * Vite names built assets `<name>-<hash>.<ext>` under assets/ (8 url-safe characters, see build.rollupOptions):
 * such a name never changes content, so the browser may keep it for a year without asking again.
 */
const HASHED_ASSET = /^\/assets\/[^/]+-[\w-]{8,}\.[a-z0-9]+$/
const IMMUTABLE = 'public, max-age=31536000, immutable'
// index.html carries the names of the hashed assets (and sets the token cookie): always fetched fresh.
const NOT_CACHED = 'no-store'
// Brotli 11 takes seconds on a large bundle; 9 is within 10 % of its size in a fraction of the time.
const BROTLI_QUALITY = 9
const GZIP_LEVEL = 9
/** Bounds on memory: the build is a handful of files; anything beyond is read from disk each time, uncompressed. */
const MAX_CACHED_FILES = 256
const MAX_CACHED_FILE_BYTES = 16 * 1024 * 1024

const gzipAsync = promisify(gzip)
const brotliAsync = promisify(brotliCompress)

export type ContentEncoding = 'br' | 'gzip'

export interface StaticFile {
  /** The bytes to send: compressed when `headers['content-encoding']` says so. */
  body: Buffer
  type: string
  /** content-type, content-length, cache-control, and content-encoding / vary where they apply. */
  headers: Record<string, string>
}

interface CachedFile {
  mtimeMs: number
  size: number
  body: Buffer
  encoded: Map<ContentEncoding, Promise<Buffer | null>>
}

// One process serves one renderer folder; the cache is keyed by absolute path, so several hosts can share it.
// Oldest entry out first when full (Map keeps insertion order).
const cache = new Map<string, CachedFile>()

/**
 * The file at `pathname` below `root`, encoded as the client accepts (its Accept-Encoding header), with the
 * headers to send; null when it does not exist, would leave the folder, or is a source map.
 */
export async function readStaticFile(
  root: string,
  pathname: string,
  acceptEncoding?: string | string[]
): Promise<StaticFile | null> {
  const file = resolveInside(root, pathname)
  if (!file || extname(file).toLowerCase() === '.map') return null
  const cached = await load(file)
  if (!cached) return null
  const ext = extname(file)
  const type = TYPES[ext] ?? 'application/octet-stream'
  const headers: Record<string, string> = {
    'content-type': type,
    'cache-control': HASHED_ASSET.test(relativeUrlPath(root, file)) ? IMMUTABLE : NOT_CACHED
  }
  let body = cached.body
  if (COMPRESSIBLE.has(ext) && body.length >= MIN_COMPRESS_BYTES && body.length <= MAX_CACHED_FILE_BYTES) {
    // The answer depends on the request's Accept-Encoding, whichever encoding this one gets.
    headers['vary'] = 'Accept-Encoding'
    const encoding = chooseEncoding(acceptEncoding)
    const compressed = encoding && (await encoded(cached, encoding))
    if (encoding && compressed) {
      body = compressed
      headers['content-encoding'] = encoding
    }
  }
  headers['content-length'] = String(body.length)
  return { body, type, headers }
}

/**
 * Reads and compresses every file below `root` ahead of the first request, so the first page load does not wait
 * for it (a missing or unreadable folder is not an error here: requests will say 404).
 */
export async function warmStaticFiles(root: string): Promise<void> {
  // The build's layout: index.html and the favicon at the top, everything else in assets/.
  const list = (dir: string): Promise<string[]> =>
    readdir(join(root, dir)).then(
      (names) => names.map((n) => `${dir}/${n}`),
      () => []
    )
  const pathnames = [...(await list('')), ...(await list('/assets'))].slice(0, MAX_CACHED_FILES)
  for (const pathname of pathnames) {
    await readStaticFile(root, pathname, 'gzip')
    await readStaticFile(root, pathname, 'br')
  }
}

/**
 * The encoding to send for an Accept-Encoding header: brotli or gzip, whichever the client rates higher (brotli
 * on a tie, it is smaller), or null for the bytes as they are. Codings with q=0 are refused; `*` stands for any
 * coding the header does not name.
 */
export function chooseEncoding(header: string | string[] | undefined): ContentEncoding | null {
  if (!header) return null
  const text = Array.isArray(header) ? header.join(',') : header
  const weights = new Map<string, number>()
  for (const part of text.split(',')) {
    const [rawName, ...params] = part.toLowerCase().split(';')
    const name = rawName.trim()
    if (!name) continue
    let q = 1
    for (const p of params) {
      const [key, value] = p.split('=').map((t) => t.trim())
      if (key === 'q') q = Number(value)
    }
    weights.set(name, Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0)
  }
  const weight = (coding: string): number => weights.get(coding) ?? weights.get('*') ?? 0
  const br = weight('br')
  const gz = weight('gzip')
  if (br <= 0 && gz <= 0) return null
  return br >= gz ? 'br' : 'gzip'
}

function resolveInside(root: string, pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const relative = normalize(decoded === '/' ? '/index.html' : decoded)
  const file = join(root, relative)
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null
}

/** '/assets/index-abc.js' for a file below root, with forward slashes whatever the platform. */
function relativeUrlPath(root: string, file: string): string {
  return file
    .slice(root.endsWith(sep) ? root.length - 1 : root.length)
    .split(sep)
    .join('/')
}

async function load(file: string): Promise<CachedFile | null> {
  try {
    const info = await stat(file)
    if (!info.isFile()) return null
    const known = cache.get(file)
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known
    const entry: CachedFile = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      body: await readFile(file),
      encoded: new Map()
    }
    if (info.size > MAX_CACHED_FILE_BYTES) return entry
    cache.delete(file)
    cache.set(file, entry)
    if (cache.size > MAX_CACHED_FILES) cache.delete(cache.keys().next().value!)
    return entry
  } catch {
    return null
  }
}

/**
 * Compressed once per file and encoding (zlib's thread pool, not the event loop); later requests reuse it. Null
 * if compression failed: the file goes out as it is, and the next request tries again.
 */
function encoded(file: CachedFile, encoding: ContentEncoding): Promise<Buffer | null> {
  let pending = file.encoded.get(encoding)
  if (!pending) {
    const compressing: Promise<Buffer> =
      encoding === 'br'
        ? brotliAsync(file.body, {
            params: {
              [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
              [zlib.BROTLI_PARAM_SIZE_HINT]: file.body.length,
              [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT
            }
          })
        : gzipAsync(file.body, { level: GZIP_LEVEL })
    pending = compressing.catch(() => {
      file.encoded.delete(encoding)
      return null
    })
    file.encoded.set(encoding, pending)
  }
  return pending
}
