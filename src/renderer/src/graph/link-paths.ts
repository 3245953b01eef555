// How links are styled and grouped. Links are painted on a canvas under the SVG nodes, one stroke per style group
// (~10 strokes per frame instead of 1000 elements to style, lay out and paint): the group decides colour, width and
// dash. The same specification feeds the legend, so the two cannot disagree.
import type { GraphLinkModel } from '../../../shared/snapshots'
import { LATENCY_CLASS_COUNT, latencyClass, linkWidth } from './graph-scales'

export type LinkGroup = `lat-${number}` | 'lat-unknown' | 'reconnecting' | 'gave-up' | 'lan'

/** Every group, in paint order (slow links last so they stay visible on top of fast ones). */
export const LINK_GROUPS: readonly LinkGroup[] = [
  'lan',
  'gave-up',
  'reconnecting',
  'lat-unknown',
  ...Array.from({ length: LATENCY_CLASS_COUNT }, (_, i) => `lat-${i}` as LinkGroup)
]

export function linkGroup(
  link: { latencyMs: number | null; state: GraphLinkModel['state'] },
  touchesLanPeer: boolean
): LinkGroup {
  if (link.state === 'gave-up') return 'gave-up'
  if (link.state === 'reconnecting') return 'reconnecting'
  if (link.state === 'heard' || touchesLanPeer) return 'lan'
  const cls = latencyClass(link.latencyMs)
  return cls < 0 ? 'lat-unknown' : `lat-${cls}`
}

export interface LinkStyleSpec {
  /** CSS custom property holding the colour (theme-dependent, see use-graph-theme.ts). */
  colourVar: string
  /** Stroke width in graph units at zoom 1. */
  width: number
  dash: number[]
  opacity: number
}

export function linkStyleSpec(key: LinkGroup): LinkStyleSpec {
  switch (key) {
    case 'lan':
      return { colourVar: '--graph-muted', width: 1.25, dash: [4, 3], opacity: 1 }
    case 'gave-up':
      return { colourVar: '--graph-muted', width: 1.5, dash: [1, 3], opacity: 1 }
    case 'reconnecting':
      return { colourVar: '--graph-warning', width: 1.5, dash: [5, 3], opacity: 1 }
    case 'lat-unknown':
      return { colourVar: '--graph-link-neutral', width: linkWidth(-1), dash: [], opacity: 1 }
    default: {
      const cls = Number(key.slice('lat-'.length))
      return { colourVar: `--graph-lat-${cls}`, width: linkWidth(cls), dash: [], opacity: 0.9 }
    }
  }
}

/**
 * The links of the selected or hovered node stand out by emphasis, not by colour: drawn again over the others, wider
 * and on a halo of the focus colour, in their own colour and dash, so their latency and state (the orange dashes
 * of a reconnecting link) still read, on the links that matter most.
 */
export const FOCUS_HALO = { colourVar: '--graph-focus', opacity: 0.3, extraPx: 4 } as const

/** On-screen width of an emphasised link, from its normal on-screen width. */
export function focusStrokeWidth(screenWidth: number): number {
  return screenWidth * 1.5 + 1
}

/** Links sorted into their style groups (every group present, possibly empty). */
export function groupLinks<T extends { group: LinkGroup }>(links: Iterable<T>): Map<LinkGroup, T[]> {
  const groups = new Map<LinkGroup, T[]>(LINK_GROUPS.map((g) => [g, []]))
  for (const l of links) groups.get(l.group)?.push(l)
  return groups
}

/**
 * On-screen stroke width for a zoom level: links scale with the nodes when zoomed in, but never get thinner than
 * 60 % of their width when zoomed out, so a large network stays readable.
 */
export function screenStrokeWidth(width: number, k: number): number {
  return width * Math.max(k, 0.6)
}
