// Paints the graph on a <canvas>: links (one stroke per style group), nodes (one fill per colour), pie slices,
// paired rings, halos and labels. The SVG above it holds only transparent hit targets (for the pointer, keyboard
// focus, screen readers and tests), so a frame costs a few canvas calls instead of restyling 500+ elements.
// While a large graph moves, strokes are drawn as hairlines and pie slices are left out: they are the costliest
// things to rasterise without a GPU; the full drawing comes back as soon as the layout rests.
import type { GraphNodeKind } from '../../../shared/snapshots'
import { formatLatency, topicColour } from './graph-scales'
import {
  LINK_GROUPS,
  linkStyleSpec,
  screenStrokeWidth,
  type LinkGroup,
  type LinkStyleKey
} from './link-paths'

export const NODE_RADIUS: Record<GraphNodeKind, number> = { local: 11, peer: 8, lan: 7 }

export interface CanvasNode {
  id: string
  x?: number
  y?: number
  model: { label: string; kind: GraphNodeKind; topics: string[]; paired: boolean }
}

export interface CanvasLink {
  source: { x?: number; y?: number }
  target: { x?: number; y?: number }
  model: { latencyMs: number | null }
}

export interface GraphScene {
  nodes: readonly CanvasNode[]
  linkGroups: Map<LinkGroup, CanvasLink[]>
  /** Links of the selected or hovered node: drawn highlighted, with their latency as text. */
  focusLinks: readonly CanvasLink[]
  labelled: readonly CanvasNode[]
  selected: CanvasNode | null
  focused: CanvasNode | null
  transform: { k: number; x: number; y: number }
  /** Draw cheap strokes (hairlines) this frame. */
  fast: boolean
}

interface Palette {
  fg: string
  muted: string
  surface: string
  neutral: string
  paired: string
  focus: string
  font: string
  links: Map<LinkStyleKey, { colour: string; width: number; dash: number[]; opacity: number }>
}

export interface GraphCanvas {
  resize(width: number, height: number): void
  /** Re-reads the colours from the CSS variables in effect on `from` (after a theme change). */
  refreshColours(from: Element): void
  paint(scene: GraphScene): void
}

const TAU = Math.PI * 2

export function createGraphCanvas(canvas: HTMLCanvasElement): GraphCanvas {
  const ctx = canvas.getContext('2d')
  let ratio = 1
  let palette: Palette | null = null

  function strokeLinks(links: readonly CanvasLink[], key: LinkStyleKey, k: number, fast: boolean): void {
    const style = palette?.links.get(key)
    if (!ctx || !style || links.length === 0) return
    ctx.beginPath()
    for (const l of links) {
      ctx.moveTo(l.source.x ?? 0, l.source.y ?? 0)
      ctx.lineTo(l.target.x ?? 0, l.target.y ?? 0)
    }
    ctx.strokeStyle = style.colour
    ctx.globalAlpha = fast ? 1 : style.opacity
    // Widths and dashes are in screen px; the context is scaled by k.
    ctx.lineWidth = (fast ? 1 : screenStrokeWidth(style.width, k)) / k
    ctx.setLineDash(fast ? [] : style.dash.map((d) => d / k))
    ctx.stroke()
  }

  function circlePath(nodes: readonly CanvasNode[], extra = 0): void {
    if (!ctx) return
    ctx.beginPath()
    for (const n of nodes) {
      const r = NODE_RADIUS[n.model.kind] + extra
      ctx.moveTo((n.x ?? 0) + r, n.y ?? 0)
      ctx.arc(n.x ?? 0, n.y ?? 0, r, 0, TAU)
    }
  }

  function paintNodes(nodes: readonly CanvasNode[], p: Palette, k: number, fast: boolean): void {
    if (!ctx) return
    // Bodies: one fill per colour (neutral for none or several topics, whose slices go on top).
    const byColour = new Map<string, CanvasNode[]>()
    const slices = new Map<string, { n: CanvasNode; a0: number; a1: number }[]>()
    for (const n of nodes) {
      const topics = n.model.topics
      // While a large graph moves, a node with several topics shows its first one (slices return at rest).
      const colour = topics.length === 1 || (fast && topics.length > 1) ? topicColour(topics[0]) : p.neutral
      const list = byColour.get(colour)
      if (list) list.push(n)
      else byColour.set(colour, [n])
      if (topics.length > 1 && !fast) {
        topics.forEach((t, i) => {
          const c = topicColour(t)
          const slice = {
            n,
            a0: -Math.PI / 2 + (i * TAU) / topics.length,
            a1: -Math.PI / 2 + ((i + 1) * TAU) / topics.length
          }
          const sl = slices.get(c)
          if (sl) sl.push(slice)
          else slices.set(c, [slice])
        })
      }
    }
    for (const [colour, list] of byColour) {
      ctx.fillStyle = colour
      for (const lan of [false, true]) {
        const part = list.filter((n) => (n.model.kind === 'lan') === lan)
        if (part.length === 0) continue
        ctx.globalAlpha = lan ? 0.35 : 1
        circlePath(part)
        ctx.fill()
      }
    }
    for (const [colour, list] of slices) {
      ctx.fillStyle = colour
      for (const lan of [false, true]) {
        const part = list.filter((s) => (s.n.model.kind === 'lan') === lan)
        if (part.length === 0) continue
        ctx.globalAlpha = lan ? 0.35 : 1
        ctx.beginPath()
        for (const s of part) {
          const x = s.n.x ?? 0
          const y = s.n.y ?? 0
          ctx.moveTo(x, y)
          ctx.arc(x, y, NODE_RADIUS[s.n.model.kind], s.a0, s.a1)
          ctx.closePath()
        }
        ctx.fill()
      }
    }
    ctx.globalAlpha = 1
    // Outlines: peers get a thin edge in the surface colour, local nodes a strong one, LAN peers a dashed one.
    const outline = (list: CanvasNode[], colour: string, width: number, dash: number[]): void => {
      if (list.length === 0) return
      circlePath(list)
      ctx.strokeStyle = colour
      ctx.lineWidth = fast ? 1 / k : width
      ctx.setLineDash(fast ? [] : dash)
      ctx.stroke()
    }
    outline(
      nodes.filter((n) => n.model.kind === 'peer'),
      p.surface,
      1.5,
      []
    )
    outline(
      nodes.filter((n) => n.model.kind === 'lan'),
      p.muted,
      1.5,
      [3, 2]
    )
    outline(
      nodes.filter((n) => n.model.kind === 'local'),
      p.fg,
      2,
      []
    )
    const paired = nodes.filter((n) => n.model.paired)
    if (paired.length > 0) {
      circlePath(paired, 3.5)
      ctx.strokeStyle = p.paired
      ctx.lineWidth = fast ? 1 / k : 2.5
      ctx.setLineDash([])
      ctx.stroke()
    }
  }

  function halo(node: CanvasNode | null, colour: string, width: number, dash: number[]): void {
    if (!ctx || !node) return
    circlePath([node], 6)
    ctx.strokeStyle = colour
    ctx.lineWidth = width
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
      const links = new Map<
        LinkStyleKey,
        { colour: string; width: number; dash: number[]; opacity: number }
      >()
      for (const key of [...LINK_GROUPS, 'highlight'] as LinkStyleKey[]) {
        const spec = linkStyleSpec(key)
        links.set(key, { ...spec, colour: v(spec.colourVar, '#888') })
      }
      palette = {
        fg: v('--graph-fg', '#222'),
        muted: v('--graph-muted', '#777'),
        surface: v('--graph-surface', '#fff'),
        neutral: v('--graph-node-neutral', '#ccc'),
        paired: v('--graph-paired', '#f0a020'),
        focus: v('--graph-focus', '#2f7de1'),
        font: v('--graph-font', 'sans-serif'),
        links
      }
    },
    paint(scene) {
      const p = palette
      if (!ctx || !p) return
      const { k, x, y } = scene.transform
      ctx.setTransform(1, 0, 0, 1, 0, 0)
      ctx.clearRect(0, 0, canvas.width, canvas.height)
      ctx.setTransform(ratio * k, 0, 0, ratio * k, ratio * x, ratio * y)
      ctx.lineCap = 'butt'
      for (const group of LINK_GROUPS) strokeLinks(scene.linkGroups.get(group) ?? [], group, k, scene.fast)
      strokeLinks(scene.focusLinks, 'highlight', k, false)
      paintNodes(scene.nodes, p, k, scene.fast)
      halo(scene.selected, p.focus, 3, [])
      halo(scene.focused, p.focus, 2, [4, 2])

      // Text in screen pixels, so it stays legible at any zoom.
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
      ctx.lineJoin = 'round'
      ctx.setLineDash([])
      ctx.strokeStyle = p.surface
      ctx.lineWidth = 3
      ctx.textAlign = 'center'
      ctx.font = `10px ${p.font}`
      ctx.textBaseline = 'bottom'
      // Latency text only where there is room for it: zoomed in, or a node with few links.
      const linkText = k >= 0.6 || scene.focusLinks.length <= 8 ? scene.focusLinks : []
      for (const l of linkText) {
        if (l.model.latencyMs === null) continue
        const mx = (((l.source.x ?? 0) + (l.target.x ?? 0)) / 2) * k + x
        const my = (((l.source.y ?? 0) + (l.target.y ?? 0)) / 2) * k + y
        text(formatLatency(l.model.latencyMs), mx, my - 2, p)
      }
      ctx.font = `11px ${p.font}`
      ctx.textBaseline = 'top'
      for (const n of scene.labelled) {
        text(n.model.label, (n.x ?? 0) * k + x, (n.y ?? 0) * k + y + (NODE_RADIUS[n.model.kind] + 3) * k, p)
      }
    }
  }
}
