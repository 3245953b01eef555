// `chaski serve`: runs the NodeHost headless and serves the dashboard (the built renderer) over HTTP, with the
// contract over a WebSocket. Binds 127.0.0.1 by default.
//
// Who gets in (README "chaski serve security"):
// - every request must carry a Host header naming this server (origin-policy.ts: DNS-rebinding defence);
// - the dashboard's HTML page needs `?token=` (the URL printed at start); the other files are the public build
//   output (scripts, styles, icons: nothing secret) and need no token;
// - the WebSocket needs the token, offered as a subprotocol by the page's script, and an Origin equal to the
//   dashboard's own origin; there is no cookie at all, so no other service on the same address ever sees the token;
// - every response forbids framing (CSP frame-ancestors 'none', X-Frame-Options DENY);
// - at most WS_MAX_CLIENTS WebSocket clients, and a client that does not read is dropped (ws-bridge-server.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'
import { createContractHandlers } from '../host/contract-handlers'
import { openControlChannel, type ControlChannel } from '../control/control-server'
import { NodeHost } from '../host/node-host'
import { WS_PATH } from '../../shared/ws-protocol'
import { DASHBOARD_PORT } from '../../shared/limits'
import {
  TOKEN_PATTERN,
  generateToken,
  offeredProtocols,
  tokenFromProtocols,
  tokenMatches
} from './access-token'
import { createOriginPolicy, type OriginPolicy } from './origin-policy'
import { readStaticFile, warmStaticFiles } from './static-files'
import { createWsBridgeServer, type WsBridgeLogger } from './ws-bridge-server'

/** Default HTTP port of the dashboard host (kept out of the nodes' own range, src/shared/limits.ts). */
export const DEFAULT_SERVE_PORT = DASHBOARD_PORT
/** HTTP connections at once (page loads, assets, WebSockets): a flood of idle sockets cannot take every fd. */
export const MAX_HTTP_CONNECTIONS = 256

/** Sent with every response, errors and refused upgrades included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer'
}

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
  /** Where to open the local control channel for `chaski trust` (src/main/control); null: none. @default null */
  controlSocket?: string | null
}

export interface ServeHandle {
  url: string
  /** The URL with the token, ready to open. */
  openUrl: string
  token: string
  host: NodeHost
  /** The control channel's socket, when it opened. */
  controlSocket: string | null
  /** WebSocket clients connected now. */
  readonly clientCount: number
  close(): Promise<void>
}

/**
 * Listens first, then loads the settings and starts the nodes: a port already in use ends it before any node starts
 * (and sends LAN beacons) and before the settings file is written. Until the nodes are loaded, the dashboard's
 * WebSocket is refused with 503 (the page retries by itself).
 */
export async function startServeHost(options: ServeOptions): Promise<ServeHandle> {
  const bindHost = options.host ?? '127.0.0.1'
  const token = options.token ?? generateToken()
  if (!TOKEN_PATTERN.test(token))
    throw new Error('the token must be 8–200 letters, digits or ._~- characters')
  const logger = options.logger ?? { warn: (m: string) => process.stderr.write(`chaski serve: ${m}\n`) }
  const host = new NodeHost({
    settingsFile: options.settingsFile,
    firstLaunchNode: options.firstLaunchNode,
    logger
  })
  const handlers = createContractHandlers(host)
  const bridge = createWsBridgeServer(host, handlers, logger)
  const { wss } = bridge
  // Known once the server listens (port 0 picks one); no request arrives before that.
  let policy: OriginPolicy | null = null
  let loaded = false

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, text: string) =>
      res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end(text)
    if (!policy?.hostAllowed(req.headers.host)) {
      reply(
        421,
        `Misdirected request: this server answers only to ${policy?.describe() ?? 'its own address'}.\n`
      )
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(405, 'Method not allowed\n')
      return
    }
    const url = new URL(req.url ?? '/', 'http://localhost')
    void readStaticFile(options.rendererDir, url.pathname, req.headers['accept-encoding']).then((file) => {
      if (!file) {
        reply(404, 'not found\n')
        return
      }
      // The page is the way in, so it is what asks for the token; the rest is public build output. Decided by
      // what is served (any HTML file), not by how the path was spelled.
      const isPage = file.type.startsWith('text/html')
      if (isPage && !tokenMatches(token, url.searchParams.get('token'))) {
        reply(401, 'Unauthorised: open the URL that `chaski serve` printed (it carries ?token=...).\n')
        return
      }
      // Type, length, encoding and caching come with the file (static-files.ts); the security headers with every response.
      res.writeHead(200, { ...file.headers, ...SECURITY_HEADERS })
      res.end(req.method === 'HEAD' ? undefined : file.body)
    })
  })
  server.maxConnections = MAX_HTTP_CONNECTIONS

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands an upgrading socket over without an error listener: a client that resets it while we answer
    // would otherwise raise an uncaught 'error' (ws adds its own once it takes the socket).
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://localhost')
    const refusal = (() => {
      if (url.pathname !== WS_PATH) return [404, 'Not Found', 'no WebSocket here'] as const
      if (!policy?.hostAllowed(req.headers.host))
        return [421, 'Misdirected Request', 'the Host header does not name this server'] as const
      if (!policy.originAllowed(req.headers.origin, req.headers.host))
        return [403, 'Forbidden', "the Origin is not the dashboard's own"] as const
      if (!tokenMatches(token, tokenFromProtocols(offeredProtocols(req.headers['sec-websocket-protocol']))))
        return [401, 'Unauthorized', 'missing or wrong access token'] as const
      if (!loaded) return [503, 'Service Unavailable', 'the nodes are still starting; retry'] as const
      return null
    })()
    if (refusal) {
      const [status, text, why] = refusal
      const headers = Object.entries(SECURITY_HEADERS)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\n${headers}content-type: text/plain\r\nconnection: close\r\n\r\n${why}\n`
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })
  // ws adds the frame headers to its own 101 response through this hook.
  wss.on('headers', (headers: string[]) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.push(`${name}: ${value}`)
  })

  void warmStaticFiles(options.rendererDir)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULT_SERVE_PORT, bindHost, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0)
  policy = createOriginPolicy(bindHost, port)
  try {
    await host.load()
  } catch (err) {
    // The settings file was refused: nothing was started or written; the server goes too.
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    wss.close()
    throw err
  }
  loaded = true
  // The channel `chaski trust` uses: opened once the nodes are loaded. Not opening it (another host answers there)
  // costs that channel only, said in a warning.
  let control: ControlChannel | null = null
  if (options.controlSocket) {
    control = await openControlChannel(options.controlSocket, handlers, logger).catch((err: unknown) => {
      logger.warn(`no control channel for chaski trust: ${(err as Error).message}`)
      return null
    })
  }
  const shown = isIP(bindHost) === 6 ? `[${bindHost}]` : bindHost
  const base = `http://${shown}:${port}/`
  return {
    url: base,
    openUrl: `${base}?token=${encodeURIComponent(token)}`,
    token,
    host,
    controlSocket: control?.path ?? null,
    get clientCount() {
      return bridge.clientCount
    },
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      await control?.close()
      await host.shutdown()
    }
  }
}
