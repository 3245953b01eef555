// Where a node that joins a running layout starts: next to the nodes it links to, so it grows out of its
// neighbourhood instead of flying in from the origin and shoving everything on its way.
export interface Position {
  x: number
  y: number
}

/**
 * Near the mean of its already placed neighbours (a small random offset keeps two newcomers apart), or, with no
 * placed neighbour, somewhere on the rim of the current layout where it disturbs the least.
 */
export function placeNewNode(
  neighbours: readonly Position[],
  layout: { centre: Position; radius: number },
  random: () => number = Math.random
): Position {
  const angle = random() * 2 * Math.PI
  if (neighbours.length > 0) {
    const x = neighbours.reduce((s, p) => s + p.x, 0) / neighbours.length
    const y = neighbours.reduce((s, p) => s + p.y, 0) / neighbours.length
    const distance = 20 + random() * 20
    return { x: x + Math.cos(angle) * distance, y: y + Math.sin(angle) * distance }
  }
  const distance = layout.radius + 30
  return { x: layout.centre.x + Math.cos(angle) * distance, y: layout.centre.y + Math.sin(angle) * distance }
}

/** Centre and radius of a set of positions (the radius covers the farthest one); a unit circle at 0 when empty. */
export function layoutExtent(positions: Iterable<Position>): { centre: Position; radius: number } {
  let n = 0
  let sx = 0
  let sy = 0
  const all: Position[] = []
  for (const p of positions) {
    n++
    sx += p.x
    sy += p.y
    all.push(p)
  }
  if (n === 0) return { centre: { x: 0, y: 0 }, radius: 0 }
  const centre = { x: sx / n, y: sy / n }
  let radius = 0
  for (const p of all) radius = Math.max(radius, Math.hypot(p.x - centre.x, p.y - centre.y))
  return { centre, radius }
}
