import { beforeEach, describe, expect, test } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { buildBridge } from '../../../src/shared/bridge'
import type { MethodName } from '../../../src/shared/methods'
import type { Result } from '../../../src/shared/result'
import type { AppState, AppUpdate } from '../../../src/shared/snapshots'
import { HostCallError, useAppStore } from '../../../src/renderer/src/stores/app-store'
import { applyUpdate } from '../../../src/renderer/src/stores/apply-update'
import { edge, event, node } from './fixtures'

/** An in-memory host: answers calls from a table, pushes updates on demand. No network: this is store logic. */
function fakeHost(state: AppState) {
  let listener: ((u: AppUpdate) => void) | null = null
  const answers: Partial<Record<MethodName, (args: unknown[]) => Result<unknown>>> = {
    getState: () => ({ ok: true, value: state })
  }
  let beforeReply: (() => void) | null = null
  const bridge = buildBridge({
    async call(method, args) {
      beforeReply?.()
      const answer = answers[method]
      return answer
        ? answer(args)
        : { ok: false, error: { name: 'UnknownNodeError', message: 'no such node' } }
    },
    subscribe(l) {
      listener = l
      return () => (listener = null)
    }
  })
  return {
    bridge,
    answers,
    push: (u: Partial<AppUpdate>) => listener?.(update(u)),
    onCall: (f: () => void) => (beforeReply = f),
    setState: (s: AppState) => (state = s)
  }
}

function update(u: Partial<AppUpdate>): AppUpdate {
  return {
    seq: 1,
    nodes: [],
    removedNodeIds: [],
    graph: null,
    events: [],
    messages: [],
    preferences: null,
    notices: null,
    ...u
  }
}

function appState(patch: Partial<AppState> = {}): AppState {
  return {
    nodes: [],
    graph: { nodes: [], links: [] },
    events: [],
    messages: [],
    preferences: { theme: 'system', recentAddresses: [] },
    newNodeDefaults: { ip: '127.0.0.1', ports: { first: 8511, last: 8767 } },
    notices: [],
    ...patch
  }
}

beforeEach(() => setActivePinia(createPinia()))

describe('app store', () => {
  test('an update racing the first fetch is applied on top, not lost', async () => {
    const host = fakeHost(appState({ nodes: [node({ id: 'a' })] }))
    host.onCall(() => host.push({ nodes: [node({ id: 'b' })] }))
    const store = useAppStore()
    await store.connectBridge(host.bridge)
    expect(store.loaded).toBe(true)
    expect(store.nodes.map((n) => n.id)).toEqual(['a', 'b'])
    expect(store.selectedNode?.id).toBe('a')
  })

  test("a failed call throws HostCallError with the host's name and message", async () => {
    const host = fakeHost(appState())
    const store = useAppStore()
    await store.connectBridge(host.bridge)
    const err = await store.call('startNode', 'x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HostCallError)
    expect((err as HostCallError).name).toBe('UnknownNodeError')
    expect((err as HostCallError).message).toBe('no such node')
  })

  test('after the WebSocket comes back the whole state is fetched again', async () => {
    const host = fakeHost(appState({ nodes: [node({ id: 'a' })] }))
    const store = useAppStore()
    store.setBridgeMode('websocket')
    expect(store.bridgeConnected).toBe(false)
    store.setBridgeStatus(true)
    await store.connectBridge(host.bridge)
    store.setBridgeStatus(false)
    // While down, the host moved on: 'a' was removed and 'c' created; those updates never arrived.
    host.setState(appState({ nodes: [node({ id: 'c' })] }))
    store.setBridgeStatus(true)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(store.nodes.map((n) => n.id)).toEqual(['c'])
  })

  test('a click on a peer in the graph selects it from a local node that is linked to it', async () => {
    const host = fakeHost(
      appState({
        nodes: [node({ id: 'a' }), node({ id: 'b', edges: [edge({ peerId: 'p' })] })]
      })
    )
    const store = useAppStore()
    await store.connectBridge(host.bridge)
    store.selectGraphNode('p')
    expect(store.selectedNode?.id).toBe('b')
    expect(store.selectedPeerId).toBe('p')
    store.selectGraphNode('a')
    expect(store.selectedNode?.id).toBe('a')
    expect(store.selectedPeerId).toBeNull()
  })

  test('a removed node is forgotten and the selection falls back to another', async () => {
    const host = fakeHost(appState({ nodes: [node({ id: 'a' }), node({ id: 'b' })] }))
    const store = useAppStore()
    await store.connectBridge(host.bridge)
    store.selectNode('b')
    store.forgetNode('b')
    expect(store.selectedNode?.id).toBe('a')
  })
})

describe('applyUpdate', () => {
  test('events already kept (a resync overlapping an update) are not repeated', () => {
    const state = appState({ events: [event(1, 'a'), event(2, 'a')] })
    const next = applyUpdate(state, update({ events: [event(2, 'a'), event(3, 'a')] }))
    expect(next.events.map((e) => e.seq)).toEqual([1, 2, 3])
    expect(applyUpdate(next, update({ events: [event(3, 'a')] })).events).toBe(next.events)
  })

  test('a reconnect row that replaces an earlier one takes its place, in the same update or a later one', () => {
    const attempt = (seq: number, replaces: number) => ({ ...event(seq, 'a', 'reconnecting'), replaces })
    const state = appState({ events: [event(1, 'a', 'edge-removed'), event(2, 'a', 'reconnecting')] })
    const later = applyUpdate(state, update({ events: [attempt(3, 2)] }))
    expect(later.events.map((e) => e.seq)).toEqual([1, 3])
    // Two attempts in one coalesced update: only the newest row stays.
    const same = applyUpdate(later, update({ events: [attempt(4, 3), attempt(5, 4)] }))
    expect(same.events.map((e) => e.seq)).toEqual([1, 5])
  })

  test('changed nodes are replaced, new ones appended, removed ones dropped', () => {
    const state = appState({ nodes: [node({ id: 'a' }), node({ id: 'b' })] })
    const next = applyUpdate(
      state,
      update({ nodes: [node({ id: 'b', state: 'stopped' }), node({ id: 'c' })], removedNodeIds: ['a'] })
    )
    expect(next.nodes.map((n) => [n.id, n.state])).toEqual([
      ['b', 'stopped'],
      ['c', 'serving']
    ])
  })
})
