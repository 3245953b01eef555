// What the parts of a node may do with the link that carries an edge (edge.link): queue frames, wait for the
// socket to drain, close it. The link's class (peer-link.ts) knows its edge; the edge knows its link only through
// this interface, so neither module imports the other.
import type { OpenRun, RunSink } from './message-runs'
import type { Removal } from './removal'

export type LinkState = 'handshaking' | 'open' | 'closing' | 'closed'

/** Somewhere frames are queued: a link's write batch (link.ts). */
export interface FrameSink {
  readonly state: LinkState
  /** Queues an encoded frame; false when the link can no longer write. */
  send(frame: Buffer): boolean
  /** Room for a frame of `size` bytes in this tick's batch: its offset in `batch`, or -1 when closed. */
  reserve(size: number): number
  /** The buffer reserve() returned an offset into. */
  readonly batch: Buffer
}

export interface EdgeLink extends FrameSink, RunSink {
  /** The peer lists the 'message-runs' feature: messages go to it in runs (message-runs.ts). */
  readonly peerRuns: boolean
  /** The run this link is filling (made on first use). */
  openRun(): OpenRun
  /** We dialled it. */
  readonly outbound: boolean
  /** The peer's address: as dialled (outbound), as the socket sees it (inbound). */
  readonly remoteAddress: string
  readonly remotePort: number
  /** The socket buffers more than the high-water mark. */
  readonly congested: boolean
  waitDrain(): Promise<void>
  /** Graceful close: `lastFrame` (a `close` command) then FIN. */
  close(lastFrame: Buffer | null, removal: Removal): Promise<void>
  /** Immediate close. */
  destroy(removal: Removal): void
}
