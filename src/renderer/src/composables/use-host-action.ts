// Runs a host call for a button: the host's error text becomes an error toast (HostCallError.message), an optional
// success line a short toast. Must be used inside NMessageProvider (App.vue).
import { h, ref, type Ref } from 'vue'
import { useMessage } from 'naive-ui'
import SafeText from '../components/SafeText.vue'

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export interface HostAction {
  /** True while any action started through this helper is running (buttons show a spinner). */
  busy: Ref<boolean>
  run<T>(
    what: string,
    action: () => Promise<T>,
    success?: (value: T) => string | null
  ): Promise<T | undefined>
}

export function useHostAction(): HostAction {
  const message = useMessage()
  const busy = ref(false)
  async function run<T>(what: string, action: () => Promise<T>, success?: (value: T) => string | null) {
    busy.value = true
    try {
      const value = await action()
      const text = success?.(value)
      // Toasts name peers and nodes: shown through SafeText like every name.
      if (text) message.success(() => h('span', { 'data-testid': 'toast-success' }, h(SafeText, { text })))
      return value
    } catch (err) {
      const text = `${what}: ${errorText(err)}`
      message.error(() => h('span', { 'data-testid': 'toast-error' }, h(SafeText, { text })), {
        duration: 8000,
        closable: true
      })
      return undefined
    } finally {
      busy.value = false
    }
  }
  return { busy, run }
}
