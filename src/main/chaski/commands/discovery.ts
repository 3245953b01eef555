// `discovery` (docs/PROTOCOL.md §5): a search for a partner of a topic, forwarded hop by hop (ttl) and answered
// with `discovery_ack` (discovery-ack.ts); a paired node that can pair connects to the origin and sends
// `report_paired` (report-paired.ts). The engine is discovery.ts.
import { MAX_ID_LENGTH, MAX_NAME_BYTES, MAX_TOPIC_BYTES, MAX_VISITED } from '../constants'
import type { LinkedEdge } from '../linked-edge'
import { int, ip, obj, oneOf, str, strList } from '../wire-fields'
import { defineCommand } from './command'

export type OnPair = 'none' | 'disconnect'
export const ON_PAIR: readonly OnPair[] = ['none', 'disconnect']

export interface DiscoveryData {
  search: string
  topic: string
  origin_id: string
  origin_name: string
  origin_ip: string
  origin_port: number
  previous_hop: string
  visited: string[]
  on_pair: OnPair
  root_ip: string
  root_port: number
  /** Remaining time budget of the origin, bounding each hop's wait for acks. */
  wait_ms: number
}

export interface DiscoveryReceiver {
  onDiscovery(from: LinkedEdge, data: DiscoveryData, ttl: number): void
}

export function readDiscovery(value: unknown): DiscoveryData {
  const c = 'discovery'
  const data = obj(value, c)
  return {
    search: str(data, 'search', c, MAX_ID_LENGTH),
    topic: str(data, 'topic', c, MAX_TOPIC_BYTES),
    origin_id: str(data, 'origin_id', c, MAX_ID_LENGTH),
    origin_name: str(data, 'origin_name', c, MAX_NAME_BYTES),
    origin_ip: ip(data, 'origin_ip', c),
    origin_port: int(data, 'origin_port', c, 1, 65535),
    previous_hop: str(data, 'previous_hop', c, MAX_ID_LENGTH),
    visited: strList(data, 'visited', c, MAX_VISITED, MAX_ID_LENGTH),
    on_pair: oneOf(data, 'on_pair', c, ON_PAIR),
    root_ip: ip(data, 'root_ip', c),
    root_port: int(data, 'root_port', c, 1, 65535),
    wait_ms: int(data, 'wait_ms', c, 0, 3_600_000)
  }
}

export const discoveryCommand = defineCommand<DiscoveryData>()({
  name: 'discovery',
  topic: 'control',
  beforeHandshake: false,
  read: readDiscovery,
  handle(context: { discovery: DiscoveryReceiver }, link, data, envelope) {
    context.discovery.onDiscovery(link.edge!, data, envelope.ttl)
  }
})
