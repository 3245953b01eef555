// What a node sprite (node-sprites.ts) looks like and at which zoom it is rendered: plain numbers and strings, no
// DOM, so the graph's layout and tests can use them anywhere.
import type { GraphNodeKind } from '../../../shared/snapshots'

export const NODE_RADIUS: Record<GraphNodeKind, number> = { local: 11, peer: 8, lan: 7 }
/** The paired ring sits this far outside the body (graph units), this wide. */
export const RING_GAP = 3.5
export const RING_WIDTH = 2.5
/** Zoom steps: 2^(1/16) apart, so a sprite is within 2.2 % of the size the zoom asks for. */
const STEPS_PER_DOUBLING = 16
/** A node subscribed to more topics shows this many slices (thinner ones could not be told apart anyway). */
export const MAX_SLICES = 24

export interface SpriteNode {
  kind: GraphNodeKind
  topics: readonly string[]
  paired: boolean
}

/**
 * The topics a node's sprite shows, a slice each: sorted, so a topic's slice sits at the same place on every node
 * (and nodes with the same topics in another order share one sprite).
 */
export function spriteTopics(node: SpriteNode): string[] {
  return [...node.topics].sort().slice(0, MAX_SLICES)
}

/** What sets a node's sprite apart from another's at the same zoom. */
export function spriteLook(node: SpriteNode): string {
  return `${node.kind}|${node.paired ? 1 : 0}|${spriteTopics(node).join('\u0000')}`
}

/** The zoom a sprite is rendered at for zoom k: the nearest step. */
export function spriteScale(k: number): number {
  return 2 ** (Math.round(Math.log2(k) * STEPS_PER_DOUBLING) / STEPS_PER_DOUBLING)
}

/** Half the sprite's extent in graph units: body, outline, paired ring. */
export function spriteRadius(kind: GraphNodeKind, paired: boolean): number {
  return NODE_RADIUS[kind] + (paired ? RING_GAP + RING_WIDTH / 2 : 1.5) + 1
}
