// `chaski serve`: runs the NodeHost headless and serves the dashboard (the built renderer) over HTTP, with the
// contract over a WebSocket. Binds 127.0.0.1 by default; every request needs the access token.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import { createContractHandlers } from '../host/contract-handlers'
import { NodeHost } from '../host/node-host'
import { WS_PATH } from '../../shared/ws-protocol'
import { TOKEN_COOKIE, generateToken, tokenFromRequest, tokenMatches } from './access-token'
import { readStaticFile, warmStaticFiles } from './static-files'
import { createWsBridgeServer, type WsBridgeLogger } from './ws-bridge-server'

/** Default HTTP port of the dashboard host (the nodes themselves favour 8511–8516). */
export const DEFAULT_SERVE_PORT = 8520

export interface ServeOptions {
  host?: string
  port?: number
  token?: string
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** The settings file (same format as the desktop app's); null keeps settings in memory only. */
  settingsFile: string | null
  /** Create the first-launch node when there are no settings. @default true */
  firstLaunchNode?: boolean
  logger?: WsBridgeLogger
}

export interface ServeHandle {
  url: string
  /** The URL with the token, ready to open. */
  openUrl: string
  token: string
  host: NodeHost
  close(): Promise<void>
}

export async function startServeHost(options: ServeOptions): Promise<ServeHandle> {
  const bindHost = options.host ?? '127.0.0.1'
  const token = options.token ?? generateToken()
  const logger = options.logger ?? { warn: (m: string) => process.stderr.write(`chaski serve: ${m}\n`) }
  const host = new NodeHost({ settingsFile: options.settingsFile, firstLaunchNode: options.firstLaunchNode })
  await host.load()
  const wss = createWsBridgeServer(host, createContractHandlers(host), logger)

  const authorised = (req: IncomingMessage, url: URL) =>
    tokenMatches(token, tokenFromRequest(url, req.headers.cookie))

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!authorised(req, url)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('Unauthorised: open the URL that `chaski serve` printed (it carries ?token=...).\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end()
      return
    }
    void readStaticFile(options.rendererDir, url.pathname, req.headers['accept-encoding']).then((file) => {
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n')
        return
      }
      const headers: Record<string, string> = {
        ...file.headers,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer'
      }
      // A page opened with ?token= keeps the token in a strict cookie, so its assets and WebSocket are authorised.
      if (url.searchParams.has('token'))
        headers['set-cookie'] =
          `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`
      res.writeHead(200, headers)
      res.end(req.method === 'HEAD' ? undefined : file.body)
    })
  })

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== WS_PATH || !authorised(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  void warmStaticFiles(options.rendererDir)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULT_SERVE_PORT, bindHost, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0)
  const shown = isIP(bindHost) === 6 ? `[${bindHost}]` : bindHost
  const base = `http://${shown}:${port}/`
  return {
    url: base,
    openUrl: `${base}?token=${encodeURIComponent(token)}`,
    token,
    host,
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      await host.shutdown()
    }
  }
}
