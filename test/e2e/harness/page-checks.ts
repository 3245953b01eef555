// Checks a browser test runs on whatever the page shows: a layout check (no text sticks out of its box or is cut,
// no word broken across lines, no control off-screen or covered) and an axe-core accessibility scan (axe-core from
// node_modules, evaluated in the page so the page's CSP does not block it). Both return problems as plain lines
// for a readable failure.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

// The in-page part is a plain script (not a function compiled by the test runner, which may add helpers the page
// does not have). It returns one line per problem.
const LAYOUT_CHECK = String.raw`((ignore) => {
  const problems = []
  const vw = window.innerWidth
  const vh = window.innerHeight
  const TOL = 1.5
  const rects = new Map()
  const styles = new Map()
  const rectOf = (el) => { let r = rects.get(el); if (!r) { r = el.getBoundingClientRect(); rects.set(el, r) } return r }
  const styleOf = (el) => { let s = styles.get(el); if (!s) { s = getComputedStyle(el); styles.set(el, s) } return s }
  const where = (el) => {
    const tid = el.closest('[data-testid]')
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).slice(0, 2).join('.') : ''
    return el.tagName.toLowerCase() + (cls ? '.' + cls : '') + (tid ? ' in [' + tid.getAttribute('data-testid') + ']' : '')
  }
  const shown = (el) => {
    const r = rectOf(el)
    // 1 px boxes are the visually-hidden text of screen readers.
    if (r.width < 2 || r.height < 2) return false
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const s = styleOf(a)
      if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) < 0.05) return false
      if (a.getAttribute('aria-hidden') === 'true' || a.hasAttribute('inert')) return false
    }
    return true
  }
  const scrolls = (s, axis) => {
    const v = axis === 'x' ? s.overflowX : s.overflowY
    return v === 'auto' || v === 'scroll'
  }
  const clips = (s, axis) => {
    const v = axis === 'x' ? s.overflowX : s.overflowY
    return v === 'hidden' || v === 'clip'
  }
  // An intended, reversible truncation: an ellipsis whose full text is offered (title, or Naive's tooltip).
  const ellipsisWithFullText = (el) =>
    styleOf(el).textOverflow === 'ellipsis' &&
    (el.closest('[title]') !== null || el.closest('.n-ellipsis') !== null)

  if (document.documentElement.scrollWidth > vw + TOL) problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw)

  // 1. Text: inside every box up to its scroll container (or the window), and no word broken across lines.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  const range = document.createRange()
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent || ''
    if (text.trim() === '') continue
    const el = node.parentElement
    if (!el || el.closest('svg, script, style') || (ignore && el.closest(ignore)) || !shown(el)) continue
    range.selectNodeContents(node)
    const full = range.getBoundingClientRect()
    if (full.width < 1) continue
    // What can be seen of the text: past a box that clips it (an ellipsis), only that box's part.
    const box = { left: full.left, right: full.right, top: full.top, bottom: full.bottom }
    let problem = null
    const free = { x: false, y: false }
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const s = styleOf(a)
      if (s.display === 'inline' || s.display === 'contents') continue
      const r = rectOf(a)
      for (const axis of ['x', 'y']) {
        if (free[axis]) continue
        // A scroll container's content may lie outside it: scrolling brings it in.
        if (scrolls(s, axis)) { free[axis] = true; continue }
        const out = axis === 'x' ? box.left < r.left - TOL || box.right > r.right + TOL : box.top < r.top - TOL || box.bottom > r.bottom + TOL
        if (out && !(clips(s, axis) && ellipsisWithFullText(a))) {
          problem = problem || (axis === 'x' ? 'sticks out of / is cut by ' : 'sticks out below / is cut by ') + where(a)
        }
        if (clips(s, axis)) {
          if (axis === 'x') { box.left = Math.max(box.left, r.left); box.right = Math.min(box.right, r.right) }
          else { box.top = Math.max(box.top, r.top); box.bottom = Math.min(box.bottom, r.bottom) }
        }
      }
      if (problem || (free.x && free.y)) break
    }
    if (!problem && !free.x && (box.left < -TOL || box.right > vw + TOL)) problem = 'is outside the window'
    if (problem) problems.push('text "' + text.trim().slice(0, 50) + '" ' + problem)
    if (el.closest('pre, [data-wrap-anywhere]')) continue
    // Words as the browser may break them: at spaces, and after hyphens and slashes.
    const words = /[^\s\-\u2010-\u2014/]{2,40}/g
    for (let m = words.exec(text); m; m = words.exec(text)) {
      range.setStart(node, m.index)
      range.setEnd(node, m.index + m[0].length)
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)))
      if (lines.size > 1) {
        problems.push('word "' + m[0] + '" is broken across ' + lines.size + ' lines in ' + where(el))
        break
      }
    }
  }

  // 2. Controls: reachable (inside the window, or inside something that scrolls to them), not clipped, not covered.
  // With a modal dialog open, only its controls can be used (the page behind is covered on purpose).
  const modals = [...document.querySelectorAll('[aria-modal="true"]')].filter(shown)
  const scope = modals.length > 0 ? modals[modals.length - 1] : document.body
  const controls = scope.querySelectorAll('button, input:not([type=hidden]), select, textarea, a[href], [role=tab], [role=switch], [role=combobox], [tabindex="0"]')
  for (const c of controls) {
    if (!shown(c) || (ignore && c.closest(ignore))) continue
    const r = rectOf(c)
    let problem = null
    const free = { x: false, y: false }
    let scroller = null
    for (let a = c.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = styleOf(a)
      const ar = rectOf(a)
      for (const axis of ['x', 'y']) {
        if (free[axis]) continue
        if (scrolls(s, axis)) { free[axis] = true; scroller = scroller || a; continue }
        const out = axis === 'x' ? r.left < ar.left - TOL || r.right > ar.right + TOL : r.top < ar.top - TOL || r.bottom > ar.bottom + TOL
        if (out && clips(s, axis)) problem = problem || 'is cut off by ' + where(a)
      }
      if (problem) break
    }
    if (!problem && !free.x && (r.left < -TOL || r.right > vw + TOL)) problem = 'is off-screen (sideways)'
    if (!problem && !free.y && (r.top < -TOL || r.bottom > vh + TOL)) problem = 'is off-screen (below)'
    if (!problem) {
      // Covered: the middle of the control shows something that is neither it nor inside it (skipped when the
      // control is scrolled out of its container's view, or under a sticky part that it scrolls beneath).
      const x = r.left + r.width / 2
      const y = r.top + r.height / 2
      const sr = scroller ? rectOf(scroller) : null
      const inView = x >= 0 && y >= 0 && x < vw && y < vh && (!sr || (x >= sr.left && x <= sr.right && y >= sr.top && y <= sr.bottom))
      const top = inView ? document.elementFromPoint(x, y) : null
      if (top && !c.contains(top) && !top.contains(c) && !top.closest('.n-data-table-td--fixed-right, .n-data-table-th--fixed-right, .n-data-table-th')) {
        problem = 'is covered by ' + where(top)
      }
    }
    if (problem) problems.push('control ' + where(c) + ' "' + (c.textContent || c.getAttribute('aria-label') || '').trim().slice(0, 30) + '" ' + problem)
  }
  return problems
})`

/** `ignore`: a CSS selector of parts another check owns (e.g. the graph canvas, tested on its own). */
export async function layoutProblems(page: Page, ignore = ''): Promise<string[]> {
  return page.evaluate(`${LAYOUT_CHECK}(${JSON.stringify(ignore)})`)
}

let axeSource: string | null = null

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: unknown[]; failureSummary?: string }[]
}

/** Serious and critical WCAG 2.1 A/AA violations found by axe-core, one line each (with the elements it names). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8')
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource)
  const violations = (await page.evaluate(`axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations']
  }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`)) as AxeViolation[]
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 4)
          .map(
            (n) =>
              `${n.target.join(' ')} (${(n.failureSummary ?? '').split('\n').slice(1, 2).join('').trim()})`
          )
          .join('; ')}${v.nodes.length > 4 ? ` and ${v.nodes.length - 4} more` : ''}`
    )
}
