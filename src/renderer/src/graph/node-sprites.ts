// Nodes are drawn as small pre-rendered images, one per look (kind, topics, paired) and zoom step: one drawImage
// per node and frame instead of filling and stroking arcs, pie slices, dashed outlines and rings, which costs
// several times more in a software-rendered canvas (2000 nodes: ~15 ms instead of ~90). Sprites are rendered at
// the zoom in effect (in 4 % steps) and drawn unscaled at whole device pixels: a plain copy, twice as fast as a
// scaled or sub-pixel one, and as sharp as the arcs were.
import { topicColour } from './graph-scales'
import {
  NODE_RADIUS,
  RING_GAP,
  RING_WIDTH,
  spriteRadius,
  spriteScale,
  spriteTopics,
  type SpriteNode
} from './sprite-look'

export { NODE_RADIUS, spriteLook } from './sprite-look'

/** Sprites kept at most; the oldest go first (a theme change or a new zoom step renders new ones). */
const MAX_SPRITES = 600

export interface SpriteColours {
  fg: string
  muted: string
  surface: string
  neutral: string
  paired: string
}

export interface NodeSprite {
  /** An ImageBitmap where the browser has OffscreenCanvas (drawn fastest), else the canvas itself. */
  image: CanvasImageSource
  /** Size of the image in device pixels (square) and the zoom it was rendered for. */
  size: number
  scale: number
}

export interface NodeSprites {
  /**
   * The sprites for zoom `k` on a screen of `ratio` device pixels per CSS pixel (once per frame): a lookup by node
   * and its `look` (spriteLook(node), computed once per change of the node rather than per frame).
   */
  at(k: number, ratio: number): (node: SpriteNode, look: string) => NodeSprite
  /** New colours (theme change): every sprite is rendered again on demand. */
  setColours(colours: SpriteColours): void
}

function release(sprite: NodeSprite): void {
  if (typeof ImageBitmap === 'function' && sprite.image instanceof ImageBitmap) sprite.image.close()
}

export function createNodeSprites(colours: SpriteColours): NodeSprites {
  let palette = colours
  // Sprites by zoom step (the last few kept, for zooming back and forth), then by look.
  const byScale = new Map<string, Map<string, NodeSprite>>()

  function render(node: SpriteNode, scale: number, ratio: number): NodeSprite {
    const px = scale * ratio
    const size = Math.max(2, Math.ceil(2 * spriteRadius(node.kind, node.paired) * px))
    const offscreen = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(size, size) : null
    const canvas = offscreen ?? Object.assign(document.createElement('canvas'), { width: size, height: size })
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
    if (!ctx) return { image: canvas, size, scale }
    ctx.setTransform(px, 0, 0, px, size / 2, size / 2)
    const r = NODE_RADIUS[node.kind]
    const lan = node.kind === 'lan'
    const topics = spriteTopics(node)
    // Body: one colour for one topic, neutral for none, a slice per topic for several.
    ctx.globalAlpha = lan ? 0.35 : 1
    if (topics.length <= 1) {
      ctx.fillStyle = topics.length === 1 ? topicColour(topics[0]) : palette.neutral
      ctx.beginPath()
      ctx.arc(0, 0, r, 0, 2 * Math.PI)
      ctx.fill()
    } else {
      topics.forEach((t, i) => {
        ctx.fillStyle = topicColour(t)
        ctx.beginPath()
        ctx.moveTo(0, 0)
        ctx.arc(
          0,
          0,
          r,
          -Math.PI / 2 + (i * 2 * Math.PI) / topics.length,
          -Math.PI / 2 + ((i + 1) * 2 * Math.PI) / topics.length
        )
        ctx.closePath()
        ctx.fill()
      })
    }
    ctx.globalAlpha = 1
    // Outline: peers a thin edge in the surface colour, local nodes a strong one, LAN peers a dashed one.
    ctx.beginPath()
    ctx.arc(0, 0, r, 0, 2 * Math.PI)
    ctx.strokeStyle = node.kind === 'local' ? palette.fg : lan ? palette.muted : palette.surface
    ctx.lineWidth = node.kind === 'local' ? 2 : 1.5
    ctx.setLineDash(lan ? [3, 2] : [])
    ctx.stroke()
    if (node.paired) {
      ctx.beginPath()
      ctx.arc(0, 0, r + RING_GAP, 0, 2 * Math.PI)
      ctx.strokeStyle = palette.paired
      ctx.lineWidth = RING_WIDTH
      ctx.setLineDash([])
      ctx.stroke()
    }
    // A canvas drawn into another is snapshotted on every drawImage; a bitmap is not.
    return { image: offscreen ? offscreen.transferToImageBitmap() : canvas, size, scale }
  }

  return {
    at(k, ratio) {
      const scale = spriteScale(k)
      const scaleKey = `${scale}@${ratio}`
      let sprites = byScale.get(scaleKey)
      if (!sprites) {
        sprites = new Map()
        byScale.set(scaleKey, sprites)
        if (byScale.size > 4) {
          const oldest = byScale.keys().next().value!
          byScale.get(oldest)?.forEach(release)
          byScale.delete(oldest)
        }
      }
      const table = sprites
      return (node, look) => {
        let sprite = table.get(look)
        if (!sprite) {
          sprite = render(node, scale, ratio)
          table.set(look, sprite)
          if (table.size > MAX_SPRITES) {
            const oldest = table.keys().next().value!
            release(table.get(oldest)!)
            table.delete(oldest)
          }
        }
        return sprite
      }
    },
    setColours(next) {
      palette = next
      byScale.forEach((sprites) => sprites.forEach(release))
      byScale.clear()
    }
  }
}
