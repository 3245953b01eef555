// LinkedEdge: an Edge as the node's parts hold it (connections, pings, topics, discovery, adverts): the link that
// carries it, the keep-alive ping it waits for, the last pong's identity bytes. The app sees the same object typed as
// Edge (edge.ts), whose public face has none of these.
import { Edge, EDGE_NEXT_FLAG, type EdgeDirection, type IdentityUpdate, type PeerRef } from './edge'
import type { EdgeLink, LinkState } from './edge-link'
import type { Identity } from './identity'

/** LinkedEdge's bit of the edge's flags: supersededAtAddress. */
const SUPERSEDED_AT_ADDRESS = EDGE_NEXT_FLAG

export class LinkedEdge extends Edge {
  /** Keep-alive ping still waiting for its pong (spec §6). */
  keepAlivePending: number | null = null
  /** Identity bytes of the last validated pong in our layout (node-pings.ts compares them, not decodes). */
  pongIdentity: Buffer | null = null
  #link: EdgeLink
  #from: PeerRef | null = null

  constructor(identity: Identity, link: EdgeLink, ip: string, version: number, connectedAt: number) {
    const direction: EdgeDirection = link.outbound ? 'outbound' : 'inbound'
    super(identity, direction, ip, version, connectedAt)
    this.#link = link
  }

  /** @internal A newer edge registered at this one's address (a restarted peer): address lookups skip this one. */
  get supersededAtAddress(): boolean {
    return this.hasFlag(SUPERSEDED_AT_ADDRESS)
  }

  set supersededAtAddress(superseded: boolean) {
    this.setFlag(SUPERSEDED_AT_ADDRESS, superseded)
  }

  protected get linkState(): LinkState {
    return this.#link.state
  }

  /** The link currently carrying this edge. */
  get link(): EdgeLink {
    return this.#link
  }

  /**
   * A new link replaced the old one (docs/PROTOCOL.md, "Duplicate links": a reconnection over a half-open link, or a
   * duplicate race). A keep-alive ping sent on the old link can never be answered on the new one: it is forgotten,
   * or the next keep-alive round would cut the healthy new link.
   */
  replaceLink(link: EdgeLink): void {
    this.#link = link
    this.keepAlivePending = null
  }

  /** The sender reference of 'message' events, made once per name. */
  get from(): PeerRef {
    this.#from ??= Object.freeze({ id: this.id, name: this.name, ip: this.ip, port: this.port })
    return this.#from
  }

  /** Applies a pong's, update's or repeated handshake's identity fields; true when something changed. */
  refresh(update: IdentityUpdate): boolean {
    const name = this.name
    if (!this.applyIdentity(update)) return false
    if (this.name !== name) this.#from = null
    // The bytes of an earlier pong no longer describe this edge: the next pong is decoded in full.
    this.pongIdentity = null
    return true
  }
}

/** The node's side of an edge the app hands back (every Edge a node makes is a LinkedEdge). */
export function linkedEdge(edge: Edge): LinkedEdge {
  if (edge instanceof LinkedEdge) return edge
  throw new TypeError('not an edge of a ChaskiNode')
}
