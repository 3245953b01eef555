// Browser tests of trust in the dashboard (issue #13) against `chaski serve` and real `chaski node` processes: the
// node id grouped and copied whole, the padlock on a secure link, the insecure badge, a peer waiting for approval
// accepted and another rejected with the comparison code shown, and a trusted peer revoked after a confirmation.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { startServe, type ServeProcess } from './harness/serve'
import { startChaskiNode, startPlaintextPeer, stopAllProcesses } from './harness/processes'
import {
  createNode,
  eventually,
  hostState,
  openDashboard,
  openTab,
  peerRow,
  selectNode,
  settled,
  tid,
  toastWith
} from './harness/dashboard-page'
import { accessibilityProblems, layoutProblems } from './harness/page-checks'

let serve: ServeProcess
let session: BrowserSession
let page: Page
const pageErrors: string[] = []
afterEach(() => {
  expect(pageErrors.splice(0), 'errors raised in the page').toEqual([])
})

beforeAll(async () => {
  ;[serve, session] = await Promise.all([startServe('trust'), launchBrowser()])
  page = await openDashboard(session, serve.openUrl)
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(serve.openUrl).origin
  })
  page.on('pageerror', (err) => pageErrors.push(err.message))
})

afterAll(async () => {
  await Promise.allSettled([session?.close(), stopAllProcesses()])
  await serve?.stop()
})

const GROUPED_ID = /^[A-Z2-7]{7}(-[A-Z2-7]{7}){7}$/

async function addressOf(name: string): Promise<string> {
  const node = (await hostState(serve.openUrl)).nodes.find((n) => n.config.name === name)!
  return node.address!
}

test('the node id is shown grouped and copied whole; a secure link has a padlock; the peer is trusted', async () => {
  await createNode(page, { name: 'Hub', lan: false })
  const alpha = await startChaskiNode({ name: 'TrustAlpha' })
  await selectNode(page, 'Hub')
  await openTab(page, 'overview')
  const shown = (await page.locator(tid('overview-node-id')).textContent())!.trim()
  expect(shown).toMatch(GROUPED_ID)
  await page.click(tid('node-id-copy'))
  await toastWith(page, 'success', `Copied ${shown}`)
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown)
  expect(await page.locator(tid('insecure-badge')).count()).toBe(0)

  await openTab(page, 'peers')
  await page.fill(tid('connect-address'), alpha.address)
  await page.click(tid('connect-submit'))
  const row = peerRow(page, 'TrustAlpha')
  await row.waitFor()
  await row.locator(tid('link-secure')).waitFor()
  expect(await row.locator(tid('link-secure')).getAttribute('aria-label')).toBe(
    'Encrypted: the peer proved its key'
  )
  expect(await row.locator(tid('link-plaintext')).count()).toBe(0)

  await openTab(page, 'overview')
  const trusted = page.locator(`${tid('trusted-peer')}[data-peer-id="${alpha.id}"]`)
  await trusted.waitFor()
  expect(await trusted.textContent()).toContain('TrustAlpha')
  expect(await page.locator(tid('trust-policy')).textContent()).toContain('tofu')
})

test('a node running insecure carries a warning badge in the sidebar, the header and its overview', async () => {
  await createNode(page, { name: 'Loose', lan: false, insecure: true })
  await selectNode(page, 'Loose')
  await openTab(page, 'overview')
  await page.locator(`${tid('node-item-Loose')} ${tid('insecure-badge')}`).waitFor()
  await page.locator(`header ${tid('insecure-badge')}`).waitFor()
  await page.locator(tid('insecure-warning')).waitFor()
  expect(await page.locator(tid('insecure-warning')).textContent()).toMatch(/unencrypted/)
  expect((await hostState(serve.openUrl)).nodes.find((n) => n.config.name === 'Loose')!.trust.insecure).toBe(
    true
  )
})

test('an insecure node linked to a plaintext peer: a warning in words on that link, the padlock on a secure one, and the insecure badge', async () => {
  await createNode(page, { name: 'Mixed', lan: false, insecure: true })
  const [old, modern] = await Promise.all([
    startPlaintextPeer('OldPeer'),
    startChaskiNode({ name: 'ModernPeer' })
  ])
  await selectNode(page, 'Mixed')
  await page.locator(`header ${tid('insecure-badge')}`).waitFor()
  expect(await page.locator(`header ${tid('insecure-badge')}`).textContent()).toMatch(/insecure/)
  await openTab(page, 'peers')
  for (const [name, peer] of [
    ['OldPeer', old],
    ['ModernPeer', modern]
  ] as const) {
    await page.fill(tid('connect-address'), peer.address)
    await page.click(tid('connect-submit'))
    await peerRow(page, name).waitFor({ timeout: 20_000 })
  }
  // The plaintext link says so in words (text and label), not by colour alone; no padlock there.
  const oldRow = peerRow(page, 'OldPeer')
  const warning = oldRow.locator(tid('link-plaintext'))
  await warning.waitFor({ timeout: 20_000 })
  expect((await warning.textContent())!.trim()).toBe('⚠ unencrypted')
  expect(await warning.getAttribute('aria-label')).toBe(
    'Not encrypted: anyone on the network can read and fake this link'
  )
  expect(await oldRow.locator(tid('link-secure')).count()).toBe(0)
  // The secure link beside it keeps its padlock, and no warning.
  const modernRow = peerRow(page, 'ModernPeer')
  await modernRow.locator(tid('link-secure')).waitFor({ timeout: 20_000 })
  expect(await modernRow.locator(tid('link-plaintext')).count()).toBe(0)
  const edges = (await hostState(serve.openUrl)).nodes.find((n) => n.config.name === 'Mixed')!.edges
  expect(
    Object.fromEntries(edges.filter((e) => e.state === 'connected').map((e) => [e.name, e.secure]))
  ).toEqual({ OldPeer: false, ModernPeer: true })
  // The node's own insecure badge, in the sidebar too.
  expect(await page.locator(`${tid('node-item-Mixed')} ${tid('insecure-badge')}`).textContent()).toMatch(
    /insecure/
  )
})

test('approve: pending peers show the comparison code; Accept links one, Reject turns the other away', async () => {
  await createNode(page, { name: 'Gate', lan: false, trust: 'approve' })
  await selectNode(page, 'Gate')
  await openTab(page, 'overview')
  expect(await page.locator(tid('trust-policy')).textContent()).toContain('approve')
  const gate = await addressOf('Gate')
  const carol = await startChaskiNode({ name: 'Carol', connect: [gate] })
  const carolRow = page.locator(`${tid('pending-peer')}[data-peer-id="${carol.id}"]`)
  await carolRow.waitFor({ timeout: 20_000 })
  const code = (await carolRow.locator(tid('pending-code')).textContent())!.trim()
  expect(code).toMatch(/^\d{3} \d{3}$/)
  expect(await carolRow.textContent()).toContain('Carol')
  // The same code the host holds for that link (the peer shows it on its side).
  const held = (await hostState(serve.openUrl)).nodes.find((n) => n.config.name === 'Gate')!.trust.pending
  expect(held.find((p) => p.id === carol.id)!.code).toBe(code)

  await carolRow.locator(tid('pending-accept')).click()
  await toastWith(page, 'success', 'Carol accepted')
  await carolRow.waitFor({ state: 'detached' })
  await page.locator(`${tid('trusted-peer')}[data-peer-id="${carol.id}"]`).waitFor()
  await openTab(page, 'peers')
  await peerRow(page, 'Carol').locator(tid('link-secure')).waitFor({ timeout: 20_000 })

  await openTab(page, 'overview')
  const dave = await startChaskiNode({ name: 'Dave', connect: [gate] })
  const daveRow = page.locator(`${tid('pending-peer')}[data-peer-id="${dave.id}"]`)
  await daveRow.waitFor({ timeout: 20_000 })
  // Keyboard: the Reject button is reachable and works with Enter.
  await daveRow.locator(tid('pending-reject')).focus()
  await page.keyboard.press('Enter')
  await toastWith(page, 'success', 'Dave rejected')
  await daveRow.waitFor({ state: 'detached' })
  await eventually(async () => {
    const node = (await hostState(serve.openUrl)).nodes.find((n) => n.config.name === 'Gate')!
    return node.edges.some((e) => e.peerId === dave.id) || node.trust.pending.some((p) => p.id === dave.id)
  }).toBe(false)
  expect(await page.locator(`${tid('trusted-peer')}[data-peer-id="${dave.id}"]`).count()).toBe(0)

  // The Overview with the trust card at the smallest supported window: nothing cut or covered, no axe violation.
  await page.setViewportSize({ width: 800, height: 600 })
  await eventually(() => page.locator('.n-message').count()).toBe(0) // the toasts above, gone by themselves
  await settled(page)
  expect([...(await layoutProblems(page)), ...(await accessibilityProblems(page))]).toEqual([])
  await session.screenshot(page, 'trust-overview-800x600')
  await page.setViewportSize({ width: 1280, height: 800 })
})

test('revoke asks first, then closes the link; the peer is listed as revoked and cannot link again; unrevoke lets it link again', async () => {
  // Its own node and peer (tofu: a peer that links is trusted), whatever the other tests did.
  await createNode(page, { name: 'Keep', lan: false })
  const erin = await startChaskiNode({ name: 'Erin', connect: [await addressOf('Keep')] })
  await selectNode(page, 'Keep')
  await openTab(page, 'overview')
  const row = page.locator(`${tid('trusted-peer')}[data-peer-id="${erin.id}"]`)
  await row.waitFor({ timeout: 20_000 })
  await row.locator(tid('trusted-revoke')).click()
  const confirm = page.locator(tid('revoke-confirm'))
  await confirm.waitFor()
  expect(await confirm.textContent()).toMatch(/Revoke Erin\? Its links close and it is refused from now on/)
  await page.locator('.n-popconfirm__action button', { hasText: 'Revoke' }).click()
  await toastWith(page, 'success', 'Erin revoked')
  await row.waitFor({ state: 'detached' })
  await page.locator(tid('revoked-peer')).filter({ hasText: 'Erin' }).waitFor()
  // The revoked list with its Unrevoke button: no axe violation (once the toast, fading in or out, is gone: a toast
  // in mid-transition has a contrast of its own; failed the full run at 13:17 for that).
  await eventually(() => page.locator('.n-message').count()).toBe(0)
  expect(await accessibilityProblems(page)).toEqual([])
  await eventually(async () => {
    const node = (await hostState(serve.openUrl)).nodes.find((n) => n.config.name === 'Keep')!
    return node.edges.some((e) => e.peerId === erin.id && e.state === 'connected')
  }).toBe(false)
  // Erin redials (it was connected with --connect): refused every time, so it never comes back.
  await erin.waitForLine((l) => JSON.stringify(l).includes('revoked'), "Erin's refusal")
  await openTab(page, 'peers')
  expect(await peerRow(page, 'Erin').count()).toBe(0)

  // Taken back, with the same kind of confirmation: Erin is an unknown peer again, so tofu links with it and
  // trusts it again when the person connects to it.
  await openTab(page, 'overview')
  const revoked = page.locator(tid('revoked-peer')).filter({ hasText: 'Erin' })
  await revoked.locator(tid('revoked-unrevoke')).click()
  const unconfirm = page.locator(tid('unrevoke-confirm'))
  await unconfirm.waitFor()
  expect(await unconfirm.textContent()).toMatch(
    /Unrevoke Erin\? It is an unknown peer again: it is trusted again the next time it links/
  )
  await page.locator('.n-popconfirm__action button', { hasText: 'Unrevoke' }).click()
  await toastWith(page, 'success', 'Erin no longer revoked')
  await revoked.waitFor({ state: 'detached' })
  await openTab(page, 'peers')
  await page.fill(tid('connect-address'), erin.address)
  await page.click(tid('connect-submit'))
  await peerRow(page, 'Erin').locator(tid('link-secure')).waitFor({ timeout: 20_000 })
  await openTab(page, 'overview')
  await page.locator(`${tid('trusted-peer')}[data-peer-id="${erin.id}"]`).waitFor()
})
