// The WebSocket side of the browser host: each client may call contract methods and receives coalesced updates.
// Every message is untrusted: size-capped by ws (maxPayload), parsed and shape-checked here, arguments validated by
// the contract handlers exactly as IPC arguments are. A bad message closes that client only.
//
// Clients are bounded too: at most WS_MAX_CLIENTS at once (the next one is closed with 1013 and a reason that says
// so), and a client that does not read what it is sent is dropped once its unsent data passes WS_MAX_BUFFERED_BYTES
// (otherwise every reply and update to it would pile up in this process's memory).
import type { IncomingMessage } from 'node:http'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import {
  WS_CLOSE_TOO_MANY_CLIENTS,
  WS_MAX_CLIENT_MESSAGE_BYTES,
  WS_SUBPROTOCOL,
  type WsServerMessage
} from '../../shared/ws-protocol'
import type { MethodName } from '../../shared/methods'
import { fail } from '../../shared/result'
import { describeError } from '../host/host-errors'
import { dispatchContractCall, type ContractHandler } from '../host/contract-handlers'
import type { NodeHost } from '../host/node-host'

/** Close codes (RFC 6455): 1008 policy violation, 1003 unsupported data. */
const CLOSE_BAD_MESSAGE = 1008
const MAX_PENDING_CALLS = 64
/** Dashboard tabs and scripts connected at once. */
export const WS_MAX_CLIENTS = 32
/** Unsent data (replies, updates) a client may have queued before it is dropped as not reading. */
export const WS_MAX_BUFFERED_BYTES = 8 * 1024 * 1024
/** A refused client gets this long to answer our close frame before its socket is cut. */
const REFUSED_CLOSE_GRACE_MS = 1_000

export interface WsBridgeLogger {
  warn(message: string): void
}

export interface WsBridgeServer {
  wss: WebSocketServer
  /** Clients admitted and not closed yet. */
  readonly clientCount: number
}

export function createWsBridgeServer(
  host: NodeHost,
  handlers: Map<MethodName, ContractHandler>,
  logger: WsBridgeLogger,
  limits: { maxClients?: number; maxBufferedBytes?: number } = {}
): WsBridgeServer {
  const maxClients = limits.maxClients ?? WS_MAX_CLIENTS
  const maxBuffered = limits.maxBufferedBytes ?? WS_MAX_BUFFERED_BYTES
  const admitted = new Set<WebSocket>()
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_CLIENT_MESSAGE_BYTES,
    // The token protocol offered beside it is never selected, so it is never echoed back.
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false)
  })
  let refusedSinceLog = 0
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`
    if (admitted.size >= maxClients) {
      if (refusedSinceLog++ === 0)
        logger.warn(`browser client ${peer}: refused, already ${admitted.size} clients (the most allowed)`)
      socket.close(
        WS_CLOSE_TOO_MANY_CLIENTS,
        `too many dashboard clients (at most ${maxClients}); close another tab and retry`
      )
      setTimeout(() => socket.terminate(), REFUSED_CLOSE_GRACE_MS).unref()
      return
    }
    refusedSinceLog = 0
    admitted.add(socket)
    let dropped = false
    const dropIfNotReading = (): boolean => {
      if (dropped) return true
      if (socket.bufferedAmount <= maxBuffered) return false
      dropped = true
      logger.warn(
        `browser client ${peer}: more than ${maxBuffered / 1024 / 1024} MiB sent to it are still unread; dropping it`
      )
      socket.terminate()
      return true
    }
    const send = (message: WsServerMessage) => {
      if (socket.readyState !== socket.OPEN || dropIfNotReading()) return
      socket.send(JSON.stringify(message))
      dropIfNotReading()
    }
    const unsubscribe = host.subscribeUpdates((update) => send({ type: 'update', update }))
    let pending = 0
    let rejected = false
    const reject = (reason: string) => {
      if (rejected) return
      rejected = true
      logger.warn(`browser client ${peer}: ${reason}; closing it`)
      send({ type: 'error', message: reason })
      socket.close(CLOSE_BAD_MESSAGE, reason.slice(0, 120))
    }
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (dropped || rejected) return
      if (isBinary) return reject('binary messages are not part of the protocol')
      let message: unknown
      try {
        message = JSON.parse(data.toString())
      } catch {
        return reject('a message was not valid JSON')
      }
      const call = asCall(message)
      if (!call) return reject('a message was not a {type:"call", id, method, args} object')
      if (pending >= MAX_PENDING_CALLS) return reject(`more than ${MAX_PENDING_CALLS} calls in flight`)
      pending++
      void dispatchContractCall(handlers, call.method, call.args)
        .catch((err: unknown) => fail('Error', describeError(err).message))
        .then((result) => {
          pending--
          send({ type: 'reply', id: call.id, result })
        })
    })
    socket.on('error', (err) => logger.warn(`browser client ${peer}: ${err.message}`))
    socket.on('close', () => {
      admitted.delete(socket)
      unsubscribe()
    })
  })
  return {
    wss,
    get clientCount() {
      return admitted.size
    }
  }
}

function asCall(message: unknown): { id: number; method: unknown; args: unknown } | null {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return null
  const m = message as Record<string, unknown>
  if (m['type'] !== 'call' || typeof m['id'] !== 'number' || !Number.isSafeInteger(m['id'])) return null
  if (!Array.isArray(m['args'])) return null
  return { id: m['id'], method: m['method'], args: m['args'] }
}
