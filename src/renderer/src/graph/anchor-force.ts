// A d3-force force that holds nodes near an anchor point. Set on the existing nodes when the graph reheats for a
// change of nodes or links, so the newcomers settle in while everything else stays where the person last saw it
// (the rest of the layout is not re-run). Anchors are cleared when the layout comes to rest.
export interface AnchoredNode {
  x?: number
  y?: number
  vx?: number
  vy?: number
  anchor?: { x: number; y: number } | null
}

export interface AnchorForce<T extends AnchoredNode> {
  (alpha: number): void
  initialize(nodes: T[]): void
}

export function anchorForce<T extends AnchoredNode>(strength = 1): AnchorForce<T> {
  let nodes: T[] = []
  const force = (alpha: number): void => {
    for (const n of nodes) {
      if (!n.anchor || n.x === undefined || n.y === undefined) continue
      n.vx = (n.vx ?? 0) + (n.anchor.x - n.x) * strength * alpha
      n.vy = (n.vy ?? 0) + (n.anchor.y - n.y) * strength * alpha
    }
  }
  force.initialize = (list: T[]): void => {
    nodes = list
  }
  return force
}
