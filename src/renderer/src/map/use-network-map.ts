// The map a node holds (contract method getMap, the deepest the library keeps), fetched every second while a view
// that shows it, or counts it, is on screen. The host pushes no map changes: neighbour adverts change it in the
// library, which the poll picks up.
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import type { NetworkMap } from '@shared/network-map'
import { useAppStore } from '../stores/app-store'

export const MAP_REFRESH_MS = 1000
const MAP_DEPTH = 3

export function useNetworkMap(
  nodeId: Ref<string | null>,
  active: Ref<boolean>
): { map: Ref<NetworkMap | null>; error: Ref<string | null> } {
  const store = useAppStore()
  const map = shallowRef<NetworkMap | null>(null)
  const error = ref<string | null>(null)
  let timer: ReturnType<typeof setInterval> | null = null
  let inFlight = false

  async function refresh(): Promise<void> {
    const id = nodeId.value
    if (inFlight || id === null) return
    inFlight = true
    try {
      const next = await store.call('getMap', id, MAP_DEPTH)
      // The node changed while the answer was on its way: it belongs to the old one.
      if (id === nodeId.value) {
        map.value = next
        error.value = null
      }
    } catch (err) {
      error.value = (err as Error).message
    } finally {
      inFlight = false
    }
  }

  function stop(): void {
    if (timer !== null) clearInterval(timer)
    timer = null
  }

  watch(
    [nodeId, active],
    ([id, on], previous) => {
      if (previous && id !== previous[0]) {
        map.value = null
        error.value = null
      }
      stop()
      if (!on || id === null) return
      void refresh()
      timer = setInterval(() => void refresh(), MAP_REFRESH_MS)
    },
    { immediate: true }
  )
  onBeforeUnmount(stop)
  return { map, error }
}
