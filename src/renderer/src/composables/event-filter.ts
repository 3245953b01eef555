// The event log's kinds (labels, colours, groups a person filters by) and the filter itself. Pure, unit-tested.
import type { HostEvent, HostEventKind } from '../../../shared/snapshots'
import type { Tone } from './format'

export const EVENT_KINDS: { kind: HostEventKind; label: string; tone: Tone }[] = [
  { kind: 'edge-added', label: 'connected', tone: 'success' },
  { kind: 'edge-removed', label: 'disconnected', tone: 'warning' },
  { kind: 'paired', label: 'paired', tone: 'success' },
  { kind: 'unpaired', label: 'not paired', tone: 'default' },
  { kind: 'reconnecting', label: 'reconnecting', tone: 'warning' },
  { kind: 'reconnect-gave-up', label: 'gave up', tone: 'error' },
  { kind: 'discovery-started', label: 'discovery', tone: 'info' },
  { kind: 'discovery-concluded', label: 'discovery result', tone: 'info' },
  { kind: 'protocol-error', label: 'unreadable data', tone: 'error' },
  { kind: 'identity-changed', label: 'changed identity', tone: 'error' },
  { kind: 'peer-refused', label: 'refused', tone: 'warning' },
  { kind: 'lan-peer-seen', label: 'on the LAN', tone: 'info' },
  { kind: 'lan-peer-lost', label: 'left the LAN', tone: 'default' },
  { kind: 'node-started', label: 'node started', tone: 'success' },
  { kind: 'node-stopped', label: 'node stopped', tone: 'default' },
  { kind: 'node-failed', label: 'node failed', tone: 'error' }
]

const BY_KIND = new Map(EVENT_KINDS.map((k) => [k.kind, k]))

export function eventKindLabel(kind: HostEventKind): string {
  return BY_KIND.get(kind)?.label ?? kind
}

export function eventKindTone(kind: HostEventKind): Tone {
  return BY_KIND.get(kind)?.tone ?? 'default'
}

export interface EventFilter {
  /** null: every node. */
  nodeId: string | null
  /** Empty: every kind. */
  kinds: HostEventKind[]
}

/** Matching events, newest first. */
export function filterEvents(events: readonly HostEvent[], filter: EventFilter): HostEvent[] {
  const kinds = new Set(filter.kinds)
  const out: HostEvent[] = []
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!
    if (filter.nodeId !== null && e.nodeId !== filter.nodeId) continue
    if (kinds.size > 0 && !kinds.has(e.kind)) continue
    out.push(e)
  }
  return out
}
