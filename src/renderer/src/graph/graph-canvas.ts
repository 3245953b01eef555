// Paints the graph on a <canvas>: links (one stroke per style group), the selected or hovered node's links again
// with emphasis, nodes (one pre-rendered sprite each, node-sprites.ts), selection halos and node names. The SVG
// above it holds only transparent hit targets and the link labels, so a frame costs a few canvas calls instead of
// restyling 2000+ elements. While a large graph moves, link strokes are hairlines: wide strokes are the costliest
// thing to rasterise without a GPU; full widths come back as soon as the layout rests.
import type { GraphNodeKind } from '../../../shared/snapshots'
import {
  FOCUS_HALO,
  focusStrokeWidth,
  LINK_GROUPS,
  linkStyleSpec,
  screenStrokeWidth,
  type LinkGroup
} from './link-paths'
import { createNodeSprites, NODE_RADIUS, type NodeSprites } from './node-sprites'

export { NODE_RADIUS } from './node-sprites'

export interface CanvasNode {
  id: string
  x?: number
  y?: number
  model: { label: string; kind: GraphNodeKind; topics: string[]; paired: boolean }
  /** spriteLook(model): which sprite draws it. */
  look: string
}

export interface CanvasLink {
  source: { x?: number; y?: number }
  target: { x?: number; y?: number }
  group: LinkGroup
}

export interface GraphScene {
  nodes: readonly CanvasNode[]
  linkGroups: Map<LinkGroup, CanvasLink[]>
  /** Links of the selected or hovered node: drawn again, emphasised. */
  focusLinks: readonly CanvasLink[]
  labelled: readonly CanvasNode[]
  selected: CanvasNode | null
  focused: CanvasNode | null
  transform: { k: number; x: number; y: number }
  /** Draw cheap strokes (hairlines) this frame. */
  fast: boolean
}

interface LinkStyle {
  colour: string
  width: number
  dash: number[]
  opacity: number
}

interface Palette {
  fg: string
  surface: string
  focus: string
  font: string
  links: Map<LinkGroup, LinkStyle>
}

export interface GraphCanvas {
  resize(width: number, height: number): void
  /** Re-reads the colours from the CSS variables in effect on `from` (after a theme change). */
  refreshColours(from: Element): void
  paint(scene: GraphScene): void
}

const KIND_ORDER: readonly GraphNodeKind[] = ['lan', 'peer', 'local']

export function createGraphCanvas(canvas: HTMLCanvasElement): GraphCanvas {
  const ctx = canvas.getContext('2d')
  let ratio = 1
  let palette: Palette | null = null
  let sprites: NodeSprites | null = null

  function linkPath(links: readonly CanvasLink[]): void {
    if (!ctx) return
    ctx.beginPath()
    for (const l of links) {
      ctx.moveTo(l.source.x ?? 0, l.source.y ?? 0)
      ctx.lineTo(l.target.x ?? 0, l.target.y ?? 0)
    }
  }

  function strokeLinks(links: readonly CanvasLink[], style: LinkStyle, k: number, fast: boolean): void {
    if (!ctx || links.length === 0) return
    linkPath(links)
    ctx.strokeStyle = style.colour
    ctx.globalAlpha = fast ? 1 : style.opacity
    // Widths and dashes are in screen px; the context is scaled by k.
    ctx.lineWidth = (fast ? 1 : screenStrokeWidth(style.width, k)) / k
    ctx.setLineDash(fast ? [] : style.dash.map((d) => d / k))
    ctx.stroke()
  }

  /** The focus links: a halo under each, then the link itself in its own style, wider. */
  function emphasise(links: readonly CanvasLink[], p: Palette, k: number): void {
    if (!ctx || links.length === 0) return
    ctx.lineCap = 'round'
    const byGroup = new Map<LinkGroup, CanvasLink[]>()
    for (const l of links) {
      const list = byGroup.get(l.group)
      if (list) list.push(l)
      else byGroup.set(l.group, [l])
    }
    for (const [group, list] of byGroup) {
      const style = p.links.get(group)
      if (!style) continue
      linkPath(list)
      ctx.strokeStyle = p.focus
      ctx.globalAlpha = FOCUS_HALO.opacity
      ctx.lineWidth = (focusStrokeWidth(screenStrokeWidth(style.width, k)) + 2 * FOCUS_HALO.extraPx) / k
      ctx.setLineDash([])
      ctx.stroke()
    }
    ctx.lineCap = 'butt'
    for (const [group, list] of byGroup) {
      const style = p.links.get(group)
      if (!style) continue
      linkPath(list)
      ctx.strokeStyle = style.colour
      ctx.globalAlpha = 1
      ctx.lineWidth = focusStrokeWidth(screenStrokeWidth(style.width, k)) / k
      ctx.setLineDash(style.dash.map((d) => (d * 1.5) / k))
      ctx.stroke()
    }
    ctx.globalAlpha = 1
  }

  /** Nodes in device pixels, LAN peers first and local nodes last (on top, as they win the hit test). */
  function paintNodes(nodes: readonly CanvasNode[], t: GraphScene['transform']): void {
    if (!ctx || !sprites) return
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.globalAlpha = 1
    const spriteOf = sprites.at(t.k, ratio)
    for (const kind of KIND_ORDER) {
      for (const n of nodes) {
        if (n.model.kind !== kind) continue
        const sprite = spriteOf(n.model, n.look)
        const half = sprite.size / 2
        // Whole device pixels, unscaled: a plain copy of the sprite (see node-sprites.ts).
        ctx.drawImage(
          sprite.image,
          Math.round(((n.x ?? 0) * t.k + t.x) * ratio - half),
          Math.round(((n.y ?? 0) * t.k + t.y) * ratio - half)
        )
      }
    }
  }

  function halo(node: CanvasNode | null, colour: string, width: number, dash: number[], k: number): void {
    if (!ctx || !node) return
    ctx.beginPath()
    ctx.arc(node.x ?? 0, node.y ?? 0, NODE_RADIUS[node.model.kind] + 6, 0, 2 * Math.PI)
    ctx.strokeStyle = colour
    ctx.lineWidth = width / Math.min(k, 1)
    ctx.setLineDash(dash)
    ctx.stroke()
  }

  function text(value: string, x: number, y: number, p: Palette): void {
    if (!ctx) return
    ctx.strokeText(value, x, y)
    ctx.fillStyle = p.fg
    ctx.fillText(value, x, y)
  }

  return {
    resize(width, height) {
      ratio = window.devicePixelRatio || 1
      canvas.width = Math.max(1, Math.round(width * ratio))
      canvas.height = Math.max(1, Math.round(height * ratio))
    },
    refreshColours(from) {
      const css = getComputedStyle(from)
      const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback
      const links = new Map<LinkGroup, LinkStyle>()
      for (const group of LINK_GROUPS) {
        const spec = linkStyleSpec(group)
        links.set(group, { ...spec, colour: v(spec.colourVar, '#888') })
      }
      palette = {
        fg: v('--graph-fg', '#222'),
        surface: v('--graph-surface', '#fff'),
        focus: v(FOCUS_HALO.colourVar, '#2f7de1'),
        font: v('--graph-font', 'sans-serif'),
        links
      }
      const colours = {
        fg: palette.fg,
        muted: v('--graph-muted', '#777'),
        surface: palette.surface,
        neutral: v('--graph-node-neutral', '#ccc'),
        paired: v('--graph-paired', '#f0a020')
      }
      if (sprites) sprites.setColours(colours)
      else sprites = createNodeSprites(colours)
    },
    paint(scene) {
      const p = palette
      if (!ctx || !p) return
      const { k, x, y } = scene.transform
      ctx.setTransform(1, 0, 0, 1, 0, 0)
      ctx.clearRect(0, 0, canvas.width, canvas.height)
      ctx.setTransform(ratio * k, 0, 0, ratio * k, ratio * x, ratio * y)
      ctx.lineCap = 'butt'
      for (const group of LINK_GROUPS) {
        const style = p.links.get(group)
        if (style) strokeLinks(scene.linkGroups.get(group) ?? [], style, k, scene.fast)
      }
      emphasise(scene.focusLinks, p, k)
      paintNodes(scene.nodes, scene.transform)
      ctx.setTransform(ratio * k, 0, 0, ratio * k, ratio * x, ratio * y)
      halo(scene.selected, p.focus, 3, [], k)
      halo(scene.focused, p.focus, 2, [4, 2], k)

      // Names in screen pixels, so they stay legible at any zoom.
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
      ctx.lineJoin = 'round'
      ctx.setLineDash([])
      ctx.strokeStyle = p.surface
      ctx.lineWidth = 3
      ctx.textAlign = 'center'
      ctx.font = `11px ${p.font}`
      ctx.textBaseline = 'top'
      for (const n of scene.labelled) {
        text(n.model.label, (n.x ?? 0) * k + x, (n.y ?? 0) * k + y + (NODE_RADIUS[n.model.kind] + 3) * k, p)
      }
    }
  }
}
