// One connection of a transport (TCP today, TLS over TCP tomorrow): a frame decoder on the read side, per-tick write
// batching on the write side, and a single close path. It knows nothing about commands, edges or the handshake:
// PeerLink (peer-link.ts) adds what the protocol knows about a link, and is what it tells about its frames.
import type { Socket } from 'node:net'
import { systemClock, type Clock, type ClockTimer } from './clock'
import { CLOSE_GRACE_MS, WRITE_BATCH_BYTES, WRITE_HIGH_WATER_BYTES } from './constants'
import type { FrameSink, LinkState } from './edge-link'
import { FRAME_READER_NEXT_FLAG, FrameReader } from './framing'
import type { Removal } from './removal'

export type { LinkState }

// Local copies: hot paths should not go through module-binding getters when run from transpiled sources.
const BATCH_BYTES = WRITE_BATCH_BYTES
const HIGH_WATER_BYTES = WRITE_HIGH_WATER_BYTES

// Link's booleans, bits of FrameReader.flags (one field for all of them).
/** We dialled it. */
const OUTBOUND = FRAME_READER_NEXT_FLAG
/** A batch filled up in this tick: start the next one full-size at once. */
const BURST = FRAME_READER_NEXT_FLAG << 1
/** The end-of-tick flush is scheduled. */
const FLUSH_SCHEDULED = FRAME_READER_NEXT_FLAG << 2
/** The link's state (LinkState) is kept in two bits of the flags from here. */
const STATE_SHIFT = 4
const STATE_BITS = 3 << STATE_SHIFT
const HANDSHAKING = 0
const OPEN = 1 << STATE_SHIFT
const CLOSING = 2 << STATE_SHIFT
const CLOSED = 3 << STATE_SHIFT
/** LinkState by its bits (>>> STATE_SHIFT). */
const STATES: readonly LinkState[] = ['handshaking', 'open', 'closing', 'closed']
/** The first bit of `flags` a Link's subclass may use (peer-link.ts). */
export const LINK_NEXT_FLAG = 1 << (STATE_SHIFT + 2)
if (FLUSH_SCHEDULED >= 1 << STATE_SHIFT) throw new Error('Link: flag bits overlap the state')

/**
 * What a link seldom has: made on first use, as most links never close while their node runs, never wait for
 * 'drain', and are awaited (closed) only when their node stops.
 */
class LinkSeldom {
  graceTimer: ClockTimer | null = null
  drainWaiters: Promise<void> | null = null
  closedPromise: Promise<void> | null = null
  resolveClosed: (() => void) | null = null
  /** Why the link closes, once known (PeerLink.removal). */
  removal: Removal | null = null
}

// Dialled addresses repeat (every link to one host): links keep one string per address, not one per dial.
const dialledIps = new Map<string, string>()

function sharedIp(ip: string): string {
  const known = dialledIps.get(ip)
  if (known !== undefined) return known
  if (dialledIps.size >= 256) dialledIps.clear()
  dialledIps.set(ip, ip)
  return ip
}

/** The 'close' event follows a socket error; the reason stays 'lost' unless already known. One function for all. */
function ignoreSocketError(): void {}

/** The link a socket carries, for the shared socket listeners below. */
const LINK = Symbol('chaski.link')
type LinkedSocket = Socket & { [LINK]: Link }

function onSocketData(this: LinkedSocket, chunk: Buffer): void {
  this[LINK].socketData(chunk)
}

function onSocketClose(this: LinkedSocket): void {
  this[LINK].socketClosed()
}

function flushAtEndOfTick(link: Link): void {
  link.endOfTick()
}

/**
 * What becomes of the frames a link reads. Subclasses (PeerLink) hand them to whoever gives them meaning; the hooks
 * are methods, not a handler object, so a link costs no extra object.
 */
export abstract class Link extends FrameReader implements FrameSink {
  /**
   * The peer's address: on an outbound link the address we dialled (setDialled), on an inbound one read on first
   * use (a getpeername() call most connections never need).
   */
  private peerAddress: string | null = null
  private peerPort = 0
  /**
   * Frames written this tick, encoded straight into one buffer (reserve()) and sent in one write at the end
   * of the tick. A tick's first frame gets a buffer of its own size (a lone ping allocates ~60 bytes); a
   * second frame moves the batch to a full-size buffer, so a burst costs no allocation per frame.
   */
  private batchBuffer: Buffer | null = null
  private batchUsed = 0
  /** Counts the batches that left: an offset into `batch` means something only within its generation. */
  private generation = 0
  private seldomState: LinkSeldom | null = null

  constructor(
    readonly socket: Socket,
    outbound: boolean,
    /** Largest frame accepted before the handshake completes (open() sets the limit for the rest). */
    maxFrameSize: number
  ) {
    super(maxFrameSize)
    if (outbound) this.flags |= OUTBOUND
    socket.setNoDelay(true)
    // The listeners are shared functions that find their link on the socket: no closures per link.
    ;(socket as LinkedSocket)[LINK] = this
    // No 'end' listener: a stream emits no 'data' after EOF, so the reader stops there by itself, and whatever an
    // unfinished frame held is released at 'close', which follows EOF (sockets do not stay half-open). A fourth
    // event name would move the socket's listener table to the next dictionary size (~200 bytes per link).
    socket.on('data', onSocketData)
    socket.on('error', ignoreSocketError)
    socket.on('close', onSocketClose)
  }

  /** handshaking → open → closing → closed (closing may be skipped). */
  get state(): LinkState {
    return STATES[(this.flags & STATE_BITS) >>> STATE_SHIFT]!
  }

  private get stateBits(): number {
    return this.flags & STATE_BITS
  }

  private setState(bits: number): void {
    this.flags = (this.flags & ~STATE_BITS) | bits
  }

  /** We dialled it. */
  get outbound(): boolean {
    return (this.flags & OUTBOUND) !== 0
  }

  protected get seldom(): LinkSeldom {
    return (this.seldomState ??= new LinkSeldom())
  }

  /** Why the link closes, once known (null: not known yet). */
  protected get closeRemoval(): Removal | null {
    return this.seldomState === null ? null : this.seldomState.removal
  }

  /** Resolves when the socket is fully closed. */
  get closed(): Promise<void> {
    const seldom = this.seldom
    if (seldom.closedPromise === null) {
      seldom.closedPromise =
        this.stateBits === CLOSED
          ? Promise.resolve()
          : new Promise<void>((resolve) => (seldom.resolveClosed = resolve))
    }
    return seldom.closedPromise
  }

  /** The peer's address: as dialled (outbound), as the socket sees it (inbound; '' once gone without having been asked). */
  get remoteAddress(): string {
    if (this.peerAddress === null) this.readPeer()
    return this.peerAddress!
  }

  get remotePort(): number {
    if (this.peerAddress === null) this.readPeer()
    return this.peerPort
  }

  /**
   * Outbound links: the address we dialled, as we dialled it. It is what `remoteAddress` / `remotePort` say, and
   * what a reconnection may dial again: never the address the peer claims in its handshake.
   */
  setDialled(ip: string, port: number): void {
    this.peerAddress = sharedIp(ip)
    this.peerPort = port
  }

  private readPeer(): void {
    this.peerAddress = this.socket.remoteAddress ?? ''
    this.peerPort = this.socket.remotePort ?? 0
  }

  /** Whose time the close grace period runs on (PeerLink: its node's clock). */
  protected get clock(): Clock {
    return systemClock
  }

  /** Frames whose topic this returns false for are skipped unread. */
  abstract override acceptTopic(topic: string): boolean
  /** A complete frame: its body is bytes [start, end) of `buf`, a received chunk (decode it before returning). */
  abstract override onFrameAt(topic: string, buf: Buffer, start: number, end: number): void
  /** A frame could not be decoded or validated (whatever onFrame threw): the link must be closed. */
  protected abstract onBadFrame(error: Error): void
  /**
   * The link holds `delta` more (or fewer) bytes of unfinished frames (node-wide budgets, docs/PROTOCOL.md §10).
   * Reported before open() for bytes held before the handshake, after it for the rest.
   */
  protected abstract onHeldBytes(delta: number): void
  /** The socket is fully closed (exactly once). */
  protected abstract onClosed(): void

  /**
   * The handshake is done: frames up to `maxFrameSize` are accepted from now on, and the bytes this link holds in
   * unfinished frames count against the node's budget for established links (re-reported after this frame).
   */
  protected openFrames(maxFrameSize: number): void {
    const held = this.takeReported()
    if (held !== 0) this.onHeldBytes(-held)
    this.setState(OPEN)
    this.frameLimit = maxFrameSize
  }

  /** Stops decoding for good (EOF, close, drop): later bytes are ignored, held bytes released. */
  discardInput(): void {
    this.stopReading()
  }

  get isOpen(): boolean {
    const state = this.stateBits
    return state === OPEN || state === HANDSHAKING
  }

  // ------------------------------------------------------------------------------------------------------
  // Write side

  /** Queues an encoded frame; frames queued in the same tick leave in one write. */
  send(frame: Buffer): boolean {
    if (this.batchBuffer === null && this.writable) {
      // A tick's first frame is adopted as the batch, not copied. reserve() never writes past batchUsed in a
      // buffer it did not allocate: a second frame always moves the batch to a new buffer.
      this.batchBuffer = frame
      this.batchUsed = frame.length
      this.scheduleFlush()
      if (frame.length >= BATCH_BYTES) this.flush()
      return true
    }
    const at = this.reserve(frame.length)
    if (at < 0) return false
    this.batchBuffer!.set(frame, at)
    return true
  }

  /**
   * Room for a frame of `size` bytes at the end of this tick's batch: returns its offset in `batch`, or -1 when
   * the link can no longer write. The caller fills exactly those bytes at once (envelope-encoder.ts).
   */
  reserve(size: number): number {
    if (!this.writable) return -1
    let buf = this.batchBuffer
    const used = this.batchUsed
    if (buf === null) {
      buf = Buffer.allocUnsafe((this.flags & BURST) !== 0 ? Math.max(size, BATCH_BYTES) : size)
      this.batchBuffer = buf
      this.scheduleFlush()
    } else if (used + size > buf.length) {
      if (used + size > BATCH_BYTES) {
        // Full: this batch leaves now, the rest of the tick goes into a new full-size one.
        this.flush()
        this.flags |= BURST
        return this.reserve(size)
      }
      const grown = Buffer.allocUnsafe(BATCH_BYTES)
      buf.copy(grown, 0, 0, used)
      this.batchBuffer = grown
    }
    this.batchUsed = used + size
    return used
  }

  /** The buffer reserve() returned an offset into (valid until the next reserve() or send()). */
  get batch(): Buffer {
    return this.batchBuffer!
  }

  /** The current batch's generation and end: what extendBatch() needs to know nothing was queued since. */
  get batchGeneration(): number {
    return this.generation
  }

  get batchEnd(): number {
    return this.batchUsed
  }

  /**
   * Grows the batch's last reservation, which ended at `end` in batch `generation`, by `size` bytes in place (a
   * frame that takes more content: message-runs.ts). Returns the offset of the new bytes, or -1 when anything was
   * queued after it, the batch left, or the batch would pass its full size: the caller then reserves anew.
   */
  extendBatch(generation: number, end: number, size: number): number {
    if (generation !== this.generation || end !== this.batchUsed || this.batchBuffer === null) return -1
    if (end + size > BATCH_BYTES || !this.writable) return -1
    return this.reserve(size)
  }

  /** Writes this tick's batch now (handshakes do, so the peer's connect() is not delayed by our listeners). */
  flush(): void {
    const buf = this.batchBuffer
    if (buf === null) return
    const used = this.batchUsed
    this.batchBuffer = null
    this.batchUsed = 0
    this.generation++
    if (!this.writable) return
    this.socket.write(used === buf.length ? buf : buf.subarray(0, used))
  }

  /** The end of the tick in which frames were queued (process.nextTick). */
  endOfTick(): void {
    this.flags &= ~(FLUSH_SCHEDULED | BURST)
    this.flush()
  }

  private scheduleFlush(): void {
    if ((this.flags & FLUSH_SCHEDULED) !== 0) return
    this.flags |= FLUSH_SCHEDULED
    process.nextTick(flushAtEndOfTick, this)
  }

  private get writable(): boolean {
    return this.stateBits !== CLOSED && !this.socket.destroyed && this.socket.writable
  }

  /** True when the socket buffers more than the high-water mark (publish() then waits for 'drain'). */
  get congested(): boolean {
    return this.socket.writableLength + this.batchUsed > HIGH_WATER_BYTES
  }

  waitDrain(): Promise<void> {
    if (!this.congested || this.stateBits === CLOSED) return Promise.resolve()
    const seldom = this.seldom
    seldom.drainWaiters ??= new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done)
        this.socket.off('close', done)
        seldom.drainWaiters = null
        resolve()
      }
      this.socket.on('drain', done)
      this.socket.on('close', done)
    })
    return seldom.drainWaiters
  }

  // ------------------------------------------------------------------------------------------------------
  // Closing

  /**
   * Graceful close: optional last frame (the `close` command), then FIN. The peer closes its side when it
   * reads it; after a short grace period the socket is destroyed anyway. Resolves when fully closed.
   */
  protected end(lastFrame: Buffer | null): Promise<void> {
    if (this.stateBits >= CLOSING) return this.closed
    this.setState(CLOSING)
    if (lastFrame) this.send(lastFrame)
    this.flush()
    this.socket.end()
    this.seldom.graceTimer = this.clock.setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
    return this.closed
  }

  /** Immediate close (bad frame, peer said close, stop grace over). */
  protected abort(): void {
    if (this.stateBits === CLOSED) return
    this.setState(CLOSING)
    this.discardInput()
    this.socket.destroy()
  }

  // ------------------------------------------------------------------------------------------------------
  // Read side (the FrameReader this link is)

  /** FrameReader: bytes held in unfinished frames changed (said after each chunk). */
  protected override heldChanged(delta: number): void {
    this.onHeldBytes(delta)
  }

  /** @internal The socket's 'data' (onSocketData). */
  socketData(chunk: Buffer): void {
    if (this.stateBits === CLOSED) return
    try {
      this.readChunk(chunk)
    } catch (error) {
      this.onBadFrame(error instanceof Error ? error : new Error(String(error)))
    }
  }

  /** @internal The socket's 'close' (onSocketClose). */
  socketClosed(): void {
    if (this.stateBits === CLOSED) return
    this.setState(CLOSED)
    this.batchBuffer = null
    this.batchUsed = 0
    this.generation++
    this.discardInput()
    const seldom = this.seldomState
    if (seldom?.graceTimer) this.clock.clearTimeout(seldom.graceTimer)
    if (seldom !== null) seldom.graceTimer = null
    this.onClosed()
    this.seldomState?.resolveClosed?.()
  }
}
