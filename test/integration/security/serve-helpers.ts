// Clients for the `chaski serve` security tests: a WebSocket client that sets the headers a browser (or an attacker's
// page) would send, a raw HTTP request with any Host header, and the memory of a process from /proc.
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import WebSocket from 'ws'
import type { WsServerMessage } from '../../../src/shared/ws-protocol'
import { waitFor } from '../../helpers/wait-for'

export interface BridgeClientOptions {
  /** The access token, offered as the subprotocol `chaski.token.<token>` (as the dashboard does). */
  token?: string | null
  /** The Origin header; default the dashboard's own origin. null: none. */
  origin?: string | null
  /** The Host header; default the URL's. */
  host?: string
  /** Extra headers (e.g. a cookie a browser would attach). */
  headers?: Record<string, string>
  /** Subprotocols offered instead of the dashboard's. */
  protocols?: string[]
}

export interface BridgeClient {
  ws: WebSocket
  /** True when the upgrade was accepted. */
  opened: boolean
  /** The HTTP status of a refused upgrade. */
  status: number | null
  /** Headers of the server's answer to the upgrade (the 101, or the refusal). */
  responseHeaders: Record<string, string | string[] | undefined>
  received: WsServerMessage[]
  closeCode(): number | null
  closeReason(): string
  call(method: string, args: unknown[], timeoutMs?: number): Promise<unknown>
}

/** `base`: the server's http URL (http://127.0.0.1:port/). */
export async function bridgeClient(base: string, options: BridgeClientOptions = {}): Promise<BridgeClient> {
  const url = new URL(base)
  const origin = options.origin === undefined ? `http://${url.host}` : options.origin
  const protocols = options.protocols ?? [
    'chaski.v1',
    ...(options.token ? [`chaski.token.${options.token}`] : [])
  ]
  const headers: Record<string, string> = { ...options.headers }
  if (options.host) headers['host'] = options.host
  const ws = new WebSocket(`ws://${url.host}/bridge`, protocols, {
    ...(origin ? { origin } : {}),
    headers,
    handshakeTimeout: 10_000
  })
  const received: WsServerMessage[] = []
  let closeCode: number | null = null
  let closeReason = ''
  let status: number | null = null
  let responseHeaders: Record<string, string | string[] | undefined> = {}
  ws.once('upgrade', (res) => (responseHeaders = res.headers))
  ws.on('message', (data) => received.push(JSON.parse(data.toString()) as WsServerMessage))
  ws.on('close', (code, reason) => {
    closeCode = code
    closeReason = reason.toString()
  })
  ws.on('error', () => undefined)
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true))
    ws.once('unexpected-response', (_req, res) => {
      status = res.statusCode ?? null
      responseHeaders = res.headers
      res.resume()
      resolve(false)
    })
    ws.once('error', () => resolve(false))
  })
  let nextId = 1
  return {
    ws,
    opened,
    status,
    responseHeaders,
    received,
    closeCode: () => closeCode,
    closeReason: () => closeReason,
    async call(method, args, timeoutMs = 10_000) {
      const id = nextId++
      ws.send(JSON.stringify({ type: 'call', id, method, args }))
      const reply = await waitFor(() => received.find((m) => m.type === 'reply' && m.id === id), {
        timeoutMs,
        message: `reply to ${method}`
      })
      return reply.type === 'reply' ? reply.result : null
    }
  }
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A GET with exactly the Host header given (fetch does not let a test set Host). */
export function rawGet(base: string, path: string, host?: string, method = 'GET'): Promise<RawResponse> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        headers: host === undefined ? {} : { host },
        setHost: host === undefined
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      }
    )
    req.on('error', reject)
    req.end()
  })
}

/** Resident memory of a process, in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /VmRSS:\s+(\d+) kB/.exec(status)
  if (!match) throw new Error(`no VmRSS for ${pid}`)
  return Number(match[1]) * 1024
}
