// One shared clock for "12 s ago" labels: a single timer for the whole page, started by the first user.
import { onScopeDispose, ref, type Ref } from 'vue'

const now = ref(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | null = null

export function useNow(): Ref<number> {
  users++
  if (timer === null) timer = setInterval(() => (now.value = Date.now()), 1000)
  onScopeDispose(() => {
    users--
    if (users === 0 && timer !== null) {
      clearInterval(timer)
      timer = null
    }
  })
  return now
}
