// What the create and edit dialogs share: the form model, its problems as you type, the host's refusal shown in the
// dialog, and the submit guard (an invalid form shows every field's problem instead of calling the host).
import { computed, ref, type Ref } from 'vue'
import type NodeOptionsForm from '../components/NodeOptionsForm.vue'
import { errorText } from './use-host-action'
import { defaultNodeForm, formProblems, type NodeForm } from './node-form'

export function useNodeOptionsDialog(mode: 'create' | 'edit', takenNames: () => string[]) {
  const options = ref<InstanceType<typeof NodeOptionsForm> | null>(null)
  const form = ref<NodeForm>(defaultNodeForm()) as Ref<NodeForm>
  const hostError = ref<string | null>(null)
  const busy = ref(false)
  const names = computed(takenNames)
  const problems = computed(() => formProblems(form.value, names.value, mode))
  const valid = computed(() => Object.keys(problems.value).length === 0)

  /** Starts over from `next` (the dialog opened, or another node is edited). */
  function reset(next: NodeForm): void {
    form.value = next
    hostError.value = null
  }

  /** True when the form can be sent; otherwise every field shows its problem. */
  async function ready(): Promise<boolean> {
    if (valid.value) return true
    await options.value?.validate()
    return false
  }

  /** Runs the host call with the busy flag on; a refusal is shown in the dialog (and rethrown for the toast). */
  async function sending<T>(call: () => Promise<T>): Promise<T> {
    busy.value = true
    hostError.value = null
    try {
      return await call()
    } catch (err) {
      hostError.value = errorText(err)
      throw err
    } finally {
      busy.value = false
    }
  }

  /** The form component, for `:ref` in the dialog's template. */
  function bindForm(el: unknown): void {
    options.value = el as InstanceType<typeof NodeOptionsForm> | null
  }

  return { bindForm, form, hostError, busy, takenNames: names, problems, valid, reset, ready, sending }
}
