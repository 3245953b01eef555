// Naive UI 2.45's NCard marks both its header row and the title inside it role="heading" without a level (axe:
// aria-required-attr, critical), and the outer "heading" also wraps the header's controls (filters, buttons). Fixed
// up as cards appear: the title is a level-2 heading, the row around it an ordinary container. Vue does not touch
// these attributes again (they never change in Naive's render), so one pass per card is enough.
const HEADER = '.n-card-header[role="heading"]'

function fix(root: ParentNode): void {
  for (const header of root.querySelectorAll<HTMLElement>(HEADER)) {
    header.removeAttribute('role')
    const title = header.querySelector<HTMLElement>(':scope > .n-card-header__main[role="heading"]')
    title?.setAttribute('aria-level', '2')
  }
}

export function fixCardHeadings(root: HTMLElement = document.body): () => void {
  fix(root)
  let queued = false
  const observer = new MutationObserver(() => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      queued = false
      fix(root)
    })
  })
  observer.observe(root, { childList: true, subtree: true })
  return () => observer.disconnect()
}
