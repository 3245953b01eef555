// `discovery_ack` (docs/PROTOCOL.md §5, echo wave): a hop's answer once its subtree is done, with the pairing
// candidates found below it and how many nodes holding the topic it reached.
import { MAX_CANDIDATES, MAX_DISCOVERY_COUNT, MAX_ID_LENGTH } from '../constants'
import type { LinkedEdge } from '../linked-edge'
import { fail, get, int, obj, oneOf, str } from '../wire-fields'
import { defineCommand } from './command'

/** A paired node that will connect to the origin. */
export interface PairingCandidate {
  id: string
  /** Depth in the topic's pairing tree (0: the first node of the topic). Lower wins. */
  rank: number
  /** Edges the candidate already has sharing the topic. More wins on equal rank. */
  shared: number
}

export interface DiscoveryAckData {
  search: string
  result: 'none' | 'pairing'
  candidates: PairingCandidate[]
  /**
   * Nodes of the acker's subtree (itself included) subscribed to the topic, paired or not. Optional on the wire
   * (0 when absent, as from older nodes): with it, an origin that finds no candidate knows whether it is really
   * alone with its topic.
   */
  holders: number
}

export interface DiscoveryAckReceiver {
  onAck(from: LinkedEdge, data: DiscoveryAckData): void
}

export function readDiscoveryAck(value: unknown): DiscoveryAckData {
  const c = 'discovery_ack'
  const data = obj(value, c)
  const result = oneOf(data, 'result', c, ['none', 'pairing'] as const)
  const list = get(data, 'candidates') ?? []
  if (!Array.isArray(list) || list.length > MAX_CANDIDATES)
    fail(c, `'candidates' must be a list of <= ${MAX_CANDIDATES}`)
  const candidates = list.map((item: unknown) => {
    const entry = obj(item, c)
    return {
      id: str(entry, 'id', c, MAX_ID_LENGTH),
      rank: int(entry, 'rank', c, 0, MAX_DISCOVERY_COUNT),
      shared: int(entry, 'shared', c, 0, MAX_DISCOVERY_COUNT)
    }
  })
  const holders = get(data, 'holders') === undefined ? 0 : int(data, 'holders', c, 0, MAX_DISCOVERY_COUNT)
  return { search: str(data, 'search', c, MAX_ID_LENGTH), result, candidates, holders }
}

export const discoveryAckCommand = defineCommand<DiscoveryAckData>()({
  name: 'discovery_ack',
  topic: 'control',
  beforeHandshake: false,
  read: readDiscoveryAck,
  handle(context: { discovery: DiscoveryAckReceiver }, link, data) {
    context.discovery.onAck(link.edge!, data)
  }
})
