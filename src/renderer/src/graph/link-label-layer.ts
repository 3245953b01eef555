// The latency labels of the selected or hovered node's links, as SVG text in screen space over the canvas: each on
// a small plate of the background colour, at the spot link-labels.ts found on its own link. A handful of elements
// (at most LINK_LABEL_LIMIT), reused by link key, moved every frame while the layout runs.
import { LABEL_HEIGHT, type PlacedLabel } from './link-labels'

const SVG_NS = 'http://www.w3.org/2000/svg'
export const LINK_LABEL_FONT_PX = 10

export interface LinkLabelLayer {
  /** Width of `text` in px in the label font (cached). */
  measure(text: string): number
  render(labels: readonly PlacedLabel[]): void
  setFont(family: string): void
}

interface LabelElement {
  g: SVGGElement
  rect: SVGRectElement
  text: SVGTextElement
}

export function createLinkLabelLayer(svg: SVGSVGElement): LinkLabelLayer {
  const layer = document.createElementNS(SVG_NS, 'g')
  layer.setAttribute('class', 'link-labels')
  layer.setAttribute('aria-hidden', 'true')
  svg.appendChild(layer)
  const shown = new Map<string, LabelElement>()
  const widths = new Map<string, number>()
  const measurer = document.createElement('canvas').getContext('2d')
  let font = `${LINK_LABEL_FONT_PX}px sans-serif`

  function create(key: string): LabelElement {
    const g = document.createElementNS(SVG_NS, 'g')
    g.setAttribute('class', 'link-label')
    g.setAttribute('data-link', key)
    const rect = document.createElementNS(SVG_NS, 'rect')
    rect.setAttribute('height', String(LABEL_HEIGHT))
    rect.setAttribute('rx', '3')
    const text = document.createElementNS(SVG_NS, 'text')
    text.setAttribute('text-anchor', 'middle')
    text.setAttribute('dominant-baseline', 'central')
    g.append(rect, text)
    layer.appendChild(g)
    return { g, rect, text }
  }

  return {
    measure(text) {
      let w = widths.get(text)
      if (w === undefined) {
        if (measurer) measurer.font = font
        w = measurer ? measurer.measureText(text).width : text.length * 6
        if (widths.size > 500) widths.clear()
        widths.set(text, w)
      }
      return w
    },
    render(labels) {
      const keep = new Set<string>()
      for (const l of labels) {
        keep.add(l.key)
        const el = shown.get(l.key) ?? create(l.key)
        shown.set(l.key, el)
        const x = Math.round(l.x * 10) / 10
        const y = Math.round(l.y * 10) / 10
        el.rect.setAttribute('x', String(Math.round((l.x - l.width / 2) * 10) / 10))
        el.rect.setAttribute('y', String(Math.round((l.y - l.height / 2) * 10) / 10))
        el.rect.setAttribute('width', String(Math.round(l.width * 10) / 10))
        el.text.setAttribute('x', String(x))
        el.text.setAttribute('y', String(y))
        if (el.text.textContent !== l.text) el.text.textContent = l.text
      }
      for (const [key, el] of shown) {
        if (keep.has(key)) continue
        el.g.remove()
        shown.delete(key)
      }
    },
    setFont(family) {
      font = `${LINK_LABEL_FONT_PX}px ${family}`
      widths.clear()
    }
  }
}
