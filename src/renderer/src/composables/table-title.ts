// Column titles for NDataTable. Naive UI sorts on a click of the header cell, which is not focusable: a real
// <button> inside makes sorting reachable with Tab and Enter (its click bubbles to the cell).
import { h, type VNodeChild } from 'vue'

export function sortableTitle(label: string, testid: string, extra?: () => VNodeChild): () => VNodeChild {
  return () => [
    h('button', { class: 'th-button', type: 'button', 'data-testid': testid }, label),
    extra ? extra() : null
  ]
}
