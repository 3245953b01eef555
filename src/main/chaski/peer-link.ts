// A link as the protocol sees it: the handshake state of one connection (the connect() waiting for it, whether it
// is an automatic reconnection, the version negotiated), the edge it carries once registered, and why it closes.
// Link (link.ts) moves frames; this is what they mean to the node's connections (connections.ts).
import type { Socket } from 'node:net'
import type { Clock } from './clock'
import type { Deadline } from './deadlines'
import type { LinkedEdge } from './linked-edge'
import type { EdgeLink } from './edge-link'
import { Link } from './link'
import { OpenRun } from './message-runs'
import type { Removal } from './removal'

/** A connect() waiting for its link's handshake. */
export interface PendingHandshake {
  resolve(edge: LinkedEdge): void
  reject(error: Error): void
}

/** Who receives what a PeerLink reads (the node's ConnectionManager). */
export interface PeerLinkOwner {
  /** The node's clock (the close grace period runs on it). */
  readonly clock: Clock
  acceptTopic(link: PeerLink, topic: string): boolean
  /** A frame whose body is bytes [start, end) of `buf` (link.ts onFrameAt). */
  onFrame(link: PeerLink, topic: string, buf: Buffer, start: number, end: number): void
  /** A frame could not be decoded or validated; the link must be closed. */
  onBadFrame(link: PeerLink, error: Error): void
  /** The handshake did not complete within its deadline. */
  onHandshakeDeadline(link: PeerLink): void
  /** Bytes held in unfinished frames changed (before the handshake while `version` is 0). */
  onHeldBytes(link: PeerLink, delta: number): void
  /** The socket is fully closed (exactly once). */
  onClose(link: PeerLink): void
}

export class PeerLink extends Link implements EdgeLink, Deadline {
  /** The registered edge this link carries (null while handshaking or after losing a duplicate race). */
  edge: LinkedEdge | null = null
  /** Negotiated protocol version; 0 until the handshake completes. */
  version = 0
  /** Set when we know why this link closes; `lost` otherwise. */
  removal: Removal | null = null
  /** Outbound links: the connect() waiting for handshake_back. */
  pendingHandshake: PendingHandshake | null = null
  /** Handshake deadline (clock ms) while the link is in its connection's DeadlineSweep. */
  deadlineAt = 0
  /** Set on outbound links dialled by the reconnection loop (the handshake says `reconnect: true`). */
  reconnect = false
  /** The peer's handshake listed 'message-runs' (and our codec is the default): set when the handshake completes. */
  peerRuns = false
  /** @internal The node's list of links (ConnectionManager.addLink): its neighbours there. */
  prevLink: PeerLink | null = null
  nextLink: PeerLink | null = null
  private run: OpenRun | null = null
  private unknownCommandLogged = false

  constructor(
    socket: Socket,
    outbound: boolean,
    private readonly owner: PeerLinkOwner,
    /** Largest frame accepted before the handshake completes. */
    maxFrameSize: number
  ) {
    super(socket, outbound, maxFrameSize)
  }

  protected override get clock(): Clock {
    return this.owner.clock
  }

  /** The handshake is done: `version` spoken from now on, frames up to `maxFrameSize` accepted. */
  open(version: number, maxFrameSize: number): void {
    this.version = version
    this.openFrames(maxFrameSize)
  }

  /** Graceful close: `lastFrame` (a `close` command), then FIN; `removal` says why (the first reason given wins). */
  close(lastFrame: Buffer | null, removal: Removal): Promise<void> {
    if (this.removal === null) this.removal = removal
    return this.end(lastFrame)
  }

  /** Immediate close (bad frame, the peer said close, a duplicate lost). */
  destroy(removal: Removal): void {
    if (this.removal === null) this.removal = removal
    this.abort()
  }

  /** True once per link, so a misbehaving peer cannot flood the log with unknown commands. */
  shouldLogUnknownCommand(): boolean {
    if (this.unknownCommandLogged) return false
    this.unknownCommandLogged = true
    return true
  }

  /** Deadline: the handshake did not complete in time. */
  onDeadline(): void {
    if (this.state === 'handshaking') this.owner.onHandshakeDeadline(this)
  }

  acceptTopic(topic: string): boolean {
    return this.owner.acceptTopic(this, topic)
  }

  openRun(): OpenRun {
    return (this.run ??= new OpenRun())
  }

  onFrameAt(topic: string, buf: Buffer, start: number, end: number): void {
    this.owner.onFrame(this, topic, buf, start, end)
  }

  protected onBadFrame(error: Error): void {
    this.owner.onBadFrame(this, error)
  }

  protected onHeldBytes(delta: number): void {
    this.owner.onHeldBytes(this, delta)
  }

  protected onClosed(): void {
    this.owner.onClose(this)
  }
}
