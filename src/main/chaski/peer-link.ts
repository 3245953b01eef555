// A link as the protocol sees it: the handshake state of one connection (the connect() waiting for it, whether it
// is an automatic reconnection, the version negotiated), the edge it carries once registered, and why it closes.
// Link (link.ts) moves frames; this is what they mean to the node's connections (connections.ts).
import type { Socket } from 'node:net'
import type { Clock } from './clock'
import type { Deadline } from './deadlines'
import type { LinkedEdge } from './linked-edge'
import type { EdgeLink } from './edge-link'
import { Link, LINK_NEXT_FLAG } from './link'
import { OpenRun } from './message-runs'
import type { Removal } from './removal'

/** A connect() waiting for its link's handshake. */
export interface PendingHandshake {
  resolve(edge: LinkedEdge): void
  reject(error: Error): void
}

// PeerLink's booleans, bits of the link's flags.
/** Dialled by the reconnection loop (the handshake says `reconnect: true`). */
const RECONNECT = LINK_NEXT_FLAG
/** The peer's handshake listed 'message-runs'. */
const PEER_RUNS = LINK_NEXT_FLAG << 1
/** An unknown command from this peer was logged. */
const UNKNOWN_COMMAND_LOGGED = LINK_NEXT_FLAG << 2
/** The negotiated version is kept in the flags' bits from here up (0 until the handshake completes). */
const VERSION_SHIFT = 12
const BELOW_VERSION = (1 << VERSION_SHIFT) - 1
if (UNKNOWN_COMMAND_LOGGED > BELOW_VERSION) throw new Error('PeerLink: flag bits overlap the version')

/**
 * What a link keeps only while its handshake is under way: the connect() waiting for it and the handshake deadline
 * (a fractional clock reading: a number object of its own if it were a field of every link).
 */
class HandshakeWait {
  pending: PendingHandshake | null = null
  deadlineAt = 0
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
  /** @internal The node's list of links (ConnectionManager.addLink): its neighbours there. */
  prevLink: PeerLink | null = null
  nextLink: PeerLink | null = null
  private run: OpenRun | null = null
  /** Made when a handshake deadline or waiting connect() is set; dropped once the link is past its handshake. */
  private handshakeWait: HandshakeWait | null = null

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

  /** Negotiated protocol version; 0 until the handshake completes. */
  get version(): number {
    return this.flags >>> VERSION_SHIFT
  }

  /** Set when we know why this link closes; `lost` otherwise. */
  get removal(): Removal | null {
    return this.closeRemoval
  }

  set removal(removal: Removal | null) {
    if (removal !== null || this.closeRemoval !== null) this.seldom.removal = removal
  }

  /** Set on outbound links dialled by the reconnection loop (the handshake says `reconnect: true`). */
  get reconnect(): boolean {
    return (this.flags & RECONNECT) !== 0
  }

  set reconnect(reconnect: boolean) {
    this.flags = reconnect ? this.flags | RECONNECT : this.flags & ~RECONNECT
  }

  /** The peer's handshake listed 'message-runs' (and our codec is the default): set when the handshake completes. */
  get peerRuns(): boolean {
    return (this.flags & PEER_RUNS) !== 0
  }

  set peerRuns(runs: boolean) {
    this.flags = runs ? this.flags | PEER_RUNS : this.flags & ~PEER_RUNS
  }

  /** Outbound links: the connect() waiting for handshake_back. */
  get pendingHandshake(): PendingHandshake | null {
    return this.handshakeWait === null ? null : this.handshakeWait.pending
  }

  set pendingHandshake(pending: PendingHandshake | null) {
    if (pending !== null) {
      ;(this.handshakeWait ??= new HandshakeWait()).pending = pending
    } else if (this.handshakeWait !== null) {
      this.handshakeWait.pending = null
      this.endHandshakeWait()
    }
  }

  /** Handshake deadline (clock ms) while the link is in its connection's DeadlineSweep (0 past the handshake). */
  get deadlineAt(): number {
    return this.handshakeWait === null ? 0 : this.handshakeWait.deadlineAt
  }

  set deadlineAt(at: number) {
    ;(this.handshakeWait ??= new HandshakeWait()).deadlineAt = at
  }

  /** Past the handshake with no connect() waiting: its deadline means nothing any more (onDeadline ignores it). */
  private endHandshakeWait(): void {
    if (this.state !== 'handshaking' && this.handshakeWait?.pending === null) this.handshakeWait = null
  }

  /** The handshake is done: `version` spoken from now on, frames up to `maxFrameSize` accepted. */
  open(version: number, maxFrameSize: number): void {
    this.flags = (this.flags & BELOW_VERSION) | (version << VERSION_SHIFT)
    this.openFrames(maxFrameSize)
    this.endHandshakeWait()
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
    if ((this.flags & UNKNOWN_COMMAND_LOGGED) !== 0) return false
    this.flags |= UNKNOWN_COMMAND_LOGGED
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
    this.endHandshakeWait()
  }
}
