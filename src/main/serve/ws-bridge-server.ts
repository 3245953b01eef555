// The WebSocket side of the browser host: each client may call contract methods and receives coalesced updates.
// Every message is untrusted: size-capped by ws (maxPayload), parsed and shape-checked here, arguments validated by
// the contract handlers exactly as IPC arguments are. A bad message closes that client only.
import type { IncomingMessage } from 'node:http'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { WS_MAX_CLIENT_MESSAGE_BYTES, type WsServerMessage } from '../../shared/ws-protocol'
import type { MethodName } from '../../shared/methods'
import { dispatchContractCall, type ContractHandler } from '../host/contract-handlers'
import type { NodeHost } from '../host/node-host'

/** Close codes (RFC 6455): 1008 policy violation, 1003 unsupported data. */
const CLOSE_BAD_MESSAGE = 1008
const MAX_PENDING_CALLS = 64

export interface WsBridgeLogger {
  warn(message: string): void
}

export function createWsBridgeServer(
  host: NodeHost,
  handlers: Map<MethodName, ContractHandler>,
  logger: WsBridgeLogger
): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_CLIENT_MESSAGE_BYTES })
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`
    const send = (message: WsServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
    }
    const unsubscribe = host.subscribeUpdates((update) => send({ type: 'update', update }))
    let pending = 0
    const reject = (reason: string) => {
      logger.warn(`browser client ${peer}: ${reason}; closing it`)
      send({ type: 'error', message: reason })
      socket.close(CLOSE_BAD_MESSAGE, reason.slice(0, 120))
    }
    socket.on('message', (data: RawData, isBinary: boolean) => {
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
      void dispatchContractCall(handlers, call.method, call.args).then((result) => {
        pending--
        send({ type: 'reply', id: call.id, result })
      })
    })
    socket.on('error', (err) => logger.warn(`browser client ${peer}: ${err.message}`))
    socket.on('close', unsubscribe)
  })
  return wss
}

function asCall(message: unknown): { id: number; method: unknown; args: unknown } | null {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return null
  const m = message as Record<string, unknown>
  if (m['type'] !== 'call' || typeof m['id'] !== 'number' || !Number.isSafeInteger(m['id'])) return null
  if (!Array.isArray(m['args'])) return null
  return { id: m['id'], method: m['method'], args: m['args'] }
}
