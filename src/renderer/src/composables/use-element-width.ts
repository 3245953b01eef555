// The width of an element as it changes (ResizeObserver): views drop their least useful columns when narrow
// instead of squeezing every column. Follows the element as it appears and goes (v-if).
import { onScopeDispose, ref, watch, type Ref } from 'vue'

export function useElementWidth(target: Ref<HTMLElement | null>): Ref<number> {
  const width = ref(Number.POSITIVE_INFINITY)
  let observer: ResizeObserver | null = null
  watch(
    target,
    (el) => {
      observer?.disconnect()
      observer = null
      if (!el) return
      width.value = el.clientWidth
      observer = new ResizeObserver(() => (width.value = el.clientWidth))
      observer.observe(el)
    },
    { immediate: true, flush: 'post' }
  )
  onScopeDispose(() => observer?.disconnect())
  return width
}
