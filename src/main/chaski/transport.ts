// The transport seam: how a node listens for and opens the connections its links run over. TCP is the first
// implementation (tcpTransport); link security (TLS over TCP) is meant to be a second one, whose verified peer key
// the handshake reads through peerKey(). A transport hands over a socket once it can carry frames; everything from
// the first frame on (framing, batching, the handshake) is the same whatever the transport.
import net from 'node:net'
import { formatAddress } from './address'
import { LISTEN_BACKLOG } from './constants'
import type { Deadline, DeadlineSweep } from './deadlines'
import { ConnectTimeoutError, ListenError, NodeStoppedError, PeerUnreachableError } from './errors'

/** A listening transport endpoint. */
export interface TransportListener {
  readonly port: number
  readonly listening: boolean
  close(): Promise<void>
}

/**
 * Who a listener hands its accepted connections and its errors to (the node): methods, not two closures per node.
 * The server's listeners are shared functions that find their owner on the server (LISTENER_OWNER).
 */
export interface ListenerOwner {
  acceptConnection(socket: net.Socket): void
  listenerError(error: Error): void
}

const LISTENER_OWNER = Symbol('chaski.listenerOwner')
type OwnedServer = net.Server & { [LISTENER_OWNER]: ListenerOwner }

function onServerConnection(this: OwnedServer, socket: net.Socket): void {
  this[LISTENER_OWNER].acceptConnection(socket)
}

function onServerError(this: OwnedServer, error: Error): void {
  this[LISTENER_OWNER].listenerError(error)
}

export interface DialOutcome {
  /** The connection can carry frames; the socket's 'error' and 'close' listeners are left to the new owner. */
  connected(socket: net.Socket): void
  failed(error: Error): void
}

/** What a dial knows beyond the address. */
export interface DialOptions {
  /** Bound on a secure transport's handshake (TLS) after the connect. */
  handshakeTimeoutMs: number
  /**
   * The id the dial is for (a reconnection, a pinned peer): a secure transport refuses a peer proving another key
   * (IdentityMismatchError) before any frame is sent. Plain TCP cannot check it.
   */
  expectedPeerId?: string
}

/** An accepted connection once its transport set it up (upgradeInbound). */
export interface InboundUpgrade {
  /** The socket frames travel on (a TLS socket when `secure`). */
  socket: net.Socket
  /** False: the peer spoke plaintext (a protocol version 1 node); the node decides whether to keep it. */
  secure: boolean
}

/** A dial in progress. */
export interface Dialling {
  /** Gives up the attempt (the node stops); the outcome is not called. */
  abort(): void
}

export interface Transport {
  /** 'tcp' or 'tls'. */
  readonly name: string
  /** True when every link it makes is encrypted and proves the peer's key (peerKey). */
  readonly secure: boolean
  /** Work before listening (a secure transport makes its certificate). */
  prepare?(): Promise<void>
  /**
   * Listens on ip:port (0: any free port) with a deep accept backlog. Resolves with the listener, or null when the
   * port is taken (the caller tries another); rejects with ListenError for any other reason.
   */
  listen(ip: string, port: number, owner: ListenerOwner): Promise<TransportListener | null>
  /** Opens a connection to ip:port within timeoutMs (through `sweep`, one timer for many dials). */
  dial(
    ip: string,
    port: number,
    timeoutMs: number,
    sweep: DeadlineSweep,
    outcome: DialOutcome,
    options: DialOptions
  ): Dialling
  /**
   * Sets up an accepted connection (counted by the node's pending-connection limits meanwhile) within timeoutMs;
   * absent: the accepted socket carries frames as it is. Rejects when the setup fails (the socket is destroyed).
   */
  upgradeInbound?(socket: net.Socket, timeoutMs: number, signal: AbortSignal): Promise<InboundUpgrade>
  /** The node id the key the transport verified for the peer of this socket proves (TLS), or null (plain TCP). */
  peerKey(socket: net.Socket): string | null
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

class TcpListener implements TransportListener {
  constructor(
    private readonly server: net.Server,
    readonly port: number
  ) {}

  get listening(): boolean {
    return this.server.listening
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve()
      this.server.close(() => resolve())
    })
  }
}

/** One TCP connect, bounded by the connect timeout through a DeadlineSweep (no timer per attempt). */
class TcpDial implements Deadline, Dialling {
  deadlineAt = 0
  private readonly socket: net.Socket
  private settled = false

  constructor(
    private readonly ip: string,
    private readonly port: number,
    private readonly timeoutMs: number,
    private readonly sweep: DeadlineSweep,
    private readonly outcome: DialOutcome
  ) {
    const socket = net.connect({ host: ip, port, noDelay: true })
    this.socket = socket
    // Plain listeners, not once(): `settled` makes each fire at most once, and once() builds a wrapper per call.
    socket.on('connect', this.onConnect)
    socket.on('error', this.onError)
    socket.on('close', this.onClose)
    sweep.add(this, timeoutMs)
  }

  private get address(): string {
    return formatAddress(this.ip, this.port)
  }

  abort(): void {
    this.settled = true
    this.sweep.delete(this)
    this.socket.destroy()
  }

  /** Deadline: the TCP connect took too long. */
  onDeadline(): void {
    this.fail(new ConnectTimeoutError(`TCP connect to ${this.address} timed out after ${this.timeoutMs} ms`))
  }

  // Arrow properties: the listeners to remove once connected (the socket outlives this dial). Each is removed with
  // off(), not removeAllListeners(): a stream's listener table has slots for 'error' and 'close' that off() empties,
  // while removeAllListeners() deletes them and turns the table into a dictionary (~450 bytes per link, for good).
  private readonly onConnect = (): void => {
    if (this.settled) return
    this.settled = true
    this.sweep.delete(this)
    const socket = this.socket
    socket.off('connect', this.onConnect)
    socket.off('error', this.onError)
    socket.off('close', this.onClose)
    this.outcome.connected(socket)
  }

  private readonly onError = (error: NodeJS.ErrnoException): void => {
    this.fail(new PeerUnreachableError(`cannot reach ${this.address}: ${error.code ?? error.message}`))
  }

  private readonly onClose = (): void => {
    this.fail(new NodeStoppedError('connection attempt aborted'))
  }

  private fail(error: Error): void {
    if (this.settled) return
    this.settled = true
    this.sweep.delete(this)
    this.socket.destroy()
    this.outcome.failed(error)
  }
}

/** Plain TCP (spec §1): the transport of protocol version 1. Stateless: one object for every node. */
export const tcpTransport: Transport = {
  name: 'tcp',
  secure: false,
  listen(ip, port, owner) {
    const server = net.createServer({ noDelay: true }, onServerConnection) as OwnedServer
    server[LISTENER_OWNER] = owner
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => {
        server.off('listening', listening)
        server.close()
        if (code(error) === 'EADDRINUSE') resolve(null)
        else reject(new ListenError(`cannot listen on TCP ${formatAddress(ip, port)}: ${error.message}`))
      }
      const listening = (): void => {
        server.off('error', failed)
        server.on('error', onServerError)
        resolve(new TcpListener(server, (server.address() as net.AddressInfo).port))
      }
      server.once('error', failed)
      server.once('listening', listening)
      // A deep backlog: a hub accepting a burst of connects must not drop SYNs (constants.ts, LISTEN_BACKLOG).
      server.listen({ host: ip, port, exclusive: true, backlog: LISTEN_BACKLOG })
    })
  },
  dial: (ip, port, timeoutMs, sweep, outcome) => new TcpDial(ip, port, timeoutMs, sweep, outcome),
  peerKey: () => null
}
