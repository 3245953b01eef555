// The secure transport (protocol version 2, docs/PROTOCOL.md "Secure links"): TCP underneath, TLS 1.3 on top, each
// side presenting a self-signed certificate of its node key (security/tls-link.ts). It dials like tcpTransport and
// then runs the TLS handshake within the handshake timeout; inbound connections are handed over raw (the node's
// pending-connection limits count them first) and upgraded by upgradeInbound(), which tells TLS from a plaintext
// (version 1) peer by its first byte. The peer id the key proves is what peerKey() returns: the handshake refuses a
// peer whose claimed id is another one.
import type net from 'node:net'
import type { Clock } from './clock'
import type { DeadlineSweep } from './deadlines'
import {
  createTlsCredentials,
  secureAccept,
  secureDial,
  sniffConnection,
  type NodeKey,
  type TlsCredentials,
  type VerifiedTlsLink
} from './security/index'
import {
  tcpTransport,
  type DialOptions,
  type DialOutcome,
  type Dialling,
  type InboundUpgrade,
  type ListenerOwner,
  type Transport,
  type TransportListener
} from './transport'

/** Verified peers by the TLS socket their frames travel on (gone with the socket). */
const verified = new WeakMap<net.Socket, VerifiedTlsLink>()

/** The verified TLS link a socket carries, or undefined for a plaintext one. */
export function verifiedLinkOf(socket: net.Socket): VerifiedTlsLink | undefined {
  return verified.get(socket)
}

/** A TCP dial followed by the TLS handshake; abort() gives up either stage. */
class TlsDial implements Dialling {
  private tcp: Dialling | null
  private readonly controller = new AbortController()
  private aborted = false

  constructor(
    credentials: TlsCredentials,
    ip: string,
    port: number,
    timeoutMs: number,
    sweep: DeadlineSweep,
    outcome: DialOutcome,
    options: DialOptions,
    clock: Clock
  ) {
    this.tcp = tcpTransport.dial(
      ip,
      port,
      timeoutMs,
      sweep,
      {
        connected: (socket) => {
          this.tcp = null
          secureDial(socket, credentials, {
            timeoutMs: options.handshakeTimeoutMs,
            signal: this.controller.signal,
            expectedPeerId: options.expectedPeerId,
            clock
          }).then(
            (link) => {
              if (this.aborted) return void link.socket.destroy()
              verified.set(link.socket, link)
              outcome.connected(link.socket)
            },
            (error: Error) => {
              if (!this.aborted) outcome.failed(error)
            }
          )
        },
        failed: (error) => {
          this.tcp = null
          outcome.failed(error)
        }
      },
      options
    )
  }

  abort(): void {
    this.aborted = true
    this.tcp?.abort()
    this.controller.abort(new Error('node stopped'))
  }
}

/** A transport whose every link is TLS 1.3 with the node's key; made per node (it holds the node's credentials). */
export class TlsTransport implements Transport {
  readonly name = 'tls'
  readonly secure = true
  private credentials: TlsCredentials | null = null

  constructor(
    private readonly key: NodeKey,
    /** The node's clock: it bounds the TLS handshakes (and the wait for an accepted peer's first byte). */
    private readonly clock: Clock
  ) {}

  /** Makes the certificate and the TLS context (once, before the node listens: a few milliseconds). */
  async prepare(): Promise<void> {
    this.credentials ??= await createTlsCredentials(this.key)
  }

  private get ready(): TlsCredentials {
    if (this.credentials === null) throw new Error('TlsTransport used before prepare()')
    return this.credentials
  }

  listen(ip: string, port: number, owner: ListenerOwner): Promise<TransportListener | null> {
    return tcpTransport.listen(ip, port, owner)
  }

  dial(
    ip: string,
    port: number,
    timeoutMs: number,
    sweep: DeadlineSweep,
    outcome: DialOutcome,
    options: DialOptions
  ): Dialling {
    return new TlsDial(this.ready, ip, port, timeoutMs, sweep, outcome, options, this.clock)
  }

  async upgradeInbound(socket: net.Socket, timeoutMs: number, signal: AbortSignal): Promise<InboundUpgrade> {
    const clock = this.clock
    const started = clock.now()
    const kind = await sniffConnection(socket, timeoutMs, clock)
    if (kind === 'plaintext') return { socket, secure: false }
    const link = await secureAccept(socket, this.ready, {
      timeoutMs: Math.max(1, timeoutMs - (clock.now() - started)),
      signal,
      clock
    })
    verified.set(link.socket, link)
    return { socket: link.socket, secure: true }
  }

  peerKey(socket: net.Socket): string | null {
    return verified.get(socket)?.peerId ?? null
  }
}
