// The bridge head start (main.ts): the state is asked for before the app loads, and nothing sent meanwhile is
// lost. An in-memory transport: this is ordering logic, not network.
import { expect, test } from 'vitest'
import { buildBridge } from '../../../src/shared/bridge'
import type { MethodName } from '../../../src/shared/methods'
import type { AppUpdate } from '../../../src/shared/snapshots'
import { withHeadStart } from '../../../src/renderer/src/bridge/head-start'

function transport() {
  const calls: MethodName[] = []
  const listeners = new Set<(u: AppUpdate) => void>()
  const bridge = buildBridge({
    call: async (method) => {
      calls.push(method)
      return { ok: true, value: { answer: calls.length } }
    },
    subscribe(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    }
  })
  const push = (seq: number) => listeners.forEach((l) => l({ seq } as AppUpdate))
  return { bridge, calls, push, listeners }
}

test('asks for the state at once and hands that answer to the first getState; later ones ask again', async () => {
  const t = transport()
  const bridge = withHeadStart(t.bridge)
  expect(t.calls).toEqual(['getState'])
  expect(await bridge.getState()).toEqual({ ok: true, value: { answer: 1 } })
  expect(t.calls).toEqual(['getState'])
  expect(await bridge.getState()).toEqual({ ok: true, value: { answer: 2 } })
})

test('updates that arrive before the app listens reach its first listener, in order, then live ones', () => {
  const t = transport()
  const bridge = withHeadStart(t.bridge)
  t.push(1)
  t.push(2)
  const seen: number[] = []
  const stop = bridge.onUpdate((u) => seen.push(u.seq))
  t.push(3)
  expect(seen).toEqual([1, 2, 3])
  // The early buffer is gone: one listener on the transport, and none once the app stops listening.
  expect(t.listeners.size).toBe(1)
  stop()
  expect(t.listeners.size).toBe(0)
  const later: number[] = []
  bridge.onUpdate((u) => later.push(u.seq))
  t.push(4)
  expect(later).toEqual([4])
})
