// Received messages as the Messages view lists them: per node, optionally per topic, newest first, bounded.
import type { ReceivedMessage } from '../../../shared/snapshots'

export const MESSAGES_SHOWN = 100

export function receivedFor(
  messages: readonly ReceivedMessage[],
  nodeId: string,
  topic: string | null,
  limit = MESSAGES_SHOWN
): ReceivedMessage[] {
  const out: ReceivedMessage[] = []
  for (let i = messages.length - 1; i >= 0 && out.length < limit; i--) {
    const m = messages[i]!
    if (m.nodeId === nodeId && (topic === null || m.topic === topic)) out.push(m)
  }
  return out
}

/** Topics this node received messages on, with counts, most active first. */
export function receivedTopics(
  messages: readonly ReceivedMessage[],
  nodeId: string
): { topic: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const m of messages) if (m.nodeId === nodeId) counts.set(m.topic, (counts.get(m.topic) ?? 0) + 1)
  return [...counts]
    .map(([topic, count]) => ({ topic, count }))
    .sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic))
}
