// Discovery and pairing (spec §4) with our echo wave (docs/PROTOCOL.md §5): a search goes out through every edge
// (or the one the caller names), and every node that receives a `discovery` answers its previous hop with
// `discovery_ack` once its subtree is done, carrying the pairing candidates found below it and how many nodes
// holding the topic it reached. The origin thus knows when the whole reachable network has answered: no
// candidate and no holder → it is the first node of the topic at once (no timeout to wait out); holders but no
// candidate → it says so ('no-partner') rather than claim it is alone; candidates → it keeps the best one (lowest
// pairing rank, then most shared edges, then lowest id) and closes surplus pairing edges, so the reference
// topologies are reproduced exactly, whatever the timing.
import { randomUUID } from 'node:crypto'
import { addressKey, isUnspecifiedIp } from './address'
import type { Clock, ClockTimer } from './clock'
import type { DiscoveryData, DiscoveryReceiver, OnPair } from './commands/discovery'
import type { DiscoveryAckData, DiscoveryAckReceiver, PairingCandidate } from './commands/discovery-ack'
import type { CommandData } from './commands/index'
import type { ReportPairedData, ReportPairedReceiver } from './commands/report-paired'
import {
  MAX_CANDIDATES,
  MAX_DISCOVERY_DIALS_IN_FLIGHT,
  MAX_DISCOVERY_RELAYS_PER_EDGE,
  ROOT_TOPIC,
  SEEN_SEARCHES_SIZE
} from './constants'
import type { LinkedEdge } from './linked-edge'
import type { DiscoveryOutcome, DiscoveryResult } from './events'
import type { Logger } from './logger'
import { MessagePool } from './message-pool'
import type { PairingState } from './pairing'
import { ThrottledWarning } from './throttled-warning'
import type { StatusResponse } from './udp-status'

/** What the discovery protocol needs from its node (kept narrow so it stays testable and small). */
export interface DiscoveryHost {
  readonly id: string
  readonly name: string
  /** Our listening address as peers can dial it. */
  readonly listenIp: string
  readonly port: number
  readonly ttl: number
  readonly root: boolean
  readonly maxConnections: number
  readonly hopWaitMs: number
  readonly subscriptions: ReadonlySet<string>
  readonly pairing: PairingState
  /** The node's logger (discovery logs as its 'discovery' component). */
  readonly log: Logger
  readonly clock: Clock
  edgeList(): readonly LinkedEdge[]
  edgeByAddress(ip: string, port: number): LinkedEdge | undefined
  /** Queues a discovery command on an edge (nothing when the edge is closing). */
  send<C extends DiscoveryCommand>(edge: LinkedEdge, command: C, data: CommandData<C>, ttl: number): void
  connectToPeer(ip: string, port: number): Promise<LinkedEdge>
  /** An origin's address comes from the network: may we dial it now (per-target and overall dial limits)? */
  allowLearnedDial(ip: string, port: number): boolean
  requestStatus(ip: string, port: number): Promise<StatusResponse>
  /** Deliberate close initiated by discovery. */
  closeEdge(edge: LinkedEdge, reason: 'pair-disconnect' | 'pair-rejected'): void
  markEdgePaired(edge: LinkedEdge, topic: string): void
  concluded(result: DiscoveryResult): void
}

type DiscoveryCommand = 'discovery' | 'discovery_ack' | 'report_paired'

export interface DiscoveryRequest {
  /** The edge the search starts through; null: every edge (the whole connected network). */
  via: LinkedEdge | null
  onPair: OnPair
  timeoutMs: number
}

interface HeldReport {
  edge: LinkedEdge
  report: ReportPairedData
}

interface OriginSession {
  search: string
  topic: string
  startedAt: number
  awaiting: Set<LinkedEdge>
  candidates: PairingCandidate[]
  /** Nodes reached that hold the topic but are no candidate (not paired, or full). */
  holders: number
  waveDone: boolean
  chosen: string | null
  held: Map<string, HeldReport>
  timer: ClockTimer | null
  done: boolean
  resolve: (result: DiscoveryResult) => void
}

interface ForwardState {
  search: string
  upstream: LinkedEdge
  awaiting: Set<LinkedEdge>
  result: 'none' | 'pairing'
  candidates: PairingCandidate[]
  /** This node (if it holds the topic) and the holders its subtree reported. */
  holders: number
  timer: ClockTimer | null
}

/** Candidate order: lower rank, then more shared edges, then lower id. */
export function compareCandidates(a: PairingCandidate, b: PairingCandidate): number {
  if (a.rank !== b.rank) return a.rank - b.rank
  if (a.shared !== b.shared) return b.shared - a.shared
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function mergeCandidates(into: PairingCandidate[], more: PairingCandidate[]): PairingCandidate[] {
  if (more.length === 0) return into
  const byId = new Map<string, PairingCandidate>()
  for (const candidate of [...into, ...more]) byId.set(candidate.id, candidate)
  return [...byId.values()].sort(compareCandidates).slice(0, MAX_CANDIDATES)
}

/**
 * What bounds a node's part in others' searches (docs/PROTOCOL.md §10), made on first need: the contacts of
 * discovery origins under way (one per origin address) and the warnings a flood of searches may repeat.
 */
class DiscoveryLimits {
  /** Settled with the status each contact got, once it is over: answers for that origin meanwhile wait for it. */
  readonly originContacts = new Map<string, Promise<StatusResponse | null>>()
  readonly originRefusals: ThrottledWarning
  readonly relayRefusals: ThrottledWarning

  constructor(log: Logger, clock: Clock) {
    this.originRefusals = new ThrottledWarning(
      log,
      'discovery origin not contacted (dialled too often lately); answered none',
      undefined,
      clock
    )
    this.relayRefusals = new ThrottledWarning(
      log,
      'too many discovery searches from one peer at once; answering none to the rest',
      undefined,
      clock
    )
  }
}

/** How many things are under way per key (searches per upstream edge, connects per topic); zero keys leave. */
class InFlight<K> {
  private readonly counts = new Map<K, number>()

  get(key: K): number {
    return this.counts.get(key) ?? 0
  }

  add(key: K, delta: 1 | -1): void {
    const next = this.get(key) + delta
    if (next > 0) this.counts.set(key, next)
    else this.counts.delete(key)
  }

  drop(key: K): void {
    this.counts.delete(key)
  }
}

export class DiscoveryEngine implements DiscoveryReceiver, DiscoveryAckReceiver, ReportPairedReceiver {
  // Made on first use (most nodes of a large network never run or relay a discovery): about 190 bytes each.
  private sessionMap: Map<string, OriginSession> | null = null
  private topicMap: Map<string, Promise<DiscoveryResult>> | null = null
  private forwardMap: Map<string, ForwardState> | null = null
  private seen: MessagePool | null = null
  /** Searches each upstream edge has us relaying or answering now (bounded: MAX_DISCOVERY_RELAYS_PER_EDGE). */
  private relays: InFlight<LinkedEdge> | null = null
  /** Per topic: connects to discovery origins under way (they count against maxConnections before they land). */
  private pairingConnects: InFlight<string> | null = null
  /** Made on first need: most nodes never answer a search as paired nor get flooded with them. */
  private limitsOf: DiscoveryLimits | null = null
  private stopped = false
  private logger: Logger | null = null

  /** The 'discovery' logger of this node, made on first use. */
  private get log(): Logger {
    return (this.logger ??= this.host.log.child('discovery'))
  }

  private get limits(): DiscoveryLimits {
    return (this.limitsOf ??= new DiscoveryLimits(this.log, this.host.clock))
  }

  private get sessions(): Map<string, OriginSession> {
    return (this.sessionMap ??= new Map())
  }

  private get sessionsByTopic(): Map<string, Promise<DiscoveryResult>> {
    return (this.topicMap ??= new Map())
  }

  private get forwards(): Map<string, ForwardState> {
    return (this.forwardMap ??= new Map())
  }

  constructor(private readonly host: DiscoveryHost) {}

  /** Runs discovery for every subscription (spec §4); resolves when each topic is concluded. */
  async run(request: DiscoveryRequest): Promise<DiscoveryResult[]> {
    const host = this.host
    const startedAt = host.clock.now()
    const topics = [...host.subscriptions].filter((topic) => topic !== ROOT_TOPIC)
    const results: Promise<DiscoveryResult>[] = []
    const remaining: string[] = []
    const edges = host.edgeList()
    for (const topic of topics) {
      const ongoing = this.sessionsByTopic.get(topic)
      if (ongoing) {
        results.push(ongoing)
        continue
      }
      // Spec §4: a subscription already shared with a connected edge is paired through it.
      const sharing = edges.filter((edge) => edge.subscriptions.has(topic))
      if (sharing.length > 0) {
        for (const edge of sharing) host.markEdgePaired(edge, topic)
        host.pairing.setPaired(topic, 1, sharing[0]!)
        results.push(Promise.resolve(this.conclude(topic, 'already-paired', sharing[0]!, startedAt)))
      } else {
        host.pairing.setUnpaired(topic)
        remaining.push(topic)
      }
    }
    // Through the given edge, or through every edge: whichever of them leads to the topic's nodes (a first edge
    // to a LAN-only neighbour must not hide a hub behind another one).
    const through = request.via !== null ? [request.via] : edges
    const targets = through.filter((edge) => edge.open)
    for (const topic of remaining) {
      if (targets.length === 0) {
        host.pairing.setPaired(topic, 0)
        results.push(Promise.resolve(this.conclude(topic, 'no-edges', null, startedAt)))
        continue
      }
      const promise = this.startSession(topic, targets, request)
      this.sessionsByTopic.set(topic, promise)
      void promise.finally(() => {
        if (this.sessionsByTopic.get(topic) === promise) this.sessionsByTopic.delete(topic)
      })
      results.push(promise)
    }
    return Promise.all(results)
  }

  private startSession(
    topic: string,
    targets: LinkedEdge[],
    request: DiscoveryRequest
  ): Promise<DiscoveryResult> {
    const host = this.host
    return new Promise<DiscoveryResult>((resolve) => {
      const session: OriginSession = {
        search: randomUUID(),
        topic,
        startedAt: host.clock.now(),
        awaiting: new Set(targets),
        candidates: [],
        holders: 0,
        waveDone: false,
        chosen: null,
        held: new Map(),
        timer: null,
        done: false,
        resolve
      }
      this.sessions.set(session.search, session)
      session.timer = host.clock.setTimeout(() => this.onSessionTimeout(session), request.timeoutMs)
      for (const via of targets) {
        // Each copy names the edge it went through as the search's root (onPair 'disconnect' closes that one).
        const data: DiscoveryData = {
          search: session.search,
          topic,
          origin_id: host.id,
          origin_name: host.name,
          origin_ip: host.listenIp,
          origin_port: host.port,
          previous_hop: host.id,
          visited: [host.id],
          on_pair: request.onPair,
          root_ip: via.ip,
          root_port: via.port,
          wait_ms: request.timeoutMs
        }
        host.send(via, 'discovery', data, host.ttl)
      }
    })
  }

  // ------------------------------------------------------------------------------------------------------
  // Incoming commands

  onDiscovery(from: LinkedEdge, input: DiscoveryData, ttl: number): void {
    const host = this.host
    const data = { ...input }
    // An origin listening on 0.0.0.0/:: is reachable at the address its first hop sees.
    if (isUnspecifiedIp(data.origin_ip) && data.previous_hop === data.origin_id)
      data.origin_ip = from.link.remoteAddress
    this.seen ??= new MessagePool(SEEN_SEARCHES_SIZE)
    if (
      this.stopped ||
      data.origin_id === host.id ||
      data.visited.includes(host.id) ||
      !this.seen.add(data.search)
    ) {
      this.ack(from, data.search, 'none', [])
      return
    }
    if ((this.relays?.get(from) ?? 0) >= MAX_DISCOVERY_RELAYS_PER_EDGE) {
      this.limits.relayRefusals.report({ peer: from.toString(), limit: MAX_DISCOVERY_RELAYS_PER_EDGE })
      this.ack(from, data.search, 'none', [])
      return
    }
    const topic = data.topic
    if (!host.root && host.pairing.isPaired(topic)) {
      const relays = (this.relays ??= new InFlight())
      relays.add(from, 1)
      void this.answerAsPaired(from, data, ttl).finally(() => relays.add(from, -1))
      return
    }
    this.forward(from, data, ttl)
  }

  onAck(from: LinkedEdge, ack: DiscoveryAckData): void {
    const session = this.sessions.get(ack.search)
    if (session && !session.done) {
      if (!session.awaiting.delete(from)) return
      session.candidates = mergeCandidates(session.candidates, ack.candidates)
      session.holders += ack.holders
      if (session.awaiting.size === 0) this.onWaveDone(session)
      return
    }
    const state = this.forwards.get(ack.search)
    if (!state || !state.awaiting.delete(from)) return
    if (ack.result === 'pairing') state.result = 'pairing'
    state.candidates = mergeCandidates(state.candidates, ack.candidates)
    state.holders += ack.holders
    if (state.awaiting.size === 0) this.finishForward(state)
  }

  onReport(from: LinkedEdge, report: ReportPairedData): void {
    const session = this.sessions.get(report.search)
    if (!session || session.done || session.topic !== report.topic) {
      this.onLateReport(from, report)
      return
    }
    session.held.set(from.id, { edge: from, report })
    if (session.waveDone && session.chosen === from.id) this.accept(session, from, report)
  }

  /** An edge went away: it answers 'none' for every wave still waiting on it. */
  onEdgeRemoved(edge: LinkedEdge): void {
    const host = this.host
    this.relays?.drop(edge)
    if (this.sessionMap === null && this.forwardMap === null) return
    for (const session of this.sessions.values()) {
      session.held.delete(edge.id)
      if (!session.done && session.awaiting.delete(edge) && session.awaiting.size === 0)
        this.onWaveDone(session)
    }
    for (const state of [...this.forwards.values()]) {
      if (state.upstream === edge) {
        host.clock.clearTimeout(state.timer)
        this.forwards.delete(state.search)
        continue
      }
      if (state.awaiting.delete(edge) && state.awaiting.size === 0) this.finishForward(state)
    }
  }

  stop(): void {
    this.stopped = true
    for (const session of [...this.sessions.values()]) this.finish(session, 'stopped', null)
    for (const state of this.forwards.values()) this.host.clock.clearTimeout(state.timer)
    this.forwards.clear()
    this.relays = null
  }

  // ------------------------------------------------------------------------------------------------------
  // Forwarding and answering

  private forward(from: LinkedEdge, data: DiscoveryData, ttl: number): void {
    const host = this.host
    const nextTtl = ttl - 1
    const visited = new Set(data.visited)
    const targets =
      nextTtl > 0
        ? host
            .edgeList()
            .filter(
              (edge) => edge !== from && edge.id !== data.origin_id && !visited.has(edge.id) && edge.open
            )
        : []
    // Unpaired (or root: it receives the topic without holding it) and holding the topic: counted as a holder.
    const holds = host.subscriptions.has(data.topic) ? 1 : 0
    if (targets.length === 0) {
      this.ack(from, data.search, 'none', [], holds)
      return
    }
    const waitMs = Math.min(data.wait_ms, host.hopWaitMs)
    const state: ForwardState = {
      search: data.search,
      upstream: from,
      awaiting: new Set(targets),
      result: 'none',
      candidates: [],
      holders: holds,
      timer: null
    }
    this.forwards.set(data.search, state)
    this.relays ??= new InFlight()
    this.relays.add(from, 1)
    state.timer = host.clock.setTimeout(() => this.finishForward(state), waitMs)
    const next: DiscoveryData = {
      ...data,
      previous_hop: host.id,
      visited: [...data.visited, host.id],
      wait_ms: Math.floor(waitMs * 0.9)
    }
    for (const edge of targets) host.send(edge, 'discovery', next, nextTtl)
  }

  private finishForward(state: ForwardState): void {
    if (this.forwards.get(state.search) !== state) return
    this.forwards.delete(state.search)
    this.relays?.add(state.upstream, -1)
    this.host.clock.clearTimeout(state.timer)
    this.ack(state.upstream, state.search, state.result, state.candidates, state.holders)
  }

  /** Spec §4, paired branch: ask the origin's status over UDP, then connect and report_paired. */
  private async answerAsPaired(from: LinkedEdge, data: DiscoveryData, ttl: number): Promise<void> {
    const host = this.host
    const topic = data.topic
    const shared = (): number => host.edgeList().filter((edge) => edge.subscriptions.has(topic)).length
    if (ttl <= 0 || !host.subscriptions.has(topic) || shared() >= host.maxConnections) {
      this.decline(from, data)
      return
    }
    // The origin's address is only what the search says (docs/PROTOCOL.md §10). Contacting it (a status request,
    // then a connect) is paid for from the node's limits on dials of learned addresses, one contact per origin
    // address at a time and only so many at once. Answers for an origin being contacted ride along: they wait for
    // that contact, use the status it got, and go on only if it left an edge; they never send or dial themselves.
    const ip = data.origin_ip
    const port = data.origin_port
    const key = addressKey(ip, port)
    const limits = this.limits
    const contacts = limits.originContacts
    const contact = contacts.get(key)
    if (contact !== undefined) {
      const status = await contact
      if (this.stopped || host.edgeByAddress(ip, port) === undefined) {
        this.decline(from, data)
        return
      }
      await this.pairWithOrigin(from, data, status)
      return
    }
    if (contacts.size >= MAX_DISCOVERY_DIALS_IN_FLIGHT || !host.allowLearnedDial(ip, port)) {
      limits.originRefusals.report({ origin: `${ip}:${port}`, search: data.search })
      this.decline(from, data)
      return
    }
    let status: StatusResponse | null = null
    let contactOver!: (status: StatusResponse | null) => void
    const over = new Promise<StatusResponse | null>((resolve) => (contactOver = resolve))
    contacts.set(key, over)
    try {
      status = await this.pairWithOrigin(from, data, undefined)
    } finally {
      if (contacts.get(key) === over) contacts.delete(key)
      contactOver(status)
    }
  }

  /**
   * The status check, then the connect and report of answerAsPaired. `known`: the status a contact in progress
   * already got (null: it got none), for an answer riding along; undefined: ask now (the paying contact).
   * Returns the status it went on.
   */
  private async pairWithOrigin(
    from: LinkedEdge,
    data: DiscoveryData,
    known: StatusResponse | null | undefined
  ): Promise<StatusResponse | null> {
    const host = this.host
    const topic = data.topic
    const shared = (): number => host.edgeList().filter((edge) => edge.subscriptions.has(topic)).length
    let status = known ?? null
    if (known === undefined) {
      try {
        status = await host.requestStatus(data.origin_ip, data.origin_port)
      } catch (error) {
        // No UDP answer: try TCP anyway; the origin closes the edge if it is paired already.
        this.log.debug('status request before pairing failed', { error })
      }
    }
    if (status?.paired[topic] === true) {
      this.decline(from, data)
      return status
    }
    const count = shared()
    const connects = (this.pairingConnects ??= new InFlight())
    const connecting = connects.get(topic)
    if (
      this.stopped ||
      !host.pairing.isPaired(topic) ||
      count + connecting >= host.maxConnections ||
      (known !== undefined && host.edgeByAddress(data.origin_ip, data.origin_port) === undefined)
    ) {
      this.decline(from, data)
      return status
    }
    const rank = host.pairing.rank(topic)
    this.ack(from, data.search, 'pairing', [{ id: host.id, rank, shared: count }])
    let edge: LinkedEdge
    connects.add(topic, 1)
    try {
      edge = await host.connectToPeer(data.origin_ip, data.origin_port)
    } catch (error) {
      this.log.warn('could not connect to a discovery origin', {
        origin: `${data.origin_ip}:${data.origin_port}`,
        error
      })
      return status
    } finally {
      connects.add(topic, -1)
    }
    const report: ReportPairedData = {
      search: data.search,
      topic,
      on_pair: data.on_pair,
      root_ip: data.root_ip,
      root_port: data.root_port,
      rank
    }
    host.markEdgePaired(edge, topic)
    host.send(edge, 'report_paired', report, host.ttl)
    return status
  }

  /** A paired node that will not pair with this origin: 'none', counting itself as a holder of the topic. */
  private decline(from: LinkedEdge, data: DiscoveryData): void {
    this.ack(from, data.search, 'none', [], this.host.subscriptions.has(data.topic) ? 1 : 0)
  }

  /** `holders`: nodes of this subtree holding the topic that are no candidate (this one included). */
  private ack(
    to: LinkedEdge,
    search: string,
    result: 'none' | 'pairing',
    candidates: PairingCandidate[],
    holders = 0
  ): void {
    if (!to.open) return
    const data: DiscoveryAckData = { search, result, candidates, holders }
    this.host.send(to, 'discovery_ack', data, 0)
  }

  // ------------------------------------------------------------------------------------------------------
  // Origin side

  private onWaveDone(session: OriginSession): void {
    session.waveDone = true
    if (session.candidates.length === 0) {
      const held = this.bestHeld(session)
      if (held) return this.accept(session, held.edge, held.report)
      // The whole reachable network answered and nobody can pair: this node counts as paired, so that the others
      // find it (spec §4). 'first-of-topic' only when no node holding the topic answered at all (spec §4 Ours).
      if (!this.host.pairing.isPaired(session.topic)) this.host.pairing.setPaired(session.topic, 0)
      this.finish(session, session.holders > 0 ? 'no-partner' : 'first-of-topic', null)
      return
    }
    session.chosen = session.candidates[0]!.id
    const chosen = session.held.get(session.chosen)
    if (chosen) this.accept(session, chosen.edge, chosen.report)
  }

  private onSessionTimeout(session: OriginSession): void {
    session.timer = null
    if (session.done) return
    const held = this.bestHeld(session)
    if (held) return this.accept(session, held.edge, held.report)
    this.host.pairing.setPaired(session.topic, 0)
    this.finish(session, 'timeout', null)
  }

  private bestHeld(session: OriginSession): HeldReport | null {
    let best: HeldReport | null = null
    for (const held of session.held.values()) {
      if (!held.edge.open) continue
      if (
        !best ||
        compareCandidates(
          { id: held.edge.id, rank: held.report.rank, shared: 0 },
          { id: best.edge.id, rank: best.report.rank, shared: 0 }
        ) < 0
      ) {
        best = held
      }
    }
    return best
  }

  private accept(session: OriginSession, edge: LinkedEdge, report: ReportPairedData): void {
    session.held.delete(edge.id)
    this.pairThrough(edge, report)
    for (const other of session.held.values()) {
      if (other.edge !== edge && !other.edge.paired) this.host.closeEdge(other.edge, 'pair-rejected')
    }
    session.held.clear()
    this.finish(session, 'paired', edge)
  }

  /** Spec §4: mark the edge paired, apply onPair 'disconnect', mark ourselves paired. */
  private pairThrough(edge: LinkedEdge, report: ReportPairedData): void {
    const host = this.host
    host.markEdgePaired(edge, report.topic)
    if (report.on_pair === 'disconnect') {
      const rootEdge = host.edgeByAddress(report.root_ip, report.root_port)
      if (rootEdge && rootEdge !== edge && !rootEdge.paired) host.closeEdge(rootEdge, 'pair-disconnect')
    }
    host.pairing.setPaired(report.topic, report.rank + 1, edge)
  }

  /** A report for no running search: accept if still unpaired, else this branch lost (spec §4). */
  private onLateReport(edge: LinkedEdge, report: ReportPairedData): void {
    const pairing = this.host.pairing
    if (pairing.has(report.topic) && !pairing.isPaired(report.topic)) {
      this.pairThrough(edge, report)
      return
    }
    const session = this.sessions.get(report.search)
    if (session && session.held.size > 0) session.held.delete(edge.id)
    if (!edge.paired) this.host.closeEdge(edge, 'pair-rejected')
  }

  private finish(session: OriginSession, outcome: DiscoveryOutcome, edge: LinkedEdge | null): void {
    if (session.done) return
    session.done = true
    this.host.clock.clearTimeout(session.timer)
    session.timer = null
    // Keep the session a little while for late reports of this search? They are handled as late reports.
    this.sessions.delete(session.search)
    const holders = outcome === 'no-partner' ? session.holders : 0
    session.resolve(this.conclude(session.topic, outcome, edge, session.startedAt, holders))
  }

  private conclude(
    topic: string,
    result: DiscoveryOutcome,
    edge: LinkedEdge | null,
    startedAt: number,
    holders = 0
  ): DiscoveryResult {
    const elapsedMs = this.host.clock.now() - startedAt
    const concluded: DiscoveryResult = { topic, result, edge, elapsedMs, holders }
    this.host.concluded(concluded)
    return concluded
  }
}
