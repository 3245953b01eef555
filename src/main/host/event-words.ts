// The event log's sentences, in words a person reads without knowing the protocol. Names, topics and texts from
// peers are marked untrusted (event-line.ts) so the dashboard escapes and isolates them.
import type { TextPart } from '../../shared/snapshots'
import type { DiscoveryOutcome, LanPeerLostReason, RemovalReason } from '../chaski/index'
import { isNodeId, shortNodeId } from '../chaski/security/node-id'
import { line, untrusted } from './event-line'

interface Peer {
  name: string
  address: string
}

const who = (peer: Peer): TextPart[] => line`${untrusted(peer.name)} (${peer.address})`

/** Joins parts lists (line`` can only take single parts). */
function join(...lists: TextPart[][]): TextPart[] {
  return lists.flat()
}

const REMOVAL: Record<RemovalReason, string> = {
  'closed-by-us': 'closed from this side',
  'closed-by-peer': 'the peer closed the connection',
  'peer-stopped': 'the peer stopped',
  stopped: 'this node stopped',
  lost: 'the connection was lost',
  'keepalive-timeout': 'the peer stopped answering keep-alive pings',
  'protocol-error': 'the peer sent data this node could not read',
  'pair-disconnect': 'no longer needed: discovery found a direct partner',
  'pair-rejected': 'another link already pairs the same topic'
}

const LAN_LOST: Record<LanPeerLostReason, string> = {
  timeout: 'it went quiet (no announcement for a while)',
  goodbye: 'it said goodbye',
  'interface-gone': 'the network interface it was heard on went away',
  replaced: 'another node took its address',
  stopped: 'LAN discovery stopped on this node',
  evicted: 'the LAN list was full and it had not been heard from for the longest'
}

/** The short form of a node id people compare (security/node-id.ts); other ids (plaintext nodes) as they are. */
function shortId(id: string): string {
  return isNodeId(id) ? shortNodeId(id) : id.slice(0, 64)
}

export const words = {
  started: (name: string, address: string) => line`${name} started, listening on ${address}`,
  stopped: (name: string) => line`${name} stopped`,
  failed: (name: string, error: string) => line`${name} could not start: ${untrusted(error)}`,
  connected: (peer: Peer, reconnected: boolean) =>
    join(line`${reconnected ? 'reconnected to' : 'connected to'} `, who(peer)),
  disconnected: (peer: Peer, reason: RemovalReason, detail: string | undefined, willReconnect: boolean) =>
    join(
      line`disconnected from `,
      who(peer),
      line`: ${REMOVAL[reason] ?? reason}`,
      // The close reason on the wire (possibly the peer's words), unless it only repeats the reason.
      detail && detail !== 'stop' && detail !== 'closed' && detail !== reason
        ? line` (${untrusted(detail)})`
        : [],
      line`${willReconnect ? '; trying to reconnect' : ''}`
    ),
  /** One row per reconnect sequence, updated at every attempt. */
  reconnecting: (peer: Peer, attempt: number, maxAttempts: number, delayMs: number) =>
    join(
      line`reconnecting to `,
      who(peer),
      line`: attempt ${attempt} of ${maxAttempts}, next try ${inSeconds(delayMs)}`
    ),
  gaveUp: (peer: Peer, attempts: number) =>
    join(line`gave up reconnecting to `, who(peer), line` after ${attempts} attempts`),
  /** A known peer is redialled by the app (after a graceful stop, or once the node's own retries ran out). */
  redialing: (peer: Peer, attempt: number, delayMs: number, lastError: string | null) =>
    join(
      line`reconnecting to `,
      who(peer),
      line`: attempt ${attempt}, next try ${inSeconds(delayMs)} (keeps trying until you disconnect it)`,
      lastError ? join(line`; last try: `, [untrusted(lastError)]) : []
    ),
  knownPeerClosed: (peer: Peer) =>
    join(
      who(peer),
      line` closed the link on purpose: not redialled until this node restarts or you reconnect`
    ),
  paired: (topic: string, peer: Peer | null) =>
    join(line`paired for ${untrusted(topic)}`, peer ? join(line` with `, who(peer)) : []),
  unpaired: (topic: string) => line`not paired for ${untrusted(topic)} any more`,
  discoveryStarted: (topics: string[], onPair: 'none' | 'disconnect') =>
    join(
      topics.length === 0
        ? line`looking for partners, but this node has no topics`
        : join(line`looking for partners for `, commaList(topics)),
      line` (${onPair === 'disconnect' ? 'then drops the link it searched through' : 'keeps every link'})`
    ),
  discoveryConcluded: (topic: string, result: DiscoveryOutcome, peer: Peer | null, holders = 0) => {
    const t = untrusted(topic)
    switch (result) {
      case 'already-paired':
        return join(line`${t}: already paired`, peer ? join(line` with `, who(peer)) : [])
      case 'paired':
        return join(line`${t}: paired`, peer ? join(line` with `, who(peer)) : [])
      case 'first-of-topic':
      case 'no-edges':
        return line`${t}: no other node has it yet; this node is its first, others will find it`
      case 'no-partner':
        return line`${t}: ${String(holders)} other node${holders === 1 ? ' has' : 's have'} it, but none could pair with this one yet; it counts as paired, so they will find it`
      case 'timeout':
        return line`${t}: no partner answered in time; this node counts as its first`
      case 'stopped':
        return line`${t}: search stopped with the node`
    }
  },
  protocolError: (remote: string, message: string) =>
    line`unreadable data from ${remote}: ${untrusted(message)}`,
  /** `claimed`: the peer claimed the id in its handshake; otherwise this node dialled for it (a reconnection). */
  identityChanged: (remote: string, expectedId: string, provenId: string, claimed: boolean) =>
    claimed
      ? line`${remote} claimed to be node ${untrusted(shortId(expectedId))} but proved the key of node ${shortId(provenId)}: refused. Someone may be impersonating that node, or relaying its links.`
      : line`the node at ${remote} is not the one this node knew: it proved another key (expected node ${shortId(expectedId)}, found node ${shortId(provenId)}). The link was refused and is not retried (an address heard in LAN beacons is tried again after 10 minutes). If that node really has a new key, connect to it again; otherwise someone may be impersonating it.`,
  peerRefused: (
    remote: string,
    reason: 'secure-required' | 'secure-handshake' | 'network-key-mismatch',
    message: string
  ) =>
    reason === 'secure-required'
      ? line`${remote} tried to connect without encryption (an older or insecure node): refused. Plaintext peers are linked only with --insecure.`
      : reason === 'network-key-mismatch'
        ? line`the link with ${remote} was refused: the two nodes do not hold the same network key (${untrusted(message)})`
        : line`a secure connection from ${remote} failed: ${untrusted(message)}`,
  pending: (peer: Peer & { code: string; direction: 'inbound' | 'outbound' }) =>
    join(
      who(peer),
      line` ${peer.direction === 'inbound' ? 'asks to link' : 'answered and waits'}: compare the code ${untrusted(peer.code)} with the other side, then accept or reject it`
    ),
  pendingThere: (peer: Peer & { code: string }) =>
    join(
      who(peer),
      line` holds this node until its user accepts it: compare the code ${untrusted(peer.code)} with them`
    ),
  pendingEnded: (outcome: 'expired' | 'closed') =>
    outcome === 'expired'
      ? line`a peer waiting for approval was not answered in time; it may ask again`
      : line`a peer waiting for approval went away`,
  accepted: (peer: Peer) => join(line`you accepted `, who(peer), line`: trusted from now on`),
  rejected: (peer: Peer) => join(line`you rejected `, who(peer)),
  revoked: (name: string, id: string) =>
    join(
      line`you revoked node ${shortId(id)}`,
      name ? line` (${untrusted(name)})` : [],
      line`: its links are closed and refused from now on`
    ),
  unrevoked: (name: string, id: string) =>
    join(
      line`you took back the revocation of node ${shortId(id)}`,
      name ? line` (${untrusted(name)})` : [],
      line`: it is an unknown peer again, and this node's trust policy decides at its next link`
    ),
  lanSeen: (peer: Peer) => join(who(peer), line` appeared on the LAN`),
  lanLost: (peer: Peer, reason: LanPeerLostReason) =>
    join(who(peer), line` is offline: ${LAN_LOST[reason] ?? reason}`)
}

function commaList(items: string[]): TextPart[] {
  return items.flatMap((item, i) => (i === 0 ? [untrusted(item)] : [{ text: ', ' }, untrusted(item)]))
}

/** 'in 12 s', 'in 0.5 s', 'now'. */
export function inSeconds(ms: number): string {
  if (ms < 50) return 'now'
  if (ms < 10_000) return `in ${Math.round(ms / 100) / 10} s`
  return `in ${Math.round(ms / 1000)} s`
}
