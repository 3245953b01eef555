// The one store of the dashboard: the host's state (kept in sync by coalesced updates) and the actions that call
// the bridge. Components read from here and never talk to the bridge themselves.
// Imports are relative (not '@shared') so the store also loads and type-checks in the Node unit tests.
import { defineStore } from 'pinia'
import { computed, shallowRef, ref } from 'vue'
import type { ChaskiBridge, ContractArgs, ContractResults } from '../../../shared/contract'
import type { MethodName } from '../../../shared/methods'
import type { ContractError, Result } from '../../../shared/result'
import type { AppState, AppUpdate, NodeSnapshot } from '../../../shared/snapshots'
import { applyUpdate } from './apply-update'

const EMPTY: AppState = {
  nodes: [],
  graph: { nodes: [], links: [] },
  events: [],
  messages: [],
  preferences: { theme: 'system', recentAddresses: [] },
  notices: [],
  newNodeDefaults: { ip: '127.0.0.1', ports: { first: 8511, last: 8767 } }
}

/** Thrown by actions when the host answers with an error; carries the host's message for the UI. */
export class HostCallError extends Error {
  constructor(readonly error: ContractError) {
    super(error.message)
    this.name = error.name
  }
}

/** 'ipc': the desktop app's preload (always up); 'websocket': a browser on `chaski serve` (may drop). */
export type BridgeMode = 'ipc' | 'websocket'

export const useAppStore = defineStore('app', () => {
  // shallowRef: snapshots are replaced whole on every update, never mutated in place.
  const state = shallowRef<AppState>(EMPTY)
  const loaded = ref(false)
  const loadError = ref<string | null>(null)
  const bridgeMode = ref<BridgeMode>('ipc')
  const bridgeConnected = ref(true)
  /** Ever connected: tells "connecting…" from "connection lost". */
  const bridgeEverConnected = ref(false)
  /** While the host is away: when the page lost it, and when it tries again (epoch ms). */
  const bridgeLostAt = ref<number | null>(null)
  const bridgeNextRetryAt = ref<number | null>(null)
  let reconnectNow: () => void = () => undefined
  const selectedNodeId = ref<string | null>(null)
  const selectedPeerId = ref<string | null>(null)
  let bridge: ChaskiBridge | null = null
  let unsubscribe: (() => void) | null = null

  const nodes = computed(() => state.value.nodes)
  const selectedNode = computed<NodeSnapshot | null>(
    () => state.value.nodes.find((n) => n.id === selectedNodeId.value) ?? state.value.nodes[0] ?? null
  )

  async function connectBridge(b: ChaskiBridge): Promise<void> {
    bridge = b
    unsubscribe?.()
    // Subscribe first, then fetch: an update racing the fetch is applied on top, never lost.
    const early: AppUpdate[] = []
    let fetched = false
    unsubscribe = b.onUpdate((update) => {
      if (!fetched) early.push(update)
      else state.value = applyUpdate(state.value, update)
    })
    try {
      const initial = await call('getState')
      fetched = true
      state.value = early.reduce(applyUpdate, initial)
      loaded.value = true
      loadError.value = null
    } catch (err) {
      loadError.value = (err as Error).message
      throw err
    }
  }

  /** After the WebSocket came back: updates sent while it was down are lost, so fetch the whole state again. */
  async function resync(): Promise<void> {
    if (!bridge) return
    try {
      state.value = await call('getState')
      loaded.value = true
      loadError.value = null
    } catch (err) {
      loadError.value = (err as Error).message
    }
  }

  function setBridgeMode(mode: BridgeMode): void {
    bridgeMode.value = mode
    bridgeConnected.value = mode === 'ipc'
  }

  /**
   * The WebSocket's state: when the host comes back, everything is fetched again (updates sent while it was away are
   * lost, and a restarted host starts its counters over).
   */
  function setBridgeStatus(connected: boolean, nextRetryAt: number | null = null): void {
    const cameBack = connected && !bridgeConnected.value && bridgeEverConnected.value
    if (!connected && bridgeConnected.value) bridgeLostAt.value = Date.now()
    bridgeConnected.value = connected
    bridgeNextRetryAt.value = connected ? null : nextRetryAt
    if (connected) {
      bridgeEverConnected.value = true
      bridgeLostAt.value = null
    }
    if (cameBack) void resync()
  }

  /** How to try reaching the host at once (the browser bridge's), instead of at its next planned try. */
  function setReconnect(fn: () => void): void {
    reconnectNow = fn
  }

  function retryBridgeNow(): void {
    reconnectNow()
  }

  async function call<M extends MethodName>(
    method: M,
    ...args: ContractArgs<M>
  ): Promise<ContractResults[M]> {
    if (!bridge)
      throw new HostCallError({ name: 'NotConnected', message: 'not connected to the node host yet' })
    const fn = bridge[method] as (...a: ContractArgs<M>) => Promise<Result<ContractResults[M]>>
    const result = await fn(...args)
    if (!result.ok) throw new HostCallError(result.error)
    return result.value
  }

  /** Applies a node snapshot returned by an action at once, without waiting for the next update. */
  function acceptNode(snapshot: NodeSnapshot): NodeSnapshot {
    const index = state.value.nodes.findIndex((n) => n.id === snapshot.id)
    const nodes =
      index < 0
        ? [...state.value.nodes, snapshot]
        : state.value.nodes.map((n) => (n.id === snapshot.id ? snapshot : n))
    state.value = { ...state.value, nodes }
    return snapshot
  }

  /** Drops a node the host removed, without waiting for the next update. */
  function forgetNode(id: string): void {
    state.value = { ...state.value, nodes: state.value.nodes.filter((n) => n.id !== id) }
    if (selectedNodeId.value === id) selectNode(null)
  }

  function selectNode(id: string | null): void {
    selectedNodeId.value = id
    selectedPeerId.value = null
  }

  function selectPeer(id: string | null): void {
    selectedPeerId.value = id
  }

  /**
   * A click on the graph or the matrix: a local node becomes the selected node; a peer becomes the selected peer,
   * seen from a local node that is linked to it (or hears it on the LAN) so the side panels have something to show.
   */
  function selectGraphNode(id: string | null): void {
    if (id === null) {
      selectedPeerId.value = null
      return
    }
    if (state.value.nodes.some((n) => n.id === id)) {
      selectNode(id)
      return
    }
    const current = selectedNode.value
    const knows = (n: NodeSnapshot) =>
      n.edges.some((e) => e.peerId === id) || n.lan.peers.some((p) => p.id === id)
    if (!current || !knows(current)) {
      const other = state.value.nodes.find(knows)
      if (other) selectedNodeId.value = other.id
    }
    selectedPeerId.value = id
  }

  return {
    state,
    loaded,
    loadError,
    bridgeMode,
    bridgeConnected,
    bridgeEverConnected,
    bridgeLostAt,
    bridgeNextRetryAt,
    setReconnect,
    retryBridgeNow,
    nodes,
    selectedNode,
    selectedNodeId,
    selectedPeerId,
    connectBridge,
    resync,
    setBridgeMode,
    setBridgeStatus,
    call,
    acceptNode,
    forgetNode,
    selectNode,
    selectPeer,
    selectGraphNode
  }
})
