// Keeps a running node linked to the peers a person asked for (the dashboard's known peers, `chaski node --connect`):
// it dials each at once, and again whenever the link goes away, with backoff and no end, until told to let go.
//
// The library only retries a link lost unexpectedly (EOF, reset, missed keep-alive), a bounded number of times, and
// never after a deliberate close (docs/SEMANTICS.md §3). That is right for the protocol, but a person who connected
// to a hub wants it back when the hub restarts: a graceful stop sends a deliberate close ('peer-stopped'), after
// which the library never dials again. So this module, outside the library, dials a wanted peer:
// - at start, and after it stopped (gracefully or not), lost the link without the library retrying, or after the
//   library gave up; with exponential backoff (base × 2^(n-1), capped, ±20 %) that never stops;
// - not while the library's own reconnection runs (it shows as 'reconnecting' with its attempt);
// - not after this node closed the link itself (a person's disconnect, discovery's onPair 'disconnect'): the caller
//   removes the peer or holds it;
// - not after the peer closed the link on purpose ('closed-by-peer'): that decision is the peer's, and is respected
//   until this node starts again or the caller asks to dial it again (`dialNow`);
// - not after the node at its address proved another key than the one known ('identity-changed': a changed key or an
//   impostor): dialling again would be refused the same way, and each refusal reported again; held until the caller
//   asks (`dialNow`, `add`) or this node starts again.
import {
  formatAddress,
  parseAddress,
  type ChaskiNode,
  type ChaskiNodeEvents,
  type Edge,
  type ReconnectState
} from '../chaski/index'

export const REDIAL_BASE_MS = 1_000
export const REDIAL_CAP_MS = 30_000
const REDIAL_JITTER = 0.2

export type RedialStatus =
  | { kind: 'connected'; since: number }
  | { kind: 'connecting'; attempt: number; lastError: string | null }
  /** Waiting for the next try: ours (`maxAttempts` null, never ends) or the library's reconnection. */
  | {
      kind: 'retrying'
      attempt: number
      maxAttempts: number | null
      nextAttemptAt: number
      lastError: string | null
    }
  | { kind: 'closed-by-peer'; at: number }
  /** The node at its address proved another key than the one known: not dialled again until asked. */
  | { kind: 'identity-changed'; at: number; expectedId: string; provenId: string }

export interface PeerRedialerInit {
  /**
   * Turns the address given (which may carry a host name) into the 'ip:port' literal to dial. @default the address
   * itself (IP literals only)
   */
  resolve?: (address: string) => Promise<string>
  /** @default REDIAL_BASE_MS */
  baseMs?: number
  /** @default REDIAL_CAP_MS */
  capMs?: number
  /** @default Math.random */
  random?: () => number
  /** A peer's status changed (a UI redraws). */
  onStatus?: (address: string, status: RedialStatus) => void
  /** A wanted peer is linked (first time or again): its edge, to learn its name and id. */
  onConnected?: (address: string, edge: Edge) => void
  /** A redial was scheduled: attempt n (1-based) in `delayMs`, after `lastError` (null: it just went away). */
  onRetry?: (address: string, attempt: number, delayMs: number, lastError: string | null) => void
  /** Handling a node event threw (whatever the event carried): reported here, never thrown into the node. */
  onError?: (what: string, err: unknown) => void
}

interface Wanted {
  address: string
  /** The literal last dialled (host names resolve to it); null before the first dial. */
  dialled: string | null
  peerId: string | null
  status: RedialStatus
  attempt: number
  timer: NodeJS.Timeout | null
  /** Bumped on every change of plan: a dial that finishes after it is ignored. */
  generation: number
}

/** Delay before our attempt n (1-based): base × 2^(n-1), capped, then ±20 %. */
export function redialDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.max(0, Math.round(exponential * (1 + (random() * 2 - 1) * REDIAL_JITTER)))
}

/** 'ip:port' in one spelling (IPv6 lower-case, bracketed), or null when the text is not an IP literal address. */
export function literalKey(address: string): string | null {
  try {
    const parsed = parseAddress(address)
    const ip = parsed.ip === '0.0.0.0' ? '127.0.0.1' : parsed.ip === '::' ? '::1' : parsed.ip
    return formatAddress(ip, parsed.port)
  } catch {
    return null
  }
}

export class PeerRedialer {
  private readonly wanted = new Map<string, Wanted>()
  private readonly detach: (() => void)[] = []
  private stopped = false
  private readonly baseMs: number
  private readonly capMs: number
  private readonly random: () => number

  constructor(
    private readonly node: ChaskiNode,
    private readonly init: PeerRedialerInit = {}
  ) {
    this.baseMs = init.baseMs ?? REDIAL_BASE_MS
    this.capMs = init.capMs ?? REDIAL_CAP_MS
    this.random = init.random ?? Math.random
    this.listen('edge-added', ({ edge }) => this.onEdgeAdded(edge))
    this.listen('edge-removed', ({ edge, reason, willReconnect }) => {
      const wanted = this.match(edge)
      if (!wanted) return
      // A duplicate link or a restarted peer at the same address: the peer is still (again) linked.
      const still = this.edgeOf(wanted)
      if (still) this.setConnected(wanted, still)
      else if (willReconnect) this.followLibrary(wanted)
      else if (reason === 'closed-by-peer' || reason === 'pair-rejected') this.holdClosedByPeer(wanted)
      // Peer stopped (even gracefully), lost without the library retrying, bad data: dial it again. (When this node
      // closes a link on purpose, its owner lets the peer go first, so a peer still wanted here is dialled again.)
      else this.schedule(wanted, null)
    })
    this.listen('reconnecting', ({ peer }) => {
      const wanted = this.matchTarget(peer)
      if (wanted) this.followLibrary(wanted, peer)
    })
    this.listen('identity-changed', ({ address, direction, expectedId, provenId }) => {
      if (direction !== 'outbound') return
      const wanted = this.matchAddress(address)
      if (wanted) this.holdIdentityChanged(wanted, expectedId, provenId)
    })
    this.listen('reconnect-gave-up', ({ peer }) => {
      const wanted = this.matchTarget(peer)
      if (wanted && wanted.status.kind !== 'connected') this.schedule(wanted, peer.lastError)
    })
  }

  /**
   * Wants a peer linked: dials it now unless it is connected (or the library is already retrying it). With
   * `failed` (a dial that just failed elsewhere, e.g. the first --connect), the next dial waits its backoff.
   */
  add(address: string, peerId: string | null = null, failed?: { error: string }): void {
    if (this.stopped) return
    let wanted = this.wanted.get(address)
    if (!wanted) {
      wanted = {
        address,
        dialled: literalKey(address),
        peerId,
        status: {
          kind: 'retrying',
          attempt: 0,
          maxAttempts: null,
          nextAttemptAt: Date.now(),
          lastError: null
        },
        attempt: 0,
        timer: null,
        generation: 0
      }
      this.wanted.set(address, wanted)
    } else if (peerId !== null) wanted.peerId = peerId
    const edge = this.edgeOf(wanted)
    if (edge) return this.setConnected(wanted, edge)
    const libraryRetry = this.libraryRetry(wanted)
    if (libraryRetry) return this.followLibrary(wanted, libraryRetry)
    if (wanted.status.kind === 'connecting') return
    if (failed) {
      wanted.attempt = Math.max(wanted.attempt, 1)
      this.schedule(wanted, failed.error)
    } else this.dial(wanted)
  }

  /** Lets a peer go: no more dials (the link, if any, is the caller's to close). */
  remove(address: string): void {
    const wanted = this.wanted.get(address)
    if (!wanted) return
    this.clearTimer(wanted)
    wanted.generation++
    this.wanted.delete(address)
  }

  /** Dials a wanted peer now (a person asked), whatever it was waiting for. */
  dialNow(address: string): void {
    const wanted = this.wanted.get(address)
    if (!wanted) return this.add(address)
    if (this.edgeOf(wanted) || wanted.status.kind === 'connecting') return
    this.dial(wanted)
  }

  has(address: string): boolean {
    return this.wanted.has(address)
  }

  status(address: string): RedialStatus | null {
    return this.wanted.get(address)?.status ?? null
  }

  /** The wanted peer this edge is, if any. */
  addressOf(edge: Edge): string | null {
    return this.match(edge)?.address ?? null
  }

  /** Stops every timer and forgets every peer (the node is stopping). */
  stop(): void {
    this.stopped = true
    for (const wanted of this.wanted.values()) {
      this.clearTimer(wanted)
      wanted.generation++
    }
    this.wanted.clear()
    for (const off of this.detach.splice(0)) off()
  }

  private listen<K extends keyof ChaskiNodeEvents>(event: K, handle: (payload: ChaskiNodeEvents[K]) => void) {
    const listener = (payload: ChaskiNodeEvents[K]): void => {
      if (this.stopped) return
      try {
        handle(payload)
      } catch (err) {
        this.init.onError?.(`redialling known peers on its '${event}' event`, err)
      }
    }
    this.node.on(event, listener)
    this.detach.push(() => this.node.off(event, listener))
  }

  private onEdgeAdded(edge: Edge): void {
    const wanted = this.match(edge)
    if (wanted) this.setConnected(wanted, edge)
  }

  private setConnected(wanted: Wanted, edge: Edge): void {
    this.clearTimer(wanted)
    wanted.generation++
    wanted.attempt = 0
    wanted.peerId = edge.id
    wanted.dialled ??= literalKey(edge.address) ?? edge.address
    this.setStatus(wanted, { kind: 'connected', since: edge.connectedAt })
    this.init.onConnected?.(wanted.address, edge)
  }

  private holdClosedByPeer(wanted: Wanted): void {
    this.clearTimer(wanted)
    wanted.generation++
    wanted.attempt = 0
    this.setStatus(wanted, { kind: 'closed-by-peer', at: Date.now() })
  }

  private holdIdentityChanged(wanted: Wanted, expectedId: string, provenId: string): void {
    this.clearTimer(wanted)
    wanted.generation++ // a dial still finishing is ignored
    wanted.attempt = 0
    this.setStatus(wanted, { kind: 'identity-changed', at: Date.now(), expectedId, provenId })
  }

  /** The library retries this peer itself: show its attempts, and take over if it gives up. */
  private followLibrary(wanted: Wanted, state?: ReconnectState): void {
    this.clearTimer(wanted)
    wanted.generation++
    const retry = state ?? this.libraryRetry(wanted)
    this.setStatus(wanted, {
      kind: 'retrying',
      attempt: retry?.attempt ?? 0,
      maxAttempts: retry?.maxAttempts ?? null,
      nextAttemptAt: retry?.nextAttemptAt ?? Date.now(),
      lastError: retry?.lastError ?? null
    })
  }

  /** Plans the next dial: attempt n+1 after the n made since the peer went away. */
  private schedule(wanted: Wanted, lastError: string | null): void {
    if (this.stopped || !this.wanted.has(wanted.address)) return
    this.clearTimer(wanted)
    const generation = ++wanted.generation
    const attempt = wanted.attempt + 1
    const delay = redialDelay(attempt, this.baseMs, this.capMs, this.random)
    this.setStatus(wanted, {
      kind: 'retrying',
      attempt,
      maxAttempts: null,
      nextAttemptAt: Date.now() + delay,
      lastError
    })
    this.init.onRetry?.(wanted.address, attempt, delay, lastError)
    wanted.timer = setTimeout(() => {
      wanted.timer = null
      if (wanted.generation === generation) this.dial(wanted)
    }, delay)
    wanted.timer.unref?.()
  }

  private dial(wanted: Wanted): void {
    if (this.stopped || !this.node.running) return
    this.clearTimer(wanted)
    const generation = ++wanted.generation
    wanted.attempt++
    const lastError = 'lastError' in wanted.status ? wanted.status.lastError : null
    this.setStatus(wanted, { kind: 'connecting', attempt: wanted.attempt, lastError })
    const resolve = this.init.resolve ?? ((address: string) => Promise.resolve(address))
    void resolve(wanted.address)
      .then((literal) => {
        if (wanted.generation !== generation) return null
        wanted.dialled = literalKey(literal) ?? literal
        return this.node.connect(literal)
      })
      .then(
        (edge) => {
          if (edge && wanted.generation === generation) this.setConnected(wanted, edge)
        },
        (error: unknown) => {
          if (wanted.generation === generation) this.schedule(wanted, errorText(error))
        }
      )
  }

  private setStatus(wanted: Wanted, status: RedialStatus): void {
    wanted.status = status
    this.init.onStatus?.(wanted.address, status)
  }

  private clearTimer(wanted: Wanted): void {
    if (wanted.timer) clearTimeout(wanted.timer)
    wanted.timer = null
  }

  private edgeOf(wanted: Wanted): Edge | undefined {
    return this.node.edges.find((edge) => this.matches(wanted, edge.id, edge.address))
  }

  private libraryRetry(wanted: Wanted): ReconnectState | undefined {
    return this.node.reconnects.find((r) => this.matches(wanted, r.peerId, formatAddress(r.ip, r.port)))
  }

  private match(edge: Edge): Wanted | undefined {
    for (const wanted of this.wanted.values()) if (this.matches(wanted, edge.id, edge.address)) return wanted
    return undefined
  }

  private matchAddress(address: string): Wanted | undefined {
    const key = literalKey(address)
    for (const wanted of this.wanted.values()) if (key !== null && wanted.dialled === key) return wanted
    return undefined
  }

  private matchTarget(peer: { peerId: string; ip: string; port: number }): Wanted | undefined {
    const address = formatAddress(peer.ip, peer.port)
    for (const wanted of this.wanted.values()) if (this.matches(wanted, peer.peerId, address)) return wanted
    return undefined
  }

  /** Same peer: the same listening address (a restarted peer may have a new id), or the same id. */
  private matches(wanted: Wanted, peerId: string, address: string): boolean {
    if (wanted.dialled !== null && wanted.dialled === literalKey(address)) return true
    return wanted.peerId !== null && wanted.peerId === peerId
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
