// How `chaski serve` sends the dashboard's files over real HTTP: compressed as the client accepts (brotli, gzip or
// as is), cached by the browser for good when the name carries a content hash and never otherwise, source maps
// never served, and a file rebuilt on disk served fresh.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServeHost, type ServeHandle } from '../../../src/main/serve/serve-host'
import { waitFor } from '../../helpers/wait-for'

const TOKEN = 'static-files-token-1'
const IMMUTABLE = 'public, max-age=31536000, immutable'
let dir: string
let serve: ServeHandle

// Big and repetitive enough to be worth compressing, as the real bundle is.
const script = Array.from({ length: 2000 }, (_, i) => `export const value${i} = ${i} * 2;\n`).join('')
const style = Array.from({ length: 300 }, (_, i) => `.row-${i} { padding: ${i}px; }\n`).join('')
const indexHtml = `<!doctype html><title>Chaski</title><script type="module" src="./assets/index-Ab12Cd34.js"></script>`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-static-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), indexHtml)
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), script)
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js.map'), '{"version":3,"sources":["secret.ts"]}')
  writeFileSync(join(dir, 'assets', 'index-Zz98_x-7.css'), style)
  writeFileSync(join(dir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  serve = await startServeHost({
    port: 0,
    token: TOKEN,
    rendererDir: dir,
    settingsFile: null,
    firstLaunchNode: false,
    logger: { warn: () => undefined }
  })
})

afterAll(async () => {
  await serve?.close()
  rmSync(dir, { recursive: true, force: true })
})

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The body as it came over the wire (still compressed). */
  raw: Buffer
}

/** A raw HTTP request (fetch would decompress and pick its own Accept-Encoding). */
function get(path: string, acceptEncoding?: string, method = 'GET'): Promise<Reply> {
  const url = new URL(path, serve.url)
  url.searchParams.set('token', TOKEN)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) })
        )
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end()
  })
}

function decoded(reply: Reply): string {
  const encoding = reply.headers['content-encoding']
  if (encoding === 'br') return brotliDecompressSync(reply.raw).toString()
  if (encoding === 'gzip') return gunzipSync(reply.raw).toString()
  return reply.raw.toString()
}

describe('chaski serve: static files over HTTP', () => {
  test('brotli when the client takes it, gzip when it only takes gzip, as is when it names neither', async () => {
    const br = await get('/assets/index-Ab12Cd34.js', 'gzip, deflate, br')
    expect(br.status).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['vary']).toBe('Accept-Encoding')
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(Number(br.headers['content-length'])).toBe(br.raw.length)
    expect(br.raw.length).toBeLessThan(script.length / 4)
    expect(decoded(br)).toBe(script)

    const gzip = await get('/assets/index-Ab12Cd34.js', 'gzip, deflate')
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gzip.headers['vary']).toBe('Accept-Encoding')
    expect(decoded(gzip)).toBe(script)

    const plain = await get('/assets/index-Ab12Cd34.js')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers['vary']).toBe('Accept-Encoding')
    expect(plain.raw.toString()).toBe(script)

    // Asked again: the same bytes (compressed once, then served from memory).
    expect((await get('/assets/index-Ab12Cd34.js', 'br')).raw.equals(br.raw)).toBe(true)
  })

  test('the Accept-Encoding weights are honoured: q=0 refuses, the higher q wins, * stands for any', async () => {
    const enc = async (header: string) =>
      (await get('/assets/index-Zz98_x-7.css', header)).headers['content-encoding'] ?? 'identity'
    expect(await enc('br;q=0, gzip;q=0')).toBe('identity')
    expect(await enc('br;q=0.4, gzip;q=0.9')).toBe('gzip')
    expect(await enc('gzip;q=0.5, br')).toBe('br')
    expect(await enc('*')).toBe('br')
    expect(await enc('*, br;q=0')).toBe('gzip')
    expect(await enc('identity')).toBe('identity')
    expect(decoded(await get('/assets/index-Zz98_x-7.css', 'gzip'))).toBe(style)
  })

  test('hashed assets are cached for a year as immutable; index.html and unhashed files are not stored', async () => {
    expect((await get('/assets/index-Ab12Cd34.js', 'gzip')).headers['cache-control']).toBe(IMMUTABLE)
    expect((await get('/assets/index-Zz98_x-7.css')).headers['cache-control']).toBe(IMMUTABLE)
    for (const path of ['/', '/index.html', '/icon.svg']) {
      const reply = await get(path, 'gzip, br')
      expect(reply.status).toBe(200)
      expect(reply.headers['cache-control']).toBe('no-store')
    }
    expect((await get('/', 'gzip')).raw.toString()).toBe(indexHtml)
  })

  test('source maps are never served, though they sit next to the bundle', async () => {
    expect((await get('/assets/index-Ab12Cd34.js.map')).status).toBe(404)
    expect((await get('/assets/index-Ab12Cd34.js.MAP')).status).toBe(404)
    expect((await get('/assets/missing-Ab12Cd34.js')).status).toBe(404)
  })

  test('HEAD gives the same headers and no body', async () => {
    const get_ = await get('/assets/index-Ab12Cd34.js', 'gzip')
    const head = await get('/assets/index-Ab12Cd34.js', 'gzip', 'HEAD')
    expect(head.status).toBe(200)
    expect(head.raw.length).toBe(0)
    expect(head.headers['content-length']).toBe(get_.headers['content-length'])
    expect(head.headers['content-encoding']).toBe('gzip')
  })

  test('a file rewritten on disk (a rebuild while serving) is served fresh, compressed anew', async () => {
    const changed = `${script}export const extra = 1;\n`
    writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), changed)
    await waitFor(async () => decoded(await get('/assets/index-Ab12Cd34.js', 'br')) === changed, {
      message: 'the rewritten file served'
    })
    expect(decoded(await get('/assets/index-Ab12Cd34.js', 'gzip'))).toBe(changed)
  })
})
