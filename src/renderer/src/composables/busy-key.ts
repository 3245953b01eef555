// Which row of a list has an action under way (its key), so that row's button shows a spinner until the host has
// answered, whatever the outcome.
import { ref, type Ref } from 'vue'

export function useBusyKey(): {
  busy: Ref<string | null>
  during<T>(key: string, work: () => Promise<T>): Promise<T>
} {
  const busy = ref<string | null>(null)
  async function during<T>(key: string, work: () => Promise<T>): Promise<T> {
    busy.value = key
    try {
      return await work()
    } finally {
      busy.value = null
    }
  }
  return { busy, during }
}
