// A flag that turns true the first time a condition holds and stays true: for parts built only once they are
// first needed (a dialog when it first opens, the graph when its tab is first shown) and kept afterwards.
import { ref, watch, type Ref } from 'vue'

export function openedOnce(condition: () => boolean): Readonly<Ref<boolean>> {
  const opened = ref(condition())
  if (!opened.value) {
    const stop = watch(condition, (now) => {
      if (!now) return
      opened.value = true
      stop()
    })
  }
  return opened
}
