// `report_paired` (docs/PROTOCOL.md §5): a paired node that answered a search connected to the origin and says
// so on the new edge, with its own pairing rank.
import { MAX_DISCOVERY_COUNT, MAX_ID_LENGTH, MAX_TOPIC_BYTES } from '../constants'
import type { LinkedEdge } from '../linked-edge'
import { int, ip, obj, oneOf, str } from '../wire-fields'
import { defineCommand } from './command'
import { ON_PAIR, type OnPair } from './discovery'

export interface ReportPairedData {
  search: string
  topic: string
  on_pair: OnPair
  root_ip: string
  root_port: number
  /** The sender's own rank for the topic (the origin's becomes rank + 1). */
  rank: number
}

export interface ReportPairedReceiver {
  onReport(from: LinkedEdge, data: ReportPairedData): void
}

export function readReportPaired(value: unknown): ReportPairedData {
  const c = 'report_paired'
  const data = obj(value, c)
  return {
    search: str(data, 'search', c, MAX_ID_LENGTH),
    topic: str(data, 'topic', c, MAX_TOPIC_BYTES),
    on_pair: oneOf(data, 'on_pair', c, ON_PAIR),
    root_ip: ip(data, 'root_ip', c),
    root_port: int(data, 'root_port', c, 1, 65535),
    rank: int(data, 'rank', c, 0, MAX_DISCOVERY_COUNT)
  }
}

export const reportPairedCommand = defineCommand<ReportPairedData>()({
  name: 'report_paired',
  topic: 'control',
  beforeHandshake: false,
  read: readReportPaired,
  handle(context: { discovery: ReportPairedReceiver }, link, data) {
    context.discovery.onReport(link.edge!, data)
  }
})
