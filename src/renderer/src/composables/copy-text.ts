// Copying a value the user will paste elsewhere (an address, a node id), with a toast that says what happened.
import { h } from 'vue'
import { useMessage } from 'naive-ui'

/** The clipboard API needs a secure context (127.0.0.1 and the desktop app are); else the old way. */
async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text)
      return
    } catch {
      // fall through: permission refused
    }
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  const done = document.execCommand('copy')
  area.remove()
  if (!done) throw new Error('the browser did not allow it')
}

/** Returns copy(text): writes it to the clipboard and says "Copied …" (or why it could not). */
export function useCopyText(): (text: string) => Promise<void> {
  const message = useMessage()
  return async (text) => {
    try {
      await writeClipboard(text)
      message.success(() => h('span', { 'data-testid': 'toast-success' }, `Copied ${text}`))
    } catch (err) {
      message.error(() =>
        h('span', { 'data-testid': 'toast-error' }, `Could not copy ${text}: ${(err as Error).message}`)
      )
    }
  }
}
