// Remembered window size and position, clamped so a window saved on a since-removed monitor comes back visible.
import type { WindowBounds } from '../settings/settings-schema'

export interface Area {
  x: number
  y: number
  width: number
  height: number
}

export const DEFAULT_SIZE = { width: 1280, height: 820 }

export function restoreBounds(
  saved: WindowBounds | null,
  displays: Area[]
): Partial<Area> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_SIZE }
  const visible = displays.some(
    (d) =>
      saved.x < d.x + d.width - 50 &&
      saved.x + saved.width > d.x + 50 &&
      saved.y >= d.y - 10 &&
      saved.y < d.y + d.height - 50
  )
  const size = { width: saved.width, height: saved.height }
  return visible ? { ...size, x: saved.x, y: saved.y } : size
}
