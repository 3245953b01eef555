// In-page probe for the dashboard's first usable paint (bench/dashboard-load.ts). Installed with addInitScript
// before the page loads. "First usable paint": from navigation start (time 0 of performance.now(), when the
// browser began the navigation) until the sidebar's list of every local node of the host is on the screen (the
// browser's own Element Timing of each item: when its frame was presented, not merely drawn) with the selected
// node's tabs in the page, and the page's main thread is free again after that frame (a click on a node or a tab
// is then handled at once): the later of the two. Page code is passed as text: this file is type-checked for Node
// (no DOM library).
import type { Page } from 'playwright-core'

export interface LoadTimes {
  /** The app opened its WebSocket to `chaski serve` (its bundle has run). */
  socketCreated: number | null
  socketOpen: number | null
  /** The first message from the host (the state the app asked for). */
  firstMessage: number | null
  /** Every local node listed and the tabs shown (in the DOM). */
  listed: number | null
  /** The main thread free after the frame that drew the list. */
  idle: number | null
  /** When the last of the node items was presented on screen (Element Timing). */
  presented: number | null
  /** First usable paint: the later of `presented` and `idle`. */
  usable: number | null
  firstContentfulPaint: number | null
  /** When the main script finished arriving (resource timing). */
  scriptLoaded: number | null
  /** Bytes over the wire for the page and everything it loaded up to `usable`. */
  transferBytes: number
}

/** The init script; `expectedNodes` is how many local nodes the host has. */
export function loadProbeScript(expectedNodes: number): string {
  return `(() => {
  const t = (window.__chaskiLoad = { socketCreated: null, socketOpen: null, firstMessage: null, listed: null, idle: null, presented: null, usable: null, fcp: null })
  const painted = new Map()
  const settle = () => {
    if (t.idle === null || painted.size < ${expectedNodes}) return
    t.presented = Math.max(...painted.values())
    t.usable = Math.max(t.presented, t.idle)
  }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const item = e.identifier === 'chaski-node' && e.element && e.element.closest('[data-testid^="node-item-"]')
      if (item) painted.set(item, Math.max(painted.get(item) ?? 0, e.renderTime || e.loadTime))
    }
    settle()
  }).observe({ type: 'element', buffered: true })
  const Native = window.WebSocket
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args)
      if (t.socketCreated === null) t.socketCreated = performance.now()
      this.addEventListener('open', () => { if (t.socketOpen === null) t.socketOpen = performance.now() })
      this.addEventListener('message', () => { if (t.firstMessage === null) t.firstMessage = performance.now() })
    }
  }
  const check = () => {
    if (t.listed !== null) return
    const items = document.querySelectorAll('[data-testid="sidebar"] [data-testid^="node-item-"]')
    // Marked before their first paint (observers run before rendering), so the browser reports when it showed them.
    // Element Timing reports text through the element that directly holds it: every such element of each item.
    for (const item of items) {
      for (const el of [item, ...item.querySelectorAll('*')]) {
        const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '')
        if (text && !el.hasAttribute('elementtiming')) el.setAttribute('elementtiming', 'chaski-node')
      }
    }
    if (items.length >= ${expectedNodes} && document.querySelector('[data-testid="tabs"]')) {
      t.listed = performance.now()
      observer.disconnect()
      requestAnimationFrame(() => setTimeout(() => { t.idle = performance.now(); settle() }))
    }
  }
  const observer = new MutationObserver(check)
  observer.observe(document, { childList: true, subtree: true })
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') t.fcp = e.startTime
  }).observe({ type: 'paint', buffered: true })
})()`
}

/** The probe's times once the page is usable (polls: the page's CSP allows no evaluated waitForFunction). */
export async function readLoadTimes(page: Page, timeoutMs = 20_000): Promise<LoadTimes> {
  const deadline = Date.now() + timeoutMs
  while ((await page.evaluate<number | null>('window.__chaskiLoad.usable')) === null) {
    if (Date.now() > deadline) throw new Error(`dashboard not usable after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return page.evaluate<LoadTimes>(`(() => {
    const t = window.__chaskiLoad
    const resources = performance.getEntriesByType('resource')
    const nav = performance.getEntriesByType('navigation')[0]
    const script = resources.find((r) => r.initiatorType === 'script' || /\\.js(\\?|$)/.test(r.name))
    const upTo = resources.filter((r) => r.startTime <= t.usable)
    return {
      socketCreated: t.socketCreated,
      socketOpen: t.socketOpen,
      firstMessage: t.firstMessage,
      listed: t.listed,
      idle: t.idle,
      presented: t.presented,
      usable: t.usable,
      firstContentfulPaint: t.fcp,
      scriptLoaded: script ? script.responseEnd : null,
      transferBytes: (nav ? nav.transferSize : 0) + upTo.reduce((sum, r) => sum + r.transferSize, 0)
    }
  })()`)
}
