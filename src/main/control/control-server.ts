// The server side of the local control channel (control-protocol.ts), opened by whoever runs a NodeHost (the
// desktop app, `chaski serve`). Bounded: MAX_CONTROL_CLIENTS at once, a request line of at most
// MAX_CONTROL_REQUEST_BYTES, one request at a time per client (the socket is paused while it runs), idle clients
// closed. Requests are validated like the dashboard's (contract-handlers.ts); anything else gets an error line.
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { dirname } from 'node:path'
import type { ContractHandler } from '../host/contract-handlers'
import type { MethodName } from '../../shared/methods'
import { fail, type Result } from '../../shared/result'
import {
  CONTROL_IDLE_TIMEOUT_MS,
  CONTROL_METHODS,
  MAX_CONTROL_CLIENTS,
  MAX_CONTROL_REQUEST_BYTES
} from './control-protocol'
import { privateTempDir } from './control-path'

export interface ControlChannel {
  readonly path: string
  readonly clientCount: number
  close(): Promise<void>
}

export interface ControlLogger {
  warn(message: string): void
}

export class ControlSocketInUseError extends Error {
  override name = 'ControlSocketInUseError'
}

/** Opens the channel at `path`; refuses (ControlSocketInUseError) when another running host answers there. */
export async function openControlChannel(
  path: string,
  handlers: ReadonlyMap<MethodName, ContractHandler>,
  logger: ControlLogger
): Promise<ControlChannel> {
  const isPipe = path.startsWith('\\\\')
  if (!isPipe) await prepareSocketPath(path)
  const clients = new Set<Socket>()
  const server = createServer((socket) => serveClient(socket, clients, handlers, logger))
  await listenPrivately(server, path, isPipe)
  return {
    path,
    get clientCount() {
      return clients.size
    },
    async close() {
      for (const socket of clients) socket.destroy()
      await new Promise<void>((done) => server.close(() => done()))
      // Node removes a Unix socket file on close; make sure a crashed predecessor's is gone too.
      if (!isPipe) removeSocketFile(path)
    }
  }
}

function serveClient(
  socket: Socket,
  clients: Set<Socket>,
  handlers: ReadonlyMap<MethodName, ContractHandler>,
  logger: ControlLogger
): void {
  socket.on('error', () => socket.destroy())
  if (clients.size >= MAX_CONTROL_CLIENTS) {
    socket.end(
      line(0, fail('LimitError', `at most ${MAX_CONTROL_CLIENTS} control clients at once; try again`))
    )
    return
  }
  clients.add(socket)
  socket.on('close', () => clients.delete(socket))
  socket.setTimeout(CONTROL_IDLE_TIMEOUT_MS, () => socket.destroy())
  let buffered = ''
  let busy = false
  const next = async (): Promise<void> => {
    if (busy) return
    const end = buffered.indexOf('\n')
    if (end < 0) return
    const text = buffered.slice(0, end)
    buffered = buffered.slice(end + 1)
    busy = true
    socket.pause()
    try {
      const { id, result } = await handle(text, handlers)
      if (!socket.destroyed) socket.write(line(id, result))
    } catch (err) {
      logger.warn(`control channel: a request failed: ${(err as Error).message}`)
      if (!socket.destroyed) socket.write(line(0, fail('Error', 'the request failed')))
    } finally {
      busy = false
      if (!socket.destroyed) socket.resume()
    }
    await next()
  }
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffered += chunk
    const pending = buffered.indexOf('\n') < 0 ? buffered : buffered.slice(0, buffered.indexOf('\n'))
    if (Buffer.byteLength(pending) > MAX_CONTROL_REQUEST_BYTES) {
      socket.end(
        line(0, fail('LimitError', `a request line is at most ${MAX_CONTROL_REQUEST_BYTES} bytes`)),
        () => socket.destroy()
      )
      buffered = ''
      return
    }
    void next()
  })
}

async function handle(
  text: string,
  handlers: ReadonlyMap<MethodName, ContractHandler>
): Promise<{ id: number; result: Result<unknown> }> {
  let request: unknown
  try {
    request = JSON.parse(text)
  } catch {
    return { id: 0, result: fail('ValidationError', 'a request is one JSON object per line') }
  }
  const { id, method, args } = (typeof request === 'object' && request !== null ? request : {}) as Record<
    string,
    unknown
  >
  const requestId = typeof id === 'number' && Number.isSafeInteger(id) ? id : 0
  if (requestId === 0)
    return { id: 0, result: fail('ValidationError', 'a request needs an "id": a whole number other than 0') }
  const handler = (CONTROL_METHODS as readonly unknown[]).includes(method)
    ? handlers.get(method as MethodName)
    : undefined
  if (!handler)
    return {
      id: requestId,
      result: fail(
        'ValidationError',
        `the control channel serves ${CONTROL_METHODS.join(', ')}; not ${JSON.stringify(String(method)).slice(0, 80)}`
      )
    }
  return { id: requestId, result: await handler(args) }
}

function line(id: number, result: Result<unknown>): string {
  return `${JSON.stringify({ id, result })}\n`
}

/**
 * Makes the socket's folder if it is our private temp folder (0700, ours, not a link), and clears a socket file a
 * crashed host left behind. A host that answers there is running: refused. Anything that is not a socket is never
 * removed.
 */
async function prepareSocketPath(path: string): Promise<void> {
  const dir = dirname(path)
  if (dir === privateTempDir()) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const stat = lstatSync(dir)
    const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0)
      throw new Error(`${dir} must be a folder of this user that nobody else can open (mode 0700)`)
  }
  let stat
  try {
    stat = lstatSync(path)
  } catch {
    return
  }
  if (!stat.isSocket()) throw new Error(`${path} exists and is not a control socket; it was left as it is`)
  if (await answers(path))
    throw new ControlSocketInUseError(
      `another Chaski host already runs with these settings (its control socket ${path} answers)`
    )
  removeSocketFile(path)
}

function answers(path: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = createConnection(path)
    probe.once('connect', () => {
      probe.destroy()
      done(true)
    })
    probe.once('error', () => done(false))
  })
}

/**
 * Binds with umask 0177 so the socket is 0600 from its first moment (Node binds a Unix socket synchronously inside
 * listen(), so the umask is restored before anything else runs), then chmod in case the platform ignored it.
 */
async function listenPrivately(server: Server, path: string, isPipe: boolean): Promise<void> {
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.once('listening', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const previous = isPipe ? null : process.umask(0o177)
  try {
    server.listen(path)
  } finally {
    if (previous !== null) process.umask(previous)
  }
  await listening
  if (!isPipe) chmodSync(path, 0o600)
}

function removeSocketFile(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path)
  } catch {
    // already gone
  }
}
