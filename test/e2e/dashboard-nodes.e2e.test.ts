// Browser tests of the dashboard against `chaski serve` with real nodes: local nodes (create from the dialog with
// validation as you type and the host's error text, rename, stop/start, subscriptions, LAN switch, remove).
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { startServe, type ServeProcess } from './harness/serve'
import { startChaskiNode, stopAllProcesses, type ChaskiNodeProcess } from './harness/processes'
import { resetHost, type NodeSetup } from './harness/host-setup'
import {
  createNode,
  eventually,
  openDashboard,
  screenshotBoth,
  setSwitch,
  tid,
  toastWith
} from './harness/dashboard-page'

let serve: ServeProcess
let session: BrowserSession
let squatter: ChaskiNodeProcess
let page: Page
const pageErrors: string[] = []
// Each test answers for the errors it raised in the page, whatever ran before it.
afterEach(() => {
  expect(pageErrors.splice(0), 'errors raised in the page').toEqual([])
})

beforeAll(async () => {
  ;[serve, session, squatter] = await Promise.all([
    startServe('nodes'),
    launchBrowser(),
    startChaskiNode({ name: 'Squatter' })
  ])
})

/** What each test starts from, whatever ran before it: the host with only `nodes`, and a page opened on it. */
async function startWith(nodes: NodeSetup[]): Promise<void> {
  await resetHost(serve.openUrl, nodes)
  await page?.context().close()
  page = await openDashboard(session, serve.openUrl)
  page.on('pageerror', (err) => pageErrors.push(err.message))
}
/** A node without LAN discovery and without topics, as the create dialog makes it with LAN switched off. */
const plainNode = (name: string): NodeSetup => ({ name, lan: { enabled: false } })

afterAll(async () => {
  // Every step runs even if one fails, so no process outlives the file.
  await Promise.allSettled([session?.close(), stopAllProcesses()])
  await serve?.stop()
})

const feedbackOf = (testid: string) =>
  page.locator(`.n-form-item:has(${tid(testid)}) .n-form-item-feedback-wrapper`).textContent()

describe('local nodes', () => {
  test('a new user is told what to do first, and the bridge says it is connected', async () => {
    await startWith([])
    await page.waitForSelector(tid('no-nodes'))
    expect(await page.locator(tid('no-nodes')).textContent()).toMatch(/No local nodes yet.*Create/s)
    expect(await page.locator(tid('sidebar-empty')).textContent()).toMatch(/Create one/)
    await eventually(() => page.locator(tid('bridge-status')).getAttribute('data-connected')).toBe('true')
    await screenshotBoth(session, page, 'dashboard-first-run')
  })

  test('the create dialog has every option with its default and validates as you type', async () => {
    await startWith([])
    await page.click(tid('create-node-empty'))
    await page.waitForSelector(tid('create-name'))
    expect(await page.inputValue(tid('create-name'))).toBe('Node1')
    // Where new nodes listen: every interface of the LAN cap (CHASKI_LAN_INTERFACES=127.0.0.1 here); the port left
    // empty is the first free one from 8511, picked by the host and kept.
    expect(await page.inputValue(tid('create-ip'))).toBe('127.0.0.1')
    expect(await page.inputValue(tid('create-port'))).toBe('')
    expect(await page.inputValue(tid('create-ttl'))).toBe('64')
    expect(await page.inputValue(tid('create-max-connections'))).toBe('5')
    expect(await page.inputValue(tid('create-reconnections'))).toBe('32')
    expect(await page.inputValue(tid('create-pool-size'))).toBe('128')
    for (const [id, on] of [
      ['create-lan', 'true'],
      ['create-autoconnect', 'true'],
      ['create-root', 'false'],
      ['create-paired', 'false']
    ])
      expect(await page.locator(tid(id)).getAttribute('aria-checked')).toBe(on)

    const submit = page.locator(tid('create-node-submit'))
    await page.fill(tid('create-port'), '70000')
    await eventually(() => feedbackOf('create-port')).toContain('port must be at most 65535')
    await eventually(() => submit.isDisabled()).toBe(true)
    await page.fill(tid('create-port'), '0')
    await eventually(() => feedbackOf('create-port')).toBe('')

    await page.fill(tid('create-ip'), '1.2.3')
    await eventually(() => feedbackOf('create-ip')).toContain("not an IPv4/IPv6 address: '1.2.3'")
    await page.fill(tid('create-ip'), '127.0.0.1')

    await page.fill(tid('create-name'), '')
    await eventually(() => feedbackOf('create-name')).toContain('name must not be empty')
    await eventually(() => submit.isDisabled()).toBe(true)
    await page.fill(tid('create-name'), 'Desk')

    await page.click(tid('create-topic-add'))
    await page.fill(tid('create-topic-input'), 'All')
    await page.press(tid('create-topic-input'), 'Enter')
    await eventually(() => feedbackOf('create-subscriptions')).toContain("'All' and '@' are reserved topics")
    await eventually(() => submit.isDisabled()).toBe(true)
    await screenshotBoth(session, page, 'dashboard-create-dialog-invalid')
    await page
      .locator(`${tid('create-subscriptions')} .n-tag .n-base-close`)
      .first()
      .click()
    await eventually(() => submit.isDisabled()).toBe(false)
  })

  test("a refused creation shows the host's error text; fixing the port creates the node", async () => {
    await startWith([])
    await page.click(tid('create-node-empty'))
    await page.fill(tid('create-name'), 'Desk')
    await page.fill(tid('create-port'), String(squatter.port))
    await setSwitch(page.locator(tid('create-lan')), false)
    await page.click(tid('create-node-submit'))
    const error = page.locator(tid('create-node-error'))
    await error.waitFor()
    expect(await error.textContent()).toMatch(new RegExp(`${squatter.port}.*already in use`))
    expect(await toastWith(page, 'error', 'already in use')).toContain(String(squatter.port))
    await screenshotBoth(session, page, 'dashboard-create-dialog-host-error', { keepToasts: true })

    await page.fill(tid('create-port'), '0')
    await page.click(tid('create-node-submit'))
    const item = page.locator(tid('node-item-Desk'))
    await item.waitFor()
    await eventually(() => item.locator(tid('node-state')).textContent()).toContain('serving')
    expect(await item.locator(tid('node-address')).textContent()).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(await item.locator(tid('node-edges')).textContent()).toBe('0 peers')
    expect(await item.locator(tid('node-lan')).textContent()).toBe('LAN off')
    // No topics: nothing to pair, so no '*' and no "paired for every subscription" (issue 15).
    expect(await item.locator(tid('node-paired')).count()).toBe(0)
    await page.waitForSelector(tid('view-overview'))
    expect(await page.locator(tid('overview-paired')).textContent()).toBe('no topics to pair yet')
    expect(await page.locator(tid('overview-address')).textContent()).toBe(
      await item.locator(tid('node-address')).textContent()
    )
  })

  test('subscriptions are chips with their paired state; a reserved topic is refused as you type', async () => {
    await startWith([plainNode('Desk')])
    await page.click(tid('topic-add'))
    await page.fill(tid('topic-input'), '@')
    await eventually(() => page.locator(tid('topic-problem')).textContent()).toContain('reserved')
    await page.fill(tid('topic-input'), 'news')
    await page.press(tid('topic-input'), 'Enter')
    const chip = page.locator(tid('topic-chip-news'))
    await chip.waitFor()
    // A fresh topic with no partner yet: not paired, and the node loses its '*'.
    expect(await chip.getAttribute('data-paired')).toBe('false')
    await eventually(() => page.locator(`${tid('node-item-Desk')} ${tid('node-paired')}`).count()).toBe(0)
    await screenshotBoth(session, page, 'dashboard-overview')
  })

  test('LAN discovery switches on and off from the overview, and the sidebar follows', async () => {
    await startWith([plainNode('Desk')])
    const item = page.locator(tid('node-item-Desk'))
    await setSwitch(page.locator(tid('lan-enabled')), true)
    await eventually(() => item.locator(tid('node-lan')).textContent()).toBe('LAN on')
    await eventually(() => page.locator(tid('lan-status')).textContent()).toMatch(/Listening on the LAN/)
    await setSwitch(page.locator(tid('lan-enabled')), false)
    await eventually(() => item.locator(tid('node-lan')).textContent()).toBe('LAN off')
  })

  test('rename, stop and start from the sidebar, with the keyboard', async () => {
    await startWith([plainNode('Desk')])
    await page.click(tid('node-rename'))
    await page.waitForSelector(tid('rename-input'))
    await page.fill(tid('rename-input'), '')
    await eventually(() => page.locator(tid('rename-submit')).isDisabled()).toBe(true)
    await page.fill(tid('rename-input'), 'Workbench')
    await page.press(tid('rename-input'), 'Enter')
    await page.locator(tid('node-item-Workbench')).waitFor()
    await eventually(() => page.locator(tid('header-node-name')).textContent()).toContain('Workbench')

    const item = page.locator(tid('node-item-Workbench'))
    const toggle = item.locator(tid('node-toggle'))
    // The button is busy (spinner, ignores presses) until the host has answered.
    const idle = async (label: string) => {
      await eventually(() => toggle.textContent()).toContain(label)
      await eventually(() => toggle.getAttribute('class')).not.toContain('n-button--loading')
    }
    await idle('Stop')
    await toggle.focus()
    await page.keyboard.press('Enter')
    await eventually(() => item.locator(tid('node-state')).textContent()).toContain('stopped')
    expect(await page.locator(tid('overview-address')).textContent()).toBe('not listening')
    await idle('Start')
    await toggle.focus()
    await page.keyboard.press('Enter')
    await eventually(() => item.locator(tid('node-state')).textContent()).toContain('serving')

    // Tabs are reachable with the keyboard too.
    await page.locator(tid('tab-events')).focus()
    await page.keyboard.press('Enter')
    await page.waitForSelector(tid('view-events'))
    await eventually(() =>
      page.locator(`${tid('event-row')}[data-kind="node-stopped"]`).count()
    ).toBeGreaterThanOrEqual(1)
  })

  test('the theme follows the OS unless one is chosen (and the choice is kept by the host)', async () => {
    await startWith([plainNode('Desk')])
    const app = page.locator(tid('app'))
    await page.emulateMedia({ colorScheme: 'dark' })
    await eventually(() => app.getAttribute('data-theme')).toBe('dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await eventually(() => app.getAttribute('data-theme')).toBe('light')
    await page.click(tid('theme-select'))
    await page.click('.n-base-select-option:has-text("Dark theme")')
    await eventually(() => app.getAttribute('data-theme')).toBe('dark')
    await page.reload()
    await page.waitForSelector(tid('tabs'))
    await eventually(() => app.getAttribute('data-theme')).toBe('dark')
    await page.click(tid('theme-select'))
    await page.click('.n-base-select-option:has-text("System theme")')
    await eventually(() => app.getAttribute('data-theme')).toBe('light')
  })

  test('a second node, then removing both, brings back the first-run empty state', async () => {
    await startWith([plainNode('Workbench')])
    await createNode(page, { name: 'Spare', lan: false })
    for (const name of ['Spare', 'Workbench']) {
      await page.click(`${tid(`node-item-${name}`)} ${tid('node-select')}`)
      await page.click(`${tid(`node-item-${name}`)} ${tid('node-remove')}`)
      await page.click(tid('node-remove-confirm'))
      await page.locator(tid(`node-item-${name}`)).waitFor({ state: 'detached' })
    }
    await page.waitForSelector(tid('no-nodes'))
  })
})

describe('host notices and the browser bridge', () => {
  test('unreadable settings show a dismissible notice; a lost host shows in the header', async () => {
    const broken = await startServe('broken-settings', { settingsText: '{ "version": 1, "nodes": [' })
    const other = await openDashboard(session, broken.openUrl)
    try {
      const notice = other.locator(tid('notice'))
      await notice.waitFor()
      expect(await notice.textContent()).toMatch(/settings file could not be used.*moved to/s)
      await screenshotBoth(session, other, 'dashboard-notice')
      await notice.locator('.n-alert__close').click()
      await notice.waitFor({ state: 'detached' })

      await broken.stop()
      const status = other.locator(tid('bridge-status'))
      await eventually(() => status.getAttribute('data-connected')).toBe('false')
      expect(await status.textContent()).toContain('Connection to chaski serve lost')
    } finally {
      await other.close()
      await broken.stop()
    }
  })
})
