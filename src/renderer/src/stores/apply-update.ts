// Folds a coalesced AppUpdate into the app state. Pure, so it is unit-tested without a browser.
import type { AppState, AppUpdate, HostEvent } from '../../../shared/snapshots'

export const EVENTS_KEPT = 300
export const MESSAGES_KEPT = 200

/** Appends the items newer than the last one kept (a resync can overlap an update), keeping the newest `max`. */
function appendNewer<T extends { seq: number }>(kept: T[], incoming: T[], max: number): T[] {
  if (incoming.length === 0) return kept
  const lastSeq = kept.length > 0 ? kept[kept.length - 1]!.seq : -Infinity
  const fresh = incoming.filter((item) => item.seq > lastSeq)
  return fresh.length === 0 ? kept : [...kept, ...fresh].slice(-max)
}

/** Reconnect attempts fold into one row: an event that `replaces` an earlier one takes its place in the log. */
function withoutReplaced(events: HostEvent[], incoming: readonly HostEvent[]): HostEvent[] {
  const replaced = new Set(incoming.flatMap((e) => (e.replaces === undefined ? [] : [e.replaces])))
  return replaced.size === 0 ? events : events.filter((e) => !replaced.has(e.seq))
}

export function applyUpdate(state: AppState, update: AppUpdate): AppState {
  let nodes = state.nodes
  if (update.nodes.length > 0 || update.removedNodeIds.length > 0) {
    const changed = new Map(update.nodes.map((n) => [n.id, n]))
    const removed = new Set(update.removedNodeIds)
    nodes = state.nodes.filter((n) => !removed.has(n.id)).map((n) => changed.get(n.id) ?? n)
    for (const n of update.nodes)
      if (!state.nodes.some((old) => old.id === n.id) && !removed.has(n.id)) nodes.push(n)
  }
  return {
    ...state,
    nodes,
    graph: update.graph ?? state.graph,
    events: withoutReplaced(appendNewer(state.events, update.events, EVENTS_KEPT), update.events),
    messages: appendNewer(state.messages, update.messages, MESSAGES_KEPT),
    preferences: update.preferences ?? state.preferences,
    notices: update.notices ?? state.notices
  }
}
