// A head start for the first paint: the state is asked for the moment the page starts, before the app's code
// (Vue, Naive UI, the views: most of the bytes) has even loaded, so the host's answer travels while the browser
// compiles that code. The app then finds the answer waiting. Updates that arrive meanwhile are kept and handed to
// the first listener, in order, as if it had listened from the start. Relative imports: the Node unit tests load it.
import type { ChaskiBridge } from '../../../shared/contract'
import type { AppUpdate } from '../../../shared/snapshots'

export function withHeadStart(bridge: ChaskiBridge): ChaskiBridge {
  let early: AppUpdate[] | null = []
  const stopEarly = bridge.onUpdate((update) => early?.push(update))
  let firstState: ReturnType<ChaskiBridge['getState']> | null = bridge.getState()
  return Object.freeze({
    ...bridge,
    getState() {
      const state = firstState ?? bridge.getState()
      firstState = null
      return state
    },
    onUpdate(listener: (update: AppUpdate) => void) {
      const unsubscribe = bridge.onUpdate(listener)
      if (early) {
        const kept = early
        early = null
        stopEarly()
        kept.forEach(listener)
      }
      return unsubscribe
    }
  }) as ChaskiBridge
}
