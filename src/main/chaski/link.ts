// One TCP connection: a frame decoder on the read side, per-tick write batching on the write side, and a
// single close path. It knows nothing about commands; ChaskiNode (and the handshake) give it meaning.
import type { Socket } from 'node:net'
import { CLOSE_GRACE_MS, WRITE_BATCH_BYTES, WRITE_HIGH_WATER_BYTES } from './constants'
import type { Edge } from './edge'
import type { RemovalReason } from './events'
import { FrameDecoder } from './framing'
import type { HandshakeData } from './messages'

export interface LinkHandler {
  acceptTopic(link: Link, topic: string): boolean
  onFrame(link: Link, topic: string, body: Buffer): void
  /** A frame could not be decoded or validated; the link must be closed. */
  onBadFrame(link: Link, error: Error): void
  /** The socket is fully closed (exactly once). */
  onClose(link: Link): void
}

export type LinkState = 'handshaking' | 'open' | 'closing' | 'closed'

export interface PendingHandshake {
  resolve(edge: Edge): void
  reject(error: Error): void
}

// Local copies: hot paths should not go through module-binding getters when run from transpiled sources.
const BATCH_BYTES = WRITE_BATCH_BYTES
const HIGH_WATER_BYTES = WRITE_HIGH_WATER_BYTES

function flushLink(link: Link): void {
  link.flush()
}

export class Link {
  state: LinkState = 'handshaking'
  /** The registered edge this link carries (null while handshaking or after losing a duplicate race). */
  edge: Edge | null = null
  /** The peer's handshake, once received. */
  peer: HandshakeData | null = null
  /** Negotiated protocol version. */
  version = 0
  /** Set when we know why this link closes; `lost` otherwise. */
  removal: { reason: RemovalReason; detail?: string } | null = null
  /** Outbound links wait here for handshake_back. */
  pendingHandshake: PendingHandshake | null = null
  handshakeTimer: NodeJS.Timeout | null = null
  /** Set on outbound links dialled by the reconnection loop. */
  reconnect = false
  readonly remoteAddress: string
  readonly remotePort: number
  readonly closed: Promise<void>
  private readonly decoder: FrameDecoder
  private pending: Buffer[] | null = null
  private pendingBytes = 0
  private flushScheduled = false
  private graceTimer: NodeJS.Timeout | null = null
  private drainWaiters: Promise<void> | null = null
  private resolveClosed!: () => void
  private unknownCommandLogged = false

  constructor(
    readonly socket: Socket,
    readonly outbound: boolean,
    private readonly handler: LinkHandler,
    maxFrameSize: number
  ) {
    this.remoteAddress = socket.remoteAddress ?? ''
    this.remotePort = socket.remotePort ?? 0
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve))
    this.decoder = new FrameDecoder(
      {
        acceptTopic: (topic) => handler.acceptTopic(this, topic),
        onFrame: (topic, body) => handler.onFrame(this, topic, body)
      },
      { maxFrameSize }
    )
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    // A reader stops at EOF: nothing after it is decoded.
    socket.on('end', () => this.decoder.destroy())
    socket.on('error', () => {
      // The 'close' event follows; the reason stays 'lost' unless already known.
    })
    socket.on('close', () => this.onSocketClose())
  }

  get isOpen(): boolean {
    return this.state === 'open' || this.state === 'handshaking'
  }

  /** True once per link, so a misbehaving peer cannot flood the log. */
  shouldLogUnknownCommand(): boolean {
    if (this.unknownCommandLogged) return false
    this.unknownCommandLogged = true
    return true
  }

  /** Queues a frame; frames queued in the same tick leave in one write. */
  send(frame: Buffer): boolean {
    if (this.state === 'closed' || this.socket.destroyed || !this.socket.writable) return false
    if (this.pending === null) this.pending = [frame]
    else this.pending.push(frame)
    this.pendingBytes += frame.length
    if (this.pendingBytes >= BATCH_BYTES) {
      this.flush()
    } else if (!this.flushScheduled) {
      this.flushScheduled = true
      process.nextTick(flushLink, this)
    }
    return true
  }

  flush(): void {
    this.flushScheduled = false
    const pending = this.pending
    if (pending === null) return
    this.pending = null
    const bytes = this.pendingBytes
    this.pendingBytes = 0
    if (this.socket.destroyed || !this.socket.writable) return
    this.socket.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending, bytes))
  }

  /** True when the socket buffers more than the high-water mark (publish() then waits for 'drain'). */
  get congested(): boolean {
    return this.socket.writableLength + this.pendingBytes > HIGH_WATER_BYTES
  }

  waitDrain(): Promise<void> {
    if (!this.congested || this.state === 'closed') return Promise.resolve()
    this.drainWaiters ??= new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done)
        this.socket.off('close', done)
        this.drainWaiters = null
        resolve()
      }
      this.socket.on('drain', done)
      this.socket.on('close', done)
    })
    return this.drainWaiters
  }

  /**
   * Graceful close: optional last frame (the `close` command), then FIN. The peer closes its side when it
   * reads it; after a short grace period the socket is destroyed anyway. Resolves when fully closed.
   */
  close(lastFrame: Buffer | null, removal: { reason: RemovalReason; detail?: string }): Promise<void> {
    if (this.removal === null) this.removal = removal
    if (this.state === 'closed') return this.closed
    if (this.state === 'closing') return this.closed
    this.state = 'closing'
    this.clearHandshakeTimer()
    if (lastFrame) this.send(lastFrame)
    this.flush()
    this.socket.end()
    this.graceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
    return this.closed
  }

  /** Immediate close (bad frame, peer said close, stop grace over). */
  destroy(removal: { reason: RemovalReason; detail?: string }): void {
    if (this.removal === null) this.removal = removal
    if (this.state === 'closed') return
    this.state = 'closing'
    this.clearHandshakeTimer()
    this.decoder.destroy()
    this.socket.destroy()
  }

  clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer)
    this.handshakeTimer = null
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return
    try {
      this.decoder.push(chunk)
    } catch (error) {
      this.handler.onBadFrame(this, error instanceof Error ? error : new Error(String(error)))
    }
  }

  private onSocketClose(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.pending = null
    this.pendingBytes = 0
    this.decoder.destroy()
    this.clearHandshakeTimer()
    if (this.graceTimer) clearTimeout(this.graceTimer)
    this.graceTimer = null
    this.handler.onClose(this)
    this.resolveClosed()
  }
}
