// A fake `window.chaski` for driving the real dashboard with a synthetic network: installed with
// page.addInitScript before the app loads, so pickBridge()/main.ts take it for the preload's bridge and data flows
// bridge -> Pinia store -> components exactly as in the desktop app. getState returns the seed state; the page
// (or the bench, through `__chaskiFake`) pushes AppUpdates. Every other method answers with an error result.
//
// installFakeBridge runs inside the page: it must not use anything from this module's scope (Playwright sends
// its source text), and this file is type-checked without the DOM library, hence globalThis.
import type { AppState, AppUpdate, GraphLinkModel, GraphModelSnapshot } from '../src/shared/snapshots'

export interface FakeBridgeSeed {
  state: AppState
  methods: readonly string[]
}

/** What the page exposes as `window.__chaskiFake`. */
export interface FakeBridgeControl {
  /** Replaces the graph and pushes it as one update (like the host's coalescer does on any graph change). */
  pushGraph(graph: GraphModelSnapshot): void
  /** Changes the latency of `count` links (round robin over the link list) and pushes the new graph. */
  changeLatencies(count: number): void
  /**
   * Makes `graph` the base of the next paced update (see start), as the host's coalescer folds a change of
   * nodes or links into its next update instead of sending one more.
   */
  queueGraph(graph: GraphModelSnapshot): void
  /**
   * Pushes `changeLatencies(count)` every `intervalMs` until stop(), paced like the host's UpdateCoalescer: the
   * next push waits until `intervalMs` after the previous one, so a stalled page never gets a burst.
   */
  start(intervalMs: number, count: number): void
  stop(): void
  /** performance.now() of every update delivered to a listener (what the store received). */
  deliveries(): number[]
  listeners(): number
  graph(): GraphModelSnapshot
}

export function installFakeBridge(seed: FakeBridgeSeed): void {
  const scope = globalThis as unknown as Record<string, unknown>
  let state = seed.state
  let seq = 0
  let cursor = 0
  let queued: GraphModelSnapshot | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  const listeners = new Set<(update: AppUpdate) => void>()
  const delivered: number[] = []

  function emit(update: AppUpdate): void {
    for (const listener of listeners) {
      delivered.push(performance.now())
      listener(update)
    }
  }

  function pushGraph(graph: GraphModelSnapshot): void {
    state = { ...state, graph }
    emit({
      seq: ++seq,
      nodes: [],
      removedNodeIds: [],
      graph,
      events: [],
      messages: [],
      preferences: null,
      notices: null
    })
  }

  function changeLatencies(count: number): void {
    const base = queued ?? state.graph
    queued = null
    const links: GraphLinkModel[] = base.links.slice()
    for (let i = 0; i < count; i++) {
      const index = cursor++ % links.length
      // Log-uniform 0.05 .. 400 ms: the link usually changes colour and width class.
      const latencyMs = Math.round(Math.exp(Math.log(0.05) + Math.random() * Math.log(8000)) * 1000) / 1000
      links[index] = { ...links[index], latencyMs }
    }
    pushGraph({ nodes: base.nodes, links })
  }

  const control: FakeBridgeControl = {
    pushGraph,
    changeLatencies,
    queueGraph(graph) {
      queued = graph
    },
    start(intervalMs, count) {
      if (timer !== null) clearTimeout(timer)
      let last = performance.now()
      const tick = (): void => {
        // Timers may fire a fraction of a millisecond early: never push sooner than intervalMs after the last.
        const early = last + intervalMs - performance.now()
        if (early > 0) {
          timer = setTimeout(tick, early + 1)
          return
        }
        last = performance.now()
        changeLatencies(count)
        timer = setTimeout(tick, intervalMs)
      }
      timer = setTimeout(tick, intervalMs)
    },
    stop() {
      if (timer !== null) clearTimeout(timer)
      timer = null
    },
    deliveries: () => delivered.slice(),
    listeners: () => listeners.size,
    graph: () => state.graph
  }

  const refuse = () =>
    Promise.resolve({
      ok: false,
      error: { name: 'FakeBridgeError', message: 'not available with the fake bridge' }
    })
  const bridge: Record<string, unknown> = Object.fromEntries(seed.methods.map((m) => [m, refuse]))
  bridge.getState = () => Promise.resolve({ ok: true, value: state })
  bridge.onUpdate = (listener: (update: AppUpdate) => void) => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }
  scope.__chaskiFake = control
  scope.chaski = bridge
}

/**
 * The init script for page.addInitScript({ content }). Sent as text with a `__name` shim: tsx and vitest compile
 * with esbuild's keepNames, which wraps inner functions in a `__name()` helper the page does not have.
 */
export function fakeBridgeScript(seed: FakeBridgeSeed): string {
  return `(() => { const __name = (f) => f; (${installFakeBridge.toString()})(${JSON.stringify(seed)}) })()`
}
