// The network-key step of a secure link (docs/PROTOCOL.md §3a "Network key"), between TLS and the §3 handshake.
// A node holding a network key links only with nodes proving one of its keys on that very link (network-key.ts: an
// HMAC over the TLS channel binding and the prover's role, so a proof is worth nothing on another link). Order:
//   dialler  → `network_key` (its proofs), and nothing more yet;
//   acceptor → checks them; then `network_key` (its own proofs);
//   dialler  → checks them; then `handshake`, and the §3 handshake runs as usual.
// So neither side sends its name or subscriptions to a peer that has not proved the key. Any other order, a missing
// or wrong proof, or a proof sent to a node holding no key closes the link with `close {reason:
// 'network-key-mismatch'}`: refused, reported (event + throttled warning), other links untouched.
import { formatAddress } from './address'
import type { Logger } from './logger'
import type { PeerLink } from './peer-link'
import { NetworkKeyMismatchError } from './security/errors'
import { networkKeyProofs, verifyNetworkKeyProofs, type NetworkKeySet } from './security/network-key'
import { ThrottledWarning } from './throttled-warning'
import { verifiedLinkOf } from './tls-transport'
import type { Clock } from './clock'

/** What the gate needs from the node's connections. */
export interface NetworkKeyGateOwner {
  /** Queues and flushes a `network_key` frame with these proofs (hex) on the link. */
  sendProofs(link: PeerLink, proofs: string[]): void
  /** The dialler's peer proved the key: send our `handshake` now. */
  continueHandshake(link: PeerLink): void
  /** Closes the link with `close {reason: 'network-key-mismatch'}` and fails its connect(). */
  refuse(link: PeerLink, error: NetworkKeyMismatchError): void
  /** Tells the user (the node's 'peer-refused' event). */
  reportRefused(link: PeerLink, error: NetworkKeyMismatchError): void
}

export class NetworkKeyGate {
  /** Links whose peer proved the key. */
  private readonly proven = new WeakSet<PeerLink>()
  private readonly warning: ThrottledWarning

  constructor(
    private readonly keys: NetworkKeySet | null,
    private readonly owner: NetworkKeyGateOwner,
    log: Logger,
    clock: Clock
  ) {
    this.warning = new ThrottledWarning(
      log,
      'peer refused (network-key-mismatch): it did not prove this node’s network key',
      undefined,
      clock
    )
  }

  get active(): boolean {
    return this.keys !== null
  }

  /** A dialled link is up: with a network key, our proofs go first and the handshake waits (true). */
  holdsHandshake(link: PeerLink): boolean {
    if (this.keys === null) return false
    const proofs = this.proofsFor(link)
    if (proofs === null) {
      this.mismatch(link, 'the link is not a secure link: a network key needs TLS')
      return true
    }
    this.owner.sendProofs(link, proofs)
    return true
  }

  /** A `network_key` frame arrived (its proofs already read as 32-byte values). */
  onProofs(link: PeerLink, proofs: Buffer[]): void {
    if (link.state !== 'handshaking' || this.proven.has(link)) {
      // Once per link, before the handshake: anything else is a peer out of step.
      return this.mismatch(link, 'the peer sent network_key out of turn')
    }
    if (this.keys === null) {
      return this.mismatch(link, 'the peer holds a network key and this node holds none')
    }
    const tls = verifiedLinkOf(link.socket)
    if (tls === undefined) return this.mismatch(link, 'network_key on a plaintext link')
    try {
      verifyNetworkKeyProofs(this.keys, tls, proofs)
    } catch (error) {
      if (error instanceof NetworkKeyMismatchError) return this.mismatch(link, error.message)
      throw error
    }
    this.proven.add(link)
    if (link.outbound) this.owner.continueHandshake(link)
    else this.owner.sendProofs(link, this.proofsFor(link)!)
  }

  /**
   * Before a `handshake` / `handshake_back` of a link is taken: true when the peer proved the key (or there is no
   * key); otherwise the link is refused here and false returned.
   */
  admits(link: PeerLink): boolean {
    if (this.keys === null || this.proven.has(link)) return true
    this.mismatch(
      link,
      link.outbound
        ? 'the peer answered without proving the network key'
        : 'the peer sent its handshake without proving the network key (it holds none?)'
    )
    return false
  }

  /** The peer closed our link with 'network-key-mismatch': it refused our proof (or our lack of one). */
  onRefusedByPeer(link: PeerLink): NetworkKeyMismatchError {
    const peer = formatAddress(link.remoteAddress, link.remotePort)
    const error = new NetworkKeyMismatchError(
      this.keys === null
        ? `${peer} refused the link (network-key-mismatch): it holds a network key and this node holds none`
        : `${peer} refused the link (network-key-mismatch): it does not hold this node's network key`
    )
    this.warning.report({ peer, reason: 'refused by the peer' })
    this.owner.reportRefused(link, error)
    return error
  }

  private proofsFor(link: PeerLink): string[] | null {
    const tls = verifiedLinkOf(link.socket)
    if (tls === undefined || this.keys === null) return null
    return networkKeyProofs(this.keys, tls).map((proof) => proof.toString('hex'))
  }

  private mismatch(link: PeerLink, why: string): void {
    const peer = formatAddress(link.remoteAddress, link.remotePort)
    const error = new NetworkKeyMismatchError(`${peer} refused (network-key-mismatch): ${why}`)
    this.warning.report({ peer, why })
    this.owner.reportRefused(link, error)
    this.owner.refuse(link, error)
  }
}
