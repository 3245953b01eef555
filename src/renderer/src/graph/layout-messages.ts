// What the page and the layout worker (layout-worker.ts) say to each other. Every shape sent starts a new
// generation; ticks of an older one (still on their way when the graph changed) are dropped by the page.
import type { EngineLink, EngineNode } from './layout-engine'

export type LayoutRequest =
  | { type: 'graph'; generation: number; nodes: EngineNode[]; links: EngineLink[]; alpha: number }
  | { type: 'pin'; index: number; at: { x: number; y: number } | null }
  | { type: 'stop' }

export type LayoutResponse =
  { type: 'tick'; generation: number; positions: Float32Array } | { type: 'end'; generation: number }
