// Trust policy `approve` (issue #13, docs/PROTOCOL.md §3a "Approve"): a peer whose key the user has not accepted
// waits as a *pending peer*, its link held after TLS and the identity check with no edge and no data, until the user
// accepts or rejects it (or the deadline passes). Both ends show a comparison code from a commit-then-reveal exchange
// (security/comparison-code.ts): the side that holds first commits to a nonce, the other answers with its own, the
// committer reveals. A link opens on each side once that side admits the peer (its user accepted it, or its policy
// admits it) and the peer admits it (it said so with `approve_accept`, or never held it).
// ConnectionManager owns the links and calls in at three points: before the dialler's `handshake` (beforeHandshake),
// after the §3a checks of a handshake (hold) and when a link closes or its deadline passes.
import { formatAddress, sourceKey } from './address'
import type { Clock } from './clock'
import type { CloseReason } from './commands/close'
import type { CommandData } from './commands/index'
import type { ApproveCommitData } from './commands/approve-commit'
import type { ApproveNonceData } from './commands/approve-nonce'
import type { ApproveRevealData } from './commands/approve-reveal'
import {
  MAX_PENDING_PEERS,
  MAX_PENDING_PEERS_PER_SOURCE,
  REJECTED_PEER_MEMORY_MS,
  REJECTED_PEER_MEMORY_SIZE
} from './constants'
import { ConnectionRefusedError, HandshakeTimeoutError, ProtocolError } from './errors'
import type { ChaskiNodeEvents } from './events'
import { ClosedPeers, keepNewLink } from './handshake'
import type { Logger } from './logger'
import type { PeerLink } from './peer-link'
import type { PendingOutcome, PendingPeer } from './pending-peer'
import {
  checkComparisonReveal,
  comparisonCode,
  createComparisonCommitment,
  createComparisonNonce
} from './security/comparison-code'
import { verifiedLinkOf } from './tls-transport'
import { ThrottledWarning } from './throttled-warning'
import type { TrustStore } from './trust'

export type { PendingEndedEvent, PendingOutcome, PendingPeer } from './pending-peer'

export type ApproveCommandName = 'approve_commit' | 'approve_nonce' | 'approve_reveal' | 'approve_accept'

/** What the approval state machine needs from the node's connections (connections.ts). */
export interface ApprovalHost {
  readonly selfId: string
  /** Our public key (SubjectPublicKeyInfo DER); null for a plaintext node. */
  readonly ownSpki: Buffer | null
  readonly trust: TrustStore
  readonly clock: Clock
  readonly log: Logger
  readonly handshakeTimeoutMs: number
  readonly pendingTimeoutMs: number
  /** Queues an approval frame on the link (out at the end of the tick, before any frame queued after it). */
  sendApproval<C extends ApproveCommandName>(link: PeerLink, command: C, data: CommandData<C>): void
  /** (Re)sets the link's deadline: onDeadline() is called when it passes. */
  setDeadline(link: PeerLink, inMs: number): void
  /** Closes a held link with `close {reason}`; a connect() waiting on it rejects with `error`. */
  refuse(link: PeerLink, reason: CloseReason | 'duplicate-pending', error: Error): void
  /** Both sides admit each other: open the link and register its edge. */
  admit(link: PeerLink): void
  emit<K extends keyof ChaskiNodeEvents>(event: K, payload: ChaskiNodeEvents[K]): void
}

/** The exchange on one link, from the first approval frame (or the hold) until the link opens or closes. */
interface Exchange {
  readonly link: PeerLink
  readonly peerId: string
  /** This node holds the peer (policy approve, the peer's id not accepted yet). */
  weHold: boolean
  /** The peer holds this node. */
  theyHold: boolean
  /** Which side commits: the one that holds first (the dialler, when it holds). */
  committer: 'us' | 'peer'
  /** Our nonce (committed to, or sent in the clear). */
  ourNonce: Buffer | null
  peerCommitment: Uint8Array | null
  peerNonce: Uint8Array | null
  /** Set once the handshake is checked and the link held: from then on it counts against the pending bounds. */
  held: boolean
  name: string
  address: string
  code: string | null
  since: number
  accepted: boolean
  peerAccepted: boolean
  /** acceptPeer() pinned the peer (taken back if this node then rejects it). */
  pinned: boolean
  /** Set when the outcome is decided here (accepted, rejected, expired): reported once. */
  ended: boolean
}

/** Who is waiting for whom on a held link, with the code, or null while the exchange runs. */
function toPendingPeer(exchange: Exchange): PendingPeer | null {
  if (exchange.code === null) return null
  return {
    id: exchange.peerId,
    name: exchange.name,
    address: exchange.address,
    direction: exchange.link.outbound ? 'outbound' : 'inbound',
    code: exchange.code,
    since: exchange.since,
    accepted: exchange.accepted,
    peerAccepted: exchange.peerAccepted
  }
}

export class Approvals {
  private readonly exchanges = new Map<PeerLink, Exchange>()
  /** Held links by peer id (one per peer: a second one is settled like a duplicate link, §3). */
  private readonly held = new Map<string, Exchange>()
  /** Peers this node rejected lately: refused at once, nobody asked (made on the first reject). */
  private rejected: ClosedPeers | null = null
  private refusals: ThrottledWarning | null = null

  constructor(private readonly host: ApprovalHost) {}

  /** Peers held pending whose comparison code is known, oldest first. */
  list(): PendingPeer[] {
    const peers: PendingPeer[] = []
    for (const exchange of this.held.values()) {
      const peer = toPendingPeer(exchange)
      if (peer !== null) peers.push(peer)
    }
    return peers.sort((a, b) => a.since - b.since)
  }

  /** Has an approval frame been sent or received on the link (the exchange runs, or will at its handshake)? */
  isExchanging(link: PeerLink): boolean {
    return this.exchanges.has(link)
  }

  /** Is the link held (after its handshake, waiting for the exchange or for a decision)? */
  isHeld(link: PeerLink): boolean {
    return this.exchanges.get(link)?.held === true
  }

  /** Does this node hold a peer with this proven id (policy approve, not accepted yet)? */
  private holds(peerId: string): boolean {
    return this.host.trust.policy === 'approve' && !this.host.trust.isTrusted(peerId)
  }

  /** The dialler, right after TLS, before its `handshake`: commits first when it holds the peer. */
  beforeHandshake(link: PeerLink): void {
    const verified = verifiedLinkOf(link.socket)
    if (verified === undefined || !this.holds(verified.peerId)) return
    const { nonce, commitment } = createComparisonCommitment(verified.channelBinding)
    this.exchanges.set(link, this.exchange(link, verified.peerId, 'us', true, nonce))
    this.host.sendApproval(link, 'approve_commit', { commit: commitment })
  }

  private exchange(
    link: PeerLink,
    peerId: string,
    committer: 'us' | 'peer',
    weHold: boolean,
    ourNonce: Buffer | null
  ): Exchange {
    return {
      link,
      peerId,
      weHold,
      theyHold: committer === 'peer',
      committer,
      ourNonce,
      peerCommitment: null,
      peerNonce: null,
      held: false,
      name: '',
      address: '',
      code: null,
      since: 0,
      accepted: false,
      peerAccepted: false,
      pinned: false,
      ended: false
    }
  }

  /**
   * After the §3a checks of a link's handshake (the acceptor on `handshake`, the dialler on `handshake_back`):
   * 'open' when neither side holds the other (the link opens now, as under open/tofu); 'held' when it now waits
   * (the acceptor then sends its `handshake_back`); 'refused' when it was closed here.
   */
  hold(link: PeerLink, peerName: string, peerAddress: string): 'open' | 'held' | 'refused' {
    const verified = verifiedLinkOf(link.socket)
    let exchange = this.exchanges.get(link)
    const weHold = link.outbound
      ? exchange?.weHold === true
      : verified !== undefined && this.holds(verified.peerId)
    if (verified === undefined) {
      // A plaintext peer (an insecure node) has no key anyone could approve.
      if (this.host.trust.policy !== 'approve') return 'open'
      this.host.refuse(
        link,
        'secure-required',
        new ConnectionRefusedError('policy approve links secure peers only', 'secure-required')
      )
      return 'refused'
    }
    if (exchange === undefined && !weHold) return 'open'
    const peerId = verified.peerId
    if (weHold && this.rejected?.has(peerId) === true) {
      this.host.refuse(
        link,
        'rejected',
        new ConnectionRefusedError('this node rejected the peer lately', 'rejected')
      )
      return 'refused'
    }
    const full = this.full(link)
    if (full !== null) {
      this.refusals ??= new ThrottledWarning(
        this.host.log,
        'peer refused: too many pending peers',
        undefined,
        this.host.clock
      )
      this.refusals.report({ peer: formatAddress(link.remoteAddress, link.remotePort), limit: full })
      this.host.refuse(link, 'too-many-pending', new ConnectionRefusedError(full, 'too-many-pending'))
      return 'refused'
    }
    const other = this.held.get(peerId)
    if (other !== undefined) {
      // One held link per peer, the same one on both sides (the rule of duplicate links, docs/PROTOCOL.md §3).
      const refused = new ConnectionRefusedError('the peer kept another pending link', 'duplicate')
      if (!keepNewLink(this.host.selfId, peerId, other.link.outbound, link.outbound)) {
        this.host.refuse(link, 'duplicate-pending', refused)
        return 'refused'
      }
      this.end(other, 'closed')
      this.host.refuse(other.link, 'duplicate-pending', refused)
    }
    if (exchange === undefined) {
      // Only this node holds, and the peer (the dialler) did not commit: this side commits, before handshake_back.
      const { nonce, commitment } = createComparisonCommitment(verified.channelBinding)
      exchange = this.exchange(link, peerId, 'us', true, nonce)
      this.exchanges.set(link, exchange)
      this.host.sendApproval(link, 'approve_commit', { commit: commitment })
    } else if (exchange.committer === 'peer') {
      exchange.weHold = weHold
      exchange.ourNonce = createComparisonNonce()
      this.host.sendApproval(link, 'approve_nonce', { nonce: exchange.ourNonce, hold: weHold })
    } else if (link.outbound) {
      // We committed before our handshake: the acceptor answered approve_nonce before its handshake_back.
      if (exchange.peerNonce === null)
        throw new ProtocolError("'handshake_back' without the 'approve_nonce' it owed")
      this.host.sendApproval(link, 'approve_reveal', { nonce: exchange.ourNonce! })
    }
    exchange.held = true
    exchange.name = peerName
    exchange.address = peerAddress
    exchange.accepted = !exchange.weHold
    exchange.peerAccepted = !exchange.theyHold
    this.held.set(peerId, exchange)
    // The exchange itself is quick: it must end within handshakeTimeoutMs; then the user has pendingTimeoutMs.
    this.host.setDeadline(link, this.host.handshakeTimeoutMs)
    if (link.outbound && exchange.committer === 'us')
      this.codeKnown(exchange, verified.channelBinding, verified.peerSpki)
    return 'held'
  }

  /** Why a new pending peer may not be held (bounds before trust), or null. */
  private full(link: PeerLink): string | null {
    if (this.held.size >= MAX_PENDING_PEERS)
      return `this node already holds ${MAX_PENDING_PEERS} pending peers`
    const source = sourceKey(link.remoteAddress)
    let fromSource = 0
    for (const exchange of this.held.values())
      if (sourceKey(exchange.link.remoteAddress) === source) fromSource++
    if (fromSource >= MAX_PENDING_PEERS_PER_SOURCE)
      return `this node already holds ${MAX_PENDING_PEERS_PER_SOURCE} pending peers from ${source}`
    return null
  }

  /** approve_commit: the peer holds us and commits first (the dialler before its handshake, or the acceptor). */
  onCommit(link: PeerLink, data: ApproveCommitData): void {
    const verified = verifiedLinkOf(link.socket)
    if (verified === undefined) throw new ProtocolError("'approve_commit' on a plaintext link")
    // Only as the first approval frame, before the handshake of the side that receives it is done.
    if (link.state !== 'handshaking' || this.exchanges.has(link))
      throw new ProtocolError("'approve_commit' out of order")
    const exchange = this.exchange(link, verified.peerId, 'peer', false, null)
    exchange.peerCommitment = data.commit
    this.exchanges.set(link, exchange)
  }

  /** approve_nonce: the answer to our commitment. */
  onNonce(link: PeerLink, data: ApproveNonceData): void {
    const exchange = this.exchanges.get(link)
    if (exchange === undefined || exchange.committer !== 'us' || exchange.peerNonce !== null)
      throw new ProtocolError("'approve_nonce' out of order")
    const verified = verifiedLinkOf(link.socket)!
    exchange.peerNonce = data.nonce
    if (link.outbound) {
      // Before handshake_back: whether the acceptor holds us too. hold() reveals once handshake_back is checked.
      if (exchange.held) throw new ProtocolError("'approve_nonce' after 'handshake_back'")
      exchange.theyHold = data.hold
      return
    }
    // We (the acceptor) committed because only we hold: the dialler cannot hold us, it would have committed.
    if (!exchange.held || data.hold) throw new ProtocolError("'approve_nonce' out of order")
    this.host.sendApproval(link, 'approve_reveal', { nonce: exchange.ourNonce! })
    this.codeKnown(exchange, verified.channelBinding, verified.peerSpki)
  }

  /** approve_reveal: the committer's nonce, checked against its commitment. */
  onReveal(link: PeerLink, data: ApproveRevealData): void {
    const exchange = this.exchanges.get(link)
    if (exchange === undefined || !exchange.held || exchange.committer !== 'peer' || exchange.code !== null)
      throw new ProtocolError("'approve_reveal' out of order")
    const verified = verifiedLinkOf(link.socket)!
    try {
      checkComparisonReveal(verified.channelBinding, exchange.peerCommitment, data.nonce)
    } catch (error) {
      throw new ProtocolError(`approve_reveal: ${(error as Error).message}`)
    }
    exchange.peerNonce = data.nonce
    this.codeKnown(exchange, verified.channelBinding, verified.peerSpki)
  }

  /** approve_accept: the peer's user accepted us. */
  onAccept(link: PeerLink): void {
    const exchange = this.exchanges.get(link)
    if (exchange === undefined || exchange.code === null || !exchange.theyHold || exchange.peerAccepted)
      throw new ProtocolError("'approve_accept' out of order")
    exchange.peerAccepted = true
    if (!this.openIfAdmitted(exchange)) this.host.emit('peer-pending-updated', toPendingPeer(exchange)!)
  }

  /** Both nonces are known: the code both sides show; the link now waits for the people. */
  private codeKnown(exchange: Exchange, channelBinding: Buffer, peerSpki: Buffer): void {
    const ours = exchange.ourNonce!
    const theirs = exchange.peerNonce!
    const [diallerNonce, acceptorNonce] = exchange.link.outbound ? [ours, theirs] : [theirs, ours]
    exchange.code = comparisonCode({
      channelBinding,
      keys: [this.host.ownSpki!, peerSpki],
      diallerNonce,
      acceptorNonce
    })
    exchange.since = this.host.clock.epochMs()
    this.host.setDeadline(exchange.link, this.host.pendingTimeoutMs)
    this.host.log.info('peer pending', {
      peer: exchange.peerId,
      address: exchange.address,
      waitingFor: exchange.accepted ? 'the peer' : 'this node'
    })
    this.host.emit('peer-pending', toPendingPeer(exchange)!)
  }

  /** The link opens once both sides admit each other; true when it did. */
  private openIfAdmitted(exchange: Exchange): boolean {
    if (exchange.code === null || !exchange.accepted || !exchange.peerAccepted) return false
    this.end(exchange, 'accepted')
    this.host.admit(exchange.link)
    return true
  }

  /** node.acceptPeer(): false when no peer with this id is pending (with its code shown). */
  accept(peerId: string): boolean {
    const exchange = this.held.get(peerId)
    if (exchange === undefined || exchange.code === null) return false
    if (exchange.accepted) return true
    exchange.accepted = true
    this.host.trust.pin(exchange.address, peerId, exchange.name, this.host.clock.epochMs())
    exchange.pinned = true
    this.host.sendApproval(exchange.link, 'approve_accept', {})
    if (!this.openIfAdmitted(exchange)) this.host.emit('peer-pending-updated', toPendingPeer(exchange)!)
    return true
  }

  /**
   * node.rejectPeer(): closes the pending link with `close {reason: 'rejected'}`; the peer is refused at once for
   * REJECTED_PEER_MEMORY_MS, then may ask again. False when no peer with this id is pending.
   */
  reject(peerId: string): boolean {
    const exchange = this.held.get(peerId)
    if (exchange === undefined || exchange.code === null) return false
    if (exchange.pinned) this.host.trust.unpin(peerId)
    this.rejected ??= new ClosedPeers(REJECTED_PEER_MEMORY_MS, REJECTED_PEER_MEMORY_SIZE, this.host.clock)
    this.rejected.remember(peerId)
    this.end(exchange, 'rejected')
    this.host.refuse(
      exchange.link,
      'rejected',
      new ConnectionRefusedError('this node rejected the peer', 'rejected')
    )
    return true
  }

  /** node.revoke(): a pending link of that peer closes too ('revoked'). */
  revoke(peerId: string): void {
    const exchange = this.held.get(peerId)
    if (exchange === undefined) return
    this.end(exchange, 'rejected')
    this.host.refuse(
      exchange.link,
      'revoked',
      new ConnectionRefusedError('this node revoked the peer', 'revoked')
    )
  }

  /** node.unrevoke(): the peer is unknown again, so a recent reject of it no longer refuses it either. */
  forget(peerId: string): void {
    this.rejected?.forget(peerId)
  }

  /**
   * The deadline of a held link passed: with its code known, nobody decided in time (`pending-expired`); true when
   * handled here. Otherwise (the exchange itself stalled) the caller drops it like a handshake that timed out.
   */
  onDeadline(link: PeerLink): boolean {
    const exchange = this.exchanges.get(link)
    if (exchange === undefined || exchange.code === null) return false
    const ms = this.host.pendingTimeoutMs
    this.end(exchange, 'expired')
    this.host.refuse(
      link,
      'pending-expired',
      new HandshakeTimeoutError(`${exchange.address} was not accepted within ${ms} ms (pendingTimeoutMs)`)
    )
    return true
  }

  /** The link closed (or opened: then it is no longer here). */
  onClose(link: PeerLink): void {
    const exchange = this.exchanges.get(link)
    if (exchange === undefined) return
    const detail = link.removal?.detail
    this.end(
      exchange,
      detail === 'rejected' ? 'rejected' : detail === 'pending-expired' ? 'expired' : 'closed'
    )
  }

  /** The exchange is over: forgotten, and its outcome reported once (if it was ever listed). */
  private end(exchange: Exchange, outcome: PendingOutcome): void {
    this.exchanges.delete(exchange.link)
    if (this.held.get(exchange.peerId) === exchange) this.held.delete(exchange.peerId)
    if (exchange.ended) return
    exchange.ended = true
    if (exchange.code !== null) this.host.emit('peer-pending-ended', { id: exchange.peerId, outcome })
  }
}
