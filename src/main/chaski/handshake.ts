// Handshake rules that need no sockets (spec §3, docs/PROTOCOL.md "Handshake" and "Duplicate links"). The state
// of a link's handshake is on PeerLink (peer-link.ts); the handshake frames are commands/handshake*.ts.
import { systemClock, type Clock } from './clock'
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from './constants'

/**
 * Version negotiation: both sides send the range they speak (vmin..v); the link uses the highest version in
 * both ranges. null: no common version (the link is closed with reason 'version').
 */
export function negotiateVersion(
  peer: { v: number; vmin: number },
  ours: { v: number; vmin: number } = { v: PROTOCOL_VERSION, vmin: MIN_PROTOCOL_VERSION }
): number | null {
  const high = Math.min(peer.v, ours.v)
  const low = Math.max(peer.vmin, ours.vmin)
  return high >= low ? high : null
}

/**
 * Two links to the same peer (both sides dialled at once, or a reconnection over a half-open link):
 * both sides keep the same one. A link opened again by the same initiator replaces the old one;
 * otherwise the link initiated by the lower node id wins.
 */
export function keepNewLink(
  selfId: string,
  peerId: string,
  existingOutbound: boolean,
  newOutbound: boolean
): boolean {
  const existingInitiator = existingOutbound ? selfId : peerId
  const newInitiator = newOutbound ? selfId : peerId
  if (existingInitiator === newInitiator) return true
  const winner = selfId < peerId ? selfId : peerId
  return newInitiator === winner
}

/** Peers we closed deliberately: their automatic reconnections are refused for a while (spec §3 Ours). */
export class ClosedPeers {
  /** Made on the first deliberate close: most nodes never close anyone. */
  private until: Map<string, number> | null = null

  constructor(
    private readonly ttlMs: number,
    private readonly maxSize: number,
    private readonly clock: Clock = systemClock
  ) {}

  remember(peerId: string): void {
    const until = (this.until ??= new Map())
    until.delete(peerId)
    until.set(peerId, this.clock.now() + this.ttlMs)
    if (until.size > this.maxSize) {
      const oldest = until.keys().next().value
      if (oldest !== undefined) until.delete(oldest)
    }
  }

  forget(peerId: string): void {
    this.until?.delete(peerId)
  }

  has(peerId: string): boolean {
    const until = this.until?.get(peerId)
    if (until === undefined) return false
    if (until < this.clock.now()) {
      this.until!.delete(peerId)
      return false
    }
    return true
  }
}
