import { describe, expect, test } from 'vitest'
import { EVENT_KINDS, eventKindLabel, filterEvents } from '../../../src/renderer/src/composables/event-filter'
import { MESSAGES_SHOWN, receivedFor, receivedTopics } from '../../../src/renderer/src/composables/messages'
import { event, message } from './fixtures'

describe('event log filter', () => {
  const events = [event(1, 'a', 'edge-added'), event(2, 'b', 'paired'), event(3, 'a', 'edge-removed')]

  test('newest first, by node and by kind', () => {
    expect(filterEvents(events, { nodeId: null, kinds: [] }).map((e) => e.seq)).toEqual([3, 2, 1])
    expect(filterEvents(events, { nodeId: 'a', kinds: [] }).map((e) => e.seq)).toEqual([3, 1])
    expect(filterEvents(events, { nodeId: null, kinds: ['paired', 'edge-added'] }).map((e) => e.seq)).toEqual(
      [2, 1]
    )
    expect(filterEvents(events, { nodeId: 'b', kinds: ['edge-added'] })).toEqual([])
  })

  test('every host event kind has a label', () => {
    const kinds = new Set(EVENT_KINDS.map((k) => k.kind))
    expect(kinds.size).toBe(16)
    expect(eventKindLabel('reconnect-gave-up')).toBe('gave up')
    expect(eventKindLabel('identity-changed')).toBe('changed identity')
  })
})

describe('received messages', () => {
  const messages = [
    message(1, 'a', 'news'),
    message(2, 'b', 'news'),
    message(3, 'a', 'weather'),
    message(4, 'a', 'news')
  ]

  test('per node, per topic, newest first', () => {
    expect(receivedFor(messages, 'a', null).map((m) => m.seq)).toEqual([4, 3, 1])
    expect(receivedFor(messages, 'a', 'news').map((m) => m.seq)).toEqual([4, 1])
    expect(receivedTopics(messages, 'a')).toEqual([
      { topic: 'news', count: 2 },
      { topic: 'weather', count: 1 }
    ])
  })

  test('the list is bounded', () => {
    const many = Array.from({ length: 250 }, (_, i) => message(i, 'a', 'news'))
    const shown = receivedFor(many, 'a', null)
    expect(shown).toHaveLength(MESSAGES_SHOWN)
    expect(shown[0]!.seq).toBe(249)
  })
})
