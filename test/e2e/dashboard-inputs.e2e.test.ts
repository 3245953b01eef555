// Browser tests of what a person types and reads, against `chaski serve` with real nodes: hostile names (a right-to-
// left override before an address-looking text, zero-width and C0/C1 controls) read in order with the hidden
// characters shown; "+ Subscribe" and "+ Topic" take the typing every time; the connect box submits exactly what
// was typed, offers suggestions only on the arrow keys, checks a Name@ against the peer, takes host names, and says
// "already connected"; a second local node with a taken name is refused. Each test uses its own peers.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { startServe, type ServeProcess } from './harness/serve'
import { startChaskiNode, stopAllProcesses, type ChaskiNodeProcess } from './harness/processes'
import { resetHost } from './harness/host-setup'
import type { Preferences } from '../../src/shared/snapshots'
import {
  eventually,
  openDashboard,
  openTab,
  peerRow,
  screenshotBoth,
  selectNode,
  tid,
  toastWith
} from './harness/dashboard-page'

// "Evil", then what the override turns around to read like an address: "(55673:1.0.0.721)" → "(127.0.0.1:37655)".
const REVERSED = 'Evil\u202E(55673:1.0.0.721)'
// A zero-width space, BEL (C0) and NEL (C1): invisible on screen.
const GHOST = 'Gh\u200Bo\u0007s\u0085t'

let serve: ServeProcess
let session: BrowserSession
let page: Page
let evil: ChaskiNodeProcess
let ghost: ChaskiNodeProcess
let alpha: ChaskiNodeProcess
let beta: ChaskiNodeProcess
let delta: ChaskiNodeProcess
const pageErrors: string[] = []
// Each test answers for the errors it raised in the page, whatever ran before it.
afterEach(() => {
  expect(pageErrors.splice(0), 'errors raised in the page').toEqual([])
})

beforeAll(async () => {
  ;[serve, session, evil, ghost, alpha, beta, delta] = await Promise.all([
    startServe('inputs'),
    launchBrowser(),
    startChaskiNode({ name: REVERSED, lan: true }),
    startChaskiNode({ name: GHOST, lan: true }),
    startChaskiNode({ name: 'Alpha' }),
    startChaskiNode({ name: 'Beta' }),
    startChaskiNode({ name: 'Delta' })
  ])
})

/**
 * What each test starts from, whatever ran before it: one local node, Hub (LAN on, no auto-connect, no peers), the
 * recent addresses given, and a page opened on it.
 */
async function startWithHub(preferences: Partial<Preferences> = {}): Promise<void> {
  await resetHost(serve.openUrl, [{ name: 'Hub', lan: { enabled: true, autoConnect: false } }], preferences)
  await page?.context().close()
  page = await openDashboard(session, serve.openUrl)
  page.on('pageerror', (err) => pageErrors.push(err.message))
}

afterAll(async () => {
  // Every step runs even if one fails, so no process outlives the file.
  await Promise.allSettled([session?.close(), stopAllProcesses()])
  await serve?.stop()
})

/** Left edges of the first and last character of `text` as drawn inside `selector` (reading order on screen). */
function drawnOrder(selector: string, text: string): Promise<{ first: number; last: number } | null> {
  return page.evaluate(
    ([sel, wanted]) => {
      for (const el of document.querySelectorAll(sel!)) {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT)
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = (node.textContent ?? '').indexOf(wanted!)
          if (at < 0) continue
          const left = (i: number) => {
            const range = document.createRange()
            range.setStart(node!, i)
            range.setEnd(node!, i + 1)
            return range.getBoundingClientRect().left
          }
          return { first: left(at), last: left(at + wanted!.length - 1) }
        }
      }
      return null
    },
    [selector, text]
  )
}

async function connectByTyping(text: string): Promise<void> {
  await page.click(tid('connect-address'))
  await page.fill(tid('connect-address'), '')
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
}

describe('hostile names', () => {
  test('a right-to-left override cannot turn an event line or a table row around: it is shown, in order', async () => {
    await startWithHub()
    const heard = page.locator(`${tid('event-row')}[data-kind="lan-peer-seen"]`, { hasText: 'Evil' })
    await openTab(page, 'events')
    await heard.first().waitFor()
    const line = `Evil⟨U+202E⟩(55673:1.0.0.721) (${evil.address}) appeared on the LAN`
    expect(await heard.first().locator(tid('event-text')).textContent()).toBe(line)
    // On screen the words after the name read left to right (the override would have drawn them backwards).
    const order = await drawnOrder(`${tid('event-text')}`, 'appeared on the LAN')
    expect(order!.first).toBeLessThan(order!.last)
    const address = await drawnOrder(`${tid('event-text')}`, evil.address)
    expect(address!.first).toBeLessThan(address!.last)

    await openTab(page, 'peers')
    await connectByTyping(evil.address)
    const row = page.locator(`${tid('peer-row')}[data-peer-id="${evil.id}"]`)
    await row.waitFor()
    expect(await row.locator(tid('peer-name')).textContent()).toBe('Evil⟨U+202E⟩(55673:1.0.0.721)')
    expect(await row.locator(tid('peer-address')).textContent()).toBe(evil.address)
    const name = await drawnOrder(`${tid('peer-name')}`, '(55673:1.0.0.721)')
    expect(name!.first).toBeLessThan(name!.last)
    await toastWith(page, 'success', `Connected to Evil⟨U+202E⟩(55673:1.0.0.721) (${evil.address})`)
  })

  test('zero-width and control characters are shown as escapes in the LAN list, the peers table and the log', async () => {
    await startWithHub()
    // LAN beacons carry no control characters (the sender strips them); the zero-width space is still shown.
    await openTab(page, 'lan')
    const lanRow = page.locator(`${tid('lan-row')}[data-peer-id="${ghost.id}"]`)
    await lanRow.waitFor()
    expect(await lanRow.locator(tid('lan-peer-name')).textContent()).toBe('Gh⟨U+200B⟩ost')
    // The TCP handshake carries the name as given: every hidden character is shown where it is.
    await openTab(page, 'peers')
    await connectByTyping(ghost.address)
    const row = page.locator(`${tid('peer-row')}[data-peer-id="${ghost.id}"]`)
    await row.waitFor()
    expect(await row.locator(tid('peer-name')).textContent()).toBe('Gh⟨U+200B⟩o⟨U+0007⟩s⟨U+0085⟩t')
    expect(await row.locator('[data-escape]').count()).toBe(3)
    expect(await row.locator(tid('peer-name')).getAttribute('title')).toBe('Gh⟨U+200B⟩o⟨U+0007⟩s⟨U+0085⟩t')
    await screenshotBoth(session, page, 'inputs-hostile-names-peers')
    await openTab(page, 'events')
    const connected = page.locator(`${tid('event-row')}[data-kind="edge-added"]`, { hasText: 'Gh⟨U+200B⟩o' })
    expect(await connected.first().locator(tid('event-text')).textContent()).toBe(
      `connected to Gh⟨U+200B⟩o⟨U+0007⟩s⟨U+0085⟩t (${ghost.address})`
    )
  })
})

describe('inputs', () => {
  test('"+ Subscribe" and "+ Topic" take the typing every time, and nothing lands in another field', async () => {
    await startWithHub()
    await selectNode(page, 'Hub')
    await openTab(page, 'overview')
    for (const topic of ['first', 'second', 'third']) {
      await page.click(tid('topic-add'))
      await page.keyboard.type(topic)
      await page.keyboard.press('Enter')
      await page.locator(tid(`topic-chip-${topic}`)).waitFor()
    }
    await page.click(tid('create-node-open'))
    await page.waitForSelector(tid('create-name'))
    const name = await page.inputValue(tid('create-name'))
    for (const topic of ['red', 'green', 'blue']) {
      await page.click(tid('create-topic-add'))
      await page.keyboard.type(topic)
      await page.keyboard.press('Enter')
    }
    expect(await page.locator(tid('create-subscriptions')).textContent()).toMatch(/red.*green.*blue/)
    expect(await page.inputValue(tid('create-name'))).toBe(name)
    await page.keyboard.press('Escape')
    await page.locator(tid('create-node-dialog')).waitFor({ state: 'detached' })
    expect(await page.locator(tid('node-select')).count()).toBe(1)
  })

  test('the connect box submits exactly what was typed; suggestions open only on the arrow keys', async () => {
    await startWithHub()
    await openTab(page, 'peers')
    // Remembered: 'Alpha@ip:port'. Typing 'ip:port' (part of it) and Enter connects to what was typed.
    await connectByTyping(alpha.namedAddress)
    await peerRow(page, 'Alpha').waitFor()
    await peerRow(page, 'Alpha').locator(tid('peer-disconnect')).click()
    await peerRow(page, 'Alpha').waitFor({ state: 'detached' })
    await page.click(tid('connect-address'))
    await page.keyboard.type(alpha.address)
    expect(await page.locator(tid('suggestion')).first().isVisible()).toBe(false)
    await page.keyboard.press('Enter')
    await toastWith(page, 'success', `Connected to Alpha (${alpha.address})`)
    await peerRow(page, 'Alpha').waitFor()
    expect(await page.inputValue(tid('connect-address'))).toBe('')

    // An unfinished address stays as typed on Enter: no suggestion takes its place.
    await page.keyboard.type('127.0.0.1:')
    await page.keyboard.press('Enter')
    expect(await page.inputValue(tid('connect-address'))).toBe('127.0.0.1:')
    expect(await page.locator(tid('suggestion')).first().isVisible()).toBe(false)
    // Arrow down opens the list; Enter picks the highlighted one into the box (the next Enter connects).
    await page.keyboard.press('ArrowDown')
    const options = page.locator(tid('suggestion'))
    await options.first().waitFor()
    // Most recent first: what was typed last, then the named form typed before.
    expect((await options.allTextContents()).slice(0, 2)).toEqual([alpha.address, alpha.namedAddress])
    expect(await page.getAttribute(tid('connect-address'), 'aria-expanded')).toBe('true')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    expect(await page.inputValue(tid('connect-address'))).toBe(alpha.namedAddress)
    expect(await options.first().isVisible()).toBe(false)
    await page.keyboard.press('Enter')
    await toastWith(page, 'success', `Already connected to Alpha (${alpha.address})`)
  })

  test("a Name@ that is not the peer's name is refused with a clear message and not offered again", async () => {
    // Something to suggest, so the list opens and can be read.
    await startWithHub({ recentAddresses: [beta.namedAddress] })
    await openTab(page, 'peers')
    await connectByTyping(`ümlaut@${delta.address}`)
    const error = page.locator(tid('connect-error'))
    await error.waitFor()
    expect(await error.textContent()).toBe(
      `the node at ${delta.address} is named 'Delta', not 'ümlaut'; nothing was connected`
    )
    // The link the handshake needed is closed again at once: Delta is not left among the peers.
    await eventually(() => peerRow(page, 'Delta').count()).toBe(0)
    await delta.waitForLine((l) => l.event === 'edge-removed', 'Delta sees the link closed')
    await page.fill(tid('connect-address'), '')
    await page.keyboard.press('ArrowDown')
    await page.locator(tid('suggestion')).first().waitFor()
    expect(await page.locator(tid('suggestion')).allTextContents()).not.toContain(`ümlaut@${delta.address}`)
    await page.keyboard.press('Escape')
    await screenshotBoth(session, page, 'inputs-name-mismatch', { keepToasts: true })
  })

  test('a host name (localhost) is accepted and resolved; connecting again says "already connected"', async () => {
    await startWithHub()
    await openTab(page, 'peers')
    await page.fill(tid('connect-address'), `localhost:${beta.port}`)
    await eventually(() =>
      page.locator(`.n-form-item:has(${tid('connect-address')}) .n-form-item-feedback-wrapper`).textContent()
    ).toContain(`Will look up localhost and connect to its port ${beta.port}`)
    await page.press(tid('connect-address'), 'Enter')
    await toastWith(page, 'success', `Connected to Beta (${beta.address})`)
    await peerRow(page, 'Beta').waitFor()
    await connectByTyping(beta.address)
    await toastWith(page, 'success', `Already connected to Beta (${beta.address})`)
    expect(await peerRow(page, 'Beta').count()).toBe(1)
  })

  test('a second local node with a name already taken (any case) is refused as you type', async () => {
    await startWithHub()
    await page.click(tid('create-node-open'))
    await page.waitForSelector(tid('create-name'))
    await page.fill(tid('create-name'), 'hub')
    await eventually(() =>
      page.locator(`.n-form-item:has(${tid('create-name')}) .n-form-item-feedback-wrapper`).textContent()
    ).toContain("a local node is already named 'Hub'")
    expect(await page.locator(tid('create-node-submit')).isDisabled()).toBe(true)
    await page.keyboard.press('Escape')
    await page.locator(tid('create-node-dialog')).waitFor({ state: 'detached' })
  })
})
