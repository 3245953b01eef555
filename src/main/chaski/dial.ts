// Dialling a peer's listening address (spec §3): one TCP connect, bounded by the connect timeout through the
// node's DeadlineSweep (no timer per attempt). The handshake that follows belongs to ConnectionManager.
import net from 'node:net'
import { formatAddress } from './address'
import type { Deadline, DeadlineSweep } from './deadlines'
import { ConnectTimeoutError, NodeStoppedError, PeerUnreachableError } from './errors'

export interface DialOutcome {
  /** The TCP connection is open; the socket's 'error' and 'close' listeners are left to the new owner. */
  connected(socket: net.Socket): void
  failed(error: Error): void
}

export class TcpDial implements Deadline {
  deadlineAt = 0
  readonly socket: net.Socket
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
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.fail(new PeerUnreachableError(`cannot reach ${this.address}: ${error.code ?? error.message}`))
    )
    socket.on('close', () => this.fail(new NodeStoppedError('connection attempt aborted')))
    sweep.add(this, timeoutMs)
  }

  private get address(): string {
    return formatAddress(this.ip, this.port)
  }

  /** Deadline: the TCP connect took too long. */
  onDeadline(): void {
    this.fail(new ConnectTimeoutError(`TCP connect to ${this.address} timed out after ${this.timeoutMs} ms`))
  }

  // An arrow property: the listener to remove once connected (the socket outlives this dial).
  private readonly onConnect = (): void => {
    if (this.settled) return
    this.settled = true
    this.sweep.delete(this)
    const socket = this.socket
    socket.off('connect', this.onConnect)
    socket.removeAllListeners('error')
    socket.removeAllListeners('close')
    this.outcome.connected(socket)
  }

  private fail(error: Error): void {
    if (this.settled) return
    this.settled = true
    this.sweep.delete(this)
    this.socket.destroy()
    this.outcome.failed(error)
  }
}
