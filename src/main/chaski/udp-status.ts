// UDP side channel (spec §5): `status` request → `response`. Datagrams are 'CKS1' + a codec body; anything
// else, oversized, malformed, unsolicited or from the wrong source is dropped. Requests always time out.
// A response is never larger than 3× its request (docs/PROTOCOL.md §9): requests are padded so a status up to
// 8 KiB fits, and a status too big for its request is answered by a small `status-too-large`. Responses are rate
// limited per source address and overall.
import { randomUUID } from 'node:crypto'
import dgram from 'node:dgram'
import { isIP } from 'node:net'
import { formatAddress, normalizeIp, sourceKey } from './address'
import type { Clock, ClockTimer } from './clock'
import type { Codec } from './codec'
import { msgpackCodec } from './codec'
import {
  DEFAULT_STATUS_TIMEOUT_MS,
  MAX_DATAGRAM_SIZE,
  MAX_ID_LENGTH,
  MAX_NAME_BYTES,
  MAX_SUBSCRIPTIONS,
  MAX_TOPIC_BYTES,
  STATUS_REQUEST_BYTES,
  UDP_AMPLIFICATION_FACTOR,
  UDP_MAGIC,
  UDP_RATE_SOURCES,
  UDP_RESPONSES_PER_SECOND,
  UDP_RESPONSES_PER_SOURCE_BURST,
  UDP_RESPONSES_PER_SOURCE_PER_SECOND
} from './constants'
import {
  InvalidOptionError,
  NodeStoppedError,
  ProtocolError,
  StatusTimeoutError,
  StatusTooLargeError
} from './errors'
import type { NodeStatus } from './events'
import type { Logger } from './logger'
import { RateLimiter } from './rate-limit'

const MAGIC = Buffer.from(UDP_MAGIC, 'latin1')

export interface StatusResponse extends NodeStatus {
  id: string
}

export function encodeDatagram(codec: Codec, value: unknown): Buffer {
  const body = codec.encode(value)
  const out = Buffer.allocUnsafe(MAGIC.length + body.length)
  MAGIC.copy(out, 0)
  out.set(body, MAGIC.length)
  return out
}

/**
 * A status request, padded to STATUS_REQUEST_BYTES (spaces in `pad`, which receivers ignore) so that the
 * answer may be up to 3× as large: any status up to MAX_DATAGRAM_SIZE.
 */
export function statusRequestDatagram(codec: Codec, id: string): Buffer {
  const bare = encodeDatagram(codec, { command: 'status', id, pad: '' })
  const missing = STATUS_REQUEST_BYTES - bare.length
  if (missing <= 0) return bare
  // The pad's length header grows from 1 to 3 bytes past 31 characters (msgpack str8/str16): aim for the total.
  const padded = encodeDatagram(codec, { command: 'status', id, pad: ' '.repeat(missing) })
  const over = padded.length - STATUS_REQUEST_BYTES
  return over <= 0
    ? padded
    : encodeDatagram(codec, { command: 'status', id, pad: ' '.repeat(missing - over) })
}

type Datagram =
  | { command: 'status'; id: string }
  | ({ command: 'response' } & StatusResponse)
  | { command: 'status-too-large'; id: string; size: number }

const hasOwn = Object.prototype.hasOwnProperty

function own(obj: Record<string, unknown>, key: string): unknown {
  return hasOwn.call(obj, key) ? obj[key] : undefined
}

/** Decodes and validates a datagram; throws ProtocolError when it is not one of ours. */
export function decodeDatagram(codec: Codec, bytes: Buffer): Datagram {
  if (bytes.length > MAX_DATAGRAM_SIZE)
    throw new ProtocolError(`datagram of ${bytes.length} bytes is too large`)
  if (bytes.length <= MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtocolError('datagram without the CKS1 prefix')
  }
  let value: unknown
  try {
    value = codec.decode(bytes.subarray(MAGIC.length))
  } catch (error) {
    throw new ProtocolError(`undecodable datagram: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ProtocolError('datagram is not a map')
  const obj = value as Record<string, unknown>
  const id = own(obj, 'id')
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH)
    throw new ProtocolError('datagram: bad id')
  const command = own(obj, 'command')
  if (command === 'status') return { command, id }
  if (command === 'status-too-large') {
    const size = own(obj, 'size')
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw new ProtocolError('status-too-large: bad size')
    return { command, id, size }
  }
  if (command !== 'response') throw new ProtocolError('datagram: unknown command')
  const name = own(obj, 'name')
  if (typeof name !== 'string' || Buffer.byteLength(name) > MAX_NAME_BYTES)
    throw new ProtocolError('response: bad name')
  const serving = own(obj, 'serving')
  const reconnecting = own(obj, 'reconnecting')
  if (typeof serving !== 'boolean' || typeof reconnecting !== 'boolean')
    throw new ProtocolError('response: bad flags')
  const pairedIn = own(obj, 'paired')
  if (typeof pairedIn !== 'object' || pairedIn === null || Array.isArray(pairedIn)) {
    throw new ProtocolError('response: paired must be a map')
  }
  const entries = Object.entries(pairedIn as Record<string, unknown>)
  if (entries.length > MAX_SUBSCRIPTIONS) throw new ProtocolError('response: too many topics')
  const paired = Object.create(null) as Record<string, boolean>
  for (const [topic, flag] of entries) {
    if (typeof flag !== 'boolean' || Buffer.byteLength(topic) > MAX_TOPIC_BYTES)
      throw new ProtocolError('response: bad paired entry')
    paired[topic] = flag
  }
  return { command, id, name, paired, serving, reconnecting }
}

interface PendingRequest {
  ip: string
  port: number
  resolve(response: StatusResponse): void
  reject(error: Error): void
  timer: ClockTimer
}

/** The status channel a node's UDP socket carries, for the shared socket listeners below. */
const CHANNEL = Symbol('chaski.statusChannel')
type ChannelSocket = dgram.Socket & { [CHANNEL]: UdpStatusChannel }

function onDatagram(this: ChannelSocket, bytes: Buffer, rinfo: dgram.RemoteInfo): void {
  this[CHANNEL].datagram(bytes, rinfo)
}

function onUdpError(this: ChannelSocket, error: Error): void {
  this[CHANNEL].socketError(error)
}

/** What the status channel needs from its node. */
export interface StatusOwner {
  /** Spec §1 / §5: what a status request is answered with. */
  readonly status: NodeStatus
  /** The node's logger (the channel logs as its 'udp' component). */
  readonly log: Logger
  /** The node's clock: status request timeouts and the response rate limit. */
  readonly clock: Clock
  /** The node's codec (datagrams are encoded with it). */
  readonly codec: Codec
}

/** The status side channel on a node's own UDP socket. */
export class UdpStatusChannel {
  /** Requests waiting for a response; made on the first request (most nodes are only ever asked). */
  private pendingMap: Map<string, PendingRequest> | null = null
  /** Response budget per source address and overall; made on the first request (most nodes are rarely asked). */
  private limiter: RateLimiter | null = null
  private closed = false

  constructor(
    private readonly socket: dgram.Socket,
    /** The node: what a status request is answered with, its codec, clock and logger. */
    private readonly owner: StatusOwner
  ) {
    // Shared listeners that find their channel on the socket: no closures per node.
    ;(socket as ChannelSocket)[CHANNEL] = this
    socket.on('error', onUdpError)
    socket.on('message', onDatagram)
  }

  /** The 'udp' logger, made when something is logged (rare: a node keeps none). */
  private get log(): Logger {
    return this.owner.log.child('udp')
  }

  private get codec(): Codec {
    return this.owner.codec
  }

  private clockNow(): () => number {
    const clock = this.owner.clock
    return () => clock.now()
  }

  /** Asks a node at ip:port for its status; rejects with StatusTimeoutError after timeoutMs. */
  request(ip: string, port: number, timeoutMs = DEFAULT_STATUS_TIMEOUT_MS): Promise<StatusResponse> {
    if (this.closed) return Promise.reject(new NodeStoppedError('node stopped'))
    const family = this.socket.address().family === 'IPv6' ? 6 : 4
    // Our socket cannot reach the other address family: use a throwaway socket instead.
    if (isIP(ip) !== family) return requestStatus(ip, port, { timeoutMs, codec: this.codec })
    const id = randomUUID()
    const pending = (this.pendingMap ??= new Map())
    return new Promise<StatusResponse>((resolve, reject) => {
      const timer = this.owner.clock.setTimeout(() => {
        pending.delete(id)
        reject(new StatusTimeoutError(`no status response from ${ip}:${port} within ${timeoutMs} ms`))
      }, timeoutMs)
      pending.set(id, { ip: normalizeIp(ip), port, resolve, reject, timer })
      this.socket.send(statusRequestDatagram(this.codec, id), port, ip, (error) => {
        if (!error) return
        const entry = pending.get(id)
        if (!entry) return
        this.owner.clock.clearTimeout(entry.timer)
        pending.delete(id)
        reject(new StatusTimeoutError(`status request to ${ip}:${port} failed: ${error.message}`))
      })
    })
  }

  close(): void {
    this.closed = true
    const pending = this.pendingMap
    if (pending === null) return
    for (const [id, entry] of pending) {
      this.owner.clock.clearTimeout(entry.timer)
      pending.delete(id)
      entry.reject(new NodeStoppedError('node stopped'))
    }
  }

  /** @internal The socket failed (the node's logger says so: it is the node's socket). */
  socketError(error: Error): void {
    this.owner.log.warn('UDP socket error', { error })
  }

  /** @internal A datagram arrived (onDatagram). */
  datagram(bytes: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.closed) return
    let datagram: Datagram
    try {
      datagram = decodeDatagram(this.codec, bytes)
    } catch (error) {
      this.log.debug('dropped a datagram', { from: formatAddress(rinfo.address, rinfo.port), error })
      return
    }
    if (datagram.command === 'status') {
      this.limiter ??= new RateLimiter(
        {
          burst: UDP_RESPONSES_PER_SOURCE_BURST,
          ratePerS: UDP_RESPONSES_PER_SOURCE_PER_SECOND,
          maxKeys: UDP_RATE_SOURCES,
          globalBurst: UDP_RESPONSES_PER_SECOND,
          globalRatePerS: UDP_RESPONSES_PER_SECOND
        },
        this.clockNow()
      )
      if (!this.limiter.allow(sourceKey(rinfo.address))) return
      const answer = statusAnswer(this.codec, datagram.id, this.owner.status, bytes.length)
      if (answer === null) return
      this.socket.send(answer, rinfo.port, rinfo.address, (error) => {
        if (error) this.log.debug('status response not sent', { error })
      })
      return
    }
    const entry = this.pendingMap?.get(datagram.id)
    // Unsolicited, late, or from another source than the one asked: dropped.
    if (!entry || entry.port !== rinfo.port || entry.ip !== normalizeIp(rinfo.address)) return
    this.owner.clock.clearTimeout(entry.timer)
    this.pendingMap!.delete(datagram.id)
    settle(entry, datagram, entry.ip, entry.port)
  }
}

/**
 * The answer to a status request of `requestBytes`: the response when it is at most 3× the request (and fits a
 * datagram), else a small `status-too-large {id, size}`; null when not even that fits (never, for a valid request:
 * it carries the same id).
 */
export function statusAnswer(
  codec: Codec,
  id: string,
  status: NodeStatus,
  requestBytes: number
): Buffer | null {
  const limit = Math.min(MAX_DATAGRAM_SIZE, UDP_AMPLIFICATION_FACTOR * requestBytes)
  const response = encodeDatagram(codec, { command: 'response', id, ...status, paired: { ...status.paired } })
  if (response.length <= limit) return response
  const tooLarge = encodeDatagram(codec, { command: 'status-too-large', id, size: response.length })
  return tooLarge.length <= limit ? tooLarge : null
}

/** Resolves a request with its response, or rejects it when the status did not fit (pointing to TCP). */
function settle(
  pending: Pick<PendingRequest, 'resolve' | 'reject'>,
  datagram: Exclude<Datagram, { command: 'status' }>,
  ip: string,
  port: number
): void {
  if (datagram.command === 'status-too-large') {
    const address = formatAddress(ip, port)
    pending.reject(
      new StatusTooLargeError(
        `the status of ${address} (${datagram.size} bytes) is too large for a UDP answer; ` +
          `ask it over a TCP link instead (e.g. \`chaski ping ${address}\`, or connect and read the edge)`,
        datagram.size
      )
    )
    return
  }
  const { command: _command, ...response } = datagram
  pending.resolve(response)
}

export interface RequestStatusOptions {
  timeoutMs?: number
  codec?: Codec
}

/** Standalone status request (e.g. `chaski status`): its own socket, closed afterwards. Spec §5. */
export function requestStatus(
  ip: string,
  port: number,
  options: RequestStatusOptions = {}
): Promise<StatusResponse> {
  const family = isIP(ip)
  if (family === 0) return Promise.reject(new InvalidOptionError(`not an IP address: '${ip}'`))
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return Promise.reject(new InvalidOptionError(`bad port ${port}`))
  const timeoutMs = options.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS
  const codec = options.codec ?? msgpackCodec
  const id = randomUUID()
  const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4')
  return new Promise<StatusResponse>((resolve, reject) => {
    let done = false
    const finish = (error: Error | null, response?: StatusResponse): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.close()
      if (error) reject(error)
      else resolve(response!)
    }
    const timer = setTimeout(
      () => finish(new StatusTimeoutError(`no status response from ${ip}:${port} within ${timeoutMs} ms`)),
      timeoutMs
    )
    socket.on('error', (error) => finish(new StatusTimeoutError(`status request failed: ${error.message}`)))
    socket.on('message', (bytes, rinfo) => {
      if (rinfo.port !== port || normalizeIp(rinfo.address) !== normalizeIp(ip)) return
      let datagram: Datagram
      try {
        datagram = decodeDatagram(codec, bytes)
      } catch {
        return // garbage is dropped; the timeout still bounds the wait
      }
      if (datagram.command === 'status' || datagram.id !== id) return
      settle(
        { resolve: (response) => finish(null, response), reject: (error) => finish(error) },
        datagram,
        ip,
        port
      )
    })
    // Bind to the loopback/any address of the right family explicitly: never an implicit interface choice.
    socket.bind({ address: family === 6 ? '::' : '0.0.0.0', port: 0 }, () => {
      socket.send(statusRequestDatagram(codec, id), port, ip, (error) => {
        if (error) finish(new StatusTimeoutError(`status request to ${ip}:${port} failed: ${error.message}`))
      })
    })
  })
}
