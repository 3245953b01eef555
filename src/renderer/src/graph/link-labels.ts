// Where a link's latency text goes: on its own link, where it covers no node and no other label. The midpoint is
// tried first, then points further along the link in both directions; a label with no free spot is left out
// rather than put where it would read as another link's or sit on a node. Screen coordinates (px); pure, so it
// is unit-tested in Node.

export interface LabelLink {
  key: string
  text: string
  /** Width of the text in px (measured by the caller, who knows the font). */
  width: number
  x1: number
  y1: number
  x2: number
  y2: number
  /** Radii of the end nodes: the label keeps clear of them too. */
  r1: number
  r2: number
}

export interface LabelObstacle {
  x: number
  y: number
  r: number
}

export interface PlacedLabel {
  key: string
  text: string
  /** Centre of the label's box. */
  x: number
  y: number
  width: number
  height: number
}

/** Height of a label's box, and room kept around nodes and between labels. */
export const LABEL_HEIGHT = 14
const PADDING_X = 3
const CLEARANCE = 2
/** Positions along the link (0 = first end, 1 = the other), in the order they are tried. */
const CANDIDATES = [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82]

/**
 * Places the labels in order (put the ones that matter most first). `obstacles` are the nodes on screen; a label
 * must not touch any of them, its own link's ends included. Labels outside `viewport` (w×h) are left out.
 */
export function placeLinkLabels(
  links: readonly LabelLink[],
  obstacles: readonly LabelObstacle[],
  viewport: { width: number; height: number }
): PlacedLabel[] {
  const placed: PlacedLabel[] = []
  for (const link of links) {
    const width = link.width + 2 * PADDING_X
    const length = Math.hypot(link.x2 - link.x1, link.y2 - link.y1)
    if (!(length > 0)) continue
    // Only the obstacles near this link can be in the way: one pass over them per link, not per candidate.
    const reach = Math.max(width, LABEL_HEIGHT) / 2 + CLEARANCE
    const near = obstacles.filter(
      (o) =>
        o.x + o.r + reach >= Math.min(link.x1, link.x2) &&
        o.x - o.r - reach <= Math.max(link.x1, link.x2) &&
        o.y + o.r + reach >= Math.min(link.y1, link.y2) &&
        o.y - o.r - reach <= Math.max(link.y1, link.y2)
    )
    for (const t of CANDIDATES) {
      const box: PlacedLabel = {
        key: link.key,
        text: link.text,
        x: link.x1 + (link.x2 - link.x1) * t,
        y: link.y1 + (link.y2 - link.y1) * t,
        width,
        height: LABEL_HEIGHT
      }
      if (!insideViewport(box, viewport)) continue
      if (touchesCircle(box, { x: link.x1, y: link.y1, r: link.r1 })) continue
      if (touchesCircle(box, { x: link.x2, y: link.y2, r: link.r2 })) continue
      if (near.some((o) => touchesCircle(box, o))) continue
      if (placed.some((p) => boxesOverlap(box, p))) continue
      placed.push(box)
      break
    }
  }
  return placed
}

function insideViewport(box: PlacedLabel, viewport: { width: number; height: number }): boolean {
  return (
    box.x - box.width / 2 >= 0 &&
    box.y - box.height / 2 >= 0 &&
    box.x + box.width / 2 <= viewport.width &&
    box.y + box.height / 2 <= viewport.height
  )
}

/** True when the circle (grown by the clearance) reaches into the box. */
export function touchesCircle(box: PlacedLabel, circle: LabelObstacle): boolean {
  const dx = Math.max(Math.abs(circle.x - box.x) - box.width / 2, 0)
  const dy = Math.max(Math.abs(circle.y - box.y) - box.height / 2, 0)
  const r = circle.r + CLEARANCE
  return dx * dx + dy * dy < r * r
}

function boxesOverlap(a: PlacedLabel, b: PlacedLabel): boolean {
  return (
    Math.abs(a.x - b.x) * 2 < a.width + b.width + CLEARANCE &&
    Math.abs(a.y - b.y) * 2 < a.height + b.height + CLEARANCE
  )
}
