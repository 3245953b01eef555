// The zoom transform that shows every node: used by the fit-to-view button and once after the first layout.
export interface Bounds {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

export interface ViewTransform {
  k: number
  x: number
  y: number
}

export function boundsOf(points: Iterable<{ x?: number; y?: number }>): Bounds | null {
  let b: Bounds | null = null
  for (const p of points) {
    const x = p.x ?? 0
    const y = p.y ?? 0
    if (!b) b = { minX: x, minY: y, maxX: x, maxY: y }
    else {
      b.minX = Math.min(b.minX, x)
      b.minY = Math.min(b.minY, y)
      b.maxX = Math.max(b.maxX, x)
      b.maxY = Math.max(b.maxY, y)
    }
  }
  return b
}

export interface Insets {
  top: number
  right: number
  bottom: number
  left: number
}

const NO_INSETS: Insets = { top: 0, right: 0, bottom: 0, left: 0 }

/**
 * Scale and translation that centre `bounds` in a `width`×`height` viewport, `padding` px around it plus `insets`
 * (room kept free for overlays such as the legend). Never zooms in past `maxScale` (a lone node stays node-sized)
 * nor out past `minScale`.
 */
export function fitTransform(
  bounds: Bounds | null,
  width: number,
  height: number,
  { padding = 40, minScale = 0.05, maxScale = 2, insets = NO_INSETS } = {}
): ViewTransform {
  // Overlays that would leave less than half the view are ignored rather than squeezing the graph to nothing.
  const inset =
    insets.left + insets.right > width / 2 || insets.top + insets.bottom > height / 2 ? NO_INSETS : insets
  const areaW = width - inset.left - inset.right
  const areaH = height - inset.top - inset.bottom
  const midX = inset.left + areaW / 2
  const midY = inset.top + areaH / 2
  if (!bounds || areaW <= 0 || areaH <= 0) return { k: 1, x: midX, y: midY }
  const w = Math.max(bounds.maxX - bounds.minX, 1)
  const h = Math.max(bounds.maxY - bounds.minY, 1)
  const k = Math.min(
    maxScale,
    Math.max(minScale, Math.min((areaW - 2 * padding) / w, (areaH - 2 * padding) / h))
  )
  const cx = (bounds.minX + bounds.maxX) / 2
  const cy = (bounds.minY + bounds.maxY) / 2
  return { k, x: midX - k * cx, y: midY - k * cy }
}
