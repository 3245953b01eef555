// Browser tests of the dashboard against `chaski serve` with real nodes: discovery on the A,B,B network of spec §4
// (nodes 0 and 1 are `chaski node` processes, node 2 is the dashboard's), and a loopback LAN peer connected in one
// click.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { startServe, type ServeProcess } from './harness/serve'
import { startChaskiNode, stopAllProcesses, type ChaskiNodeProcess } from './harness/processes'
import {
  createNode,
  graphCounts,
  openDashboard,
  openTab,
  peerRow,
  screenshotBoth,
  selectNode,
  setSwitch,
  tid,
  eventually
} from './harness/dashboard-page'

// Spec §4's expected-results network: node 0 paired, ttl 15, maxConnections 10, no reconnection.
const PROTOCOL = ['--ttl', '15', '--max-connections', '10', '--reconnections', '0']
// Unique per run: other runs on this machine may beacon on loopback too.
const LAN_TOPIC = `lan-${process.pid}`
const LAN_PEER = `LanPeer${process.pid}`

let serve: ServeProcess
let session: BrowserSession
let node0: ChaskiNodeProcess
let node1: ChaskiNodeProcess
let page: Page
const pageErrors: string[] = []
// Each test answers for the errors it raised in the page, whatever ran before it.
afterEach(() => {
  expect(pageErrors.splice(0), 'errors raised in the page').toEqual([])
})

beforeAll(async () => {
  ;[serve, session, node0] = await Promise.all([
    startServe('discovery-lan'),
    launchBrowser(),
    startChaskiNode({ name: 'N0', subscribe: ['A'], extra: ['--paired', ...PROTOCOL] })
  ])
  // Node 1 (topic B) connects to node 0 and runs discovery first: nobody else has B, so it becomes B's first node.
  node1 = await startChaskiNode({
    name: 'N1',
    subscribe: ['B'],
    connect: [node0.address],
    extra: ['--discover', '--timeout', '10', ...PROTOCOL]
  })
  await node1.waitForLine((l) => l.event === 'discovery-concluded' && l['topic'] === 'B', 'discovery result')
  page = await openDashboard(session, serve.openUrl)
  page.on('pageerror', (err) => pageErrors.push(err.message))
})

afterAll(async () => {
  // Every step runs even if one fails, so no process outlives the file.
  await Promise.allSettled([session?.close(), stopAllProcesses()])
  await serve?.stop()
})

describe('discovery', () => {
  test('the dashboard node (B) connected to node 0 runs discovery and pairs with node 1', async () => {
    await createNode(page, {
      name: 'N2',
      subscriptions: ['B'],
      lan: false,
      ttl: 15,
      maxConnections: 10,
      reconnections: 0
    })
    await openTab(page, 'discovery')
    expect(await page.locator(tid('discovery-run')).isDisabled()).toBe(true)
    await openTab(page, 'peers')
    await page.fill(tid('connect-address'), node0.address)
    await page.click(tid('connect-submit'))
    await peerRow(page, 'N0').waitFor()

    await openTab(page, 'discovery')
    await page.click(tid('discovery-onpair-none'))
    await page.fill(tid('discovery-timeout'), '20')
    await page.click(tid('discovery-run'))
    const topic = page.locator(`${tid('discovery-topic')}[data-topic="B"]`)
    await topic.waitFor()
    await eventually(() => topic.getAttribute('data-state'), 25_000).toBe('paired')
    expect(await topic.locator(tid('discovery-topic-text')).textContent()).toMatch(
      /paired with N1 \(127\.0\.0\.1:\d+\)/
    )
    await node1.waitForLine(
      (l) => l.event === 'edge-added' && (l['peer'] as { name?: string })?.name === 'N2',
      'edge to N2'
    )
    await screenshotBoth(session, page, 'dashboard-discovery-result')

    // onPair 'none': the link through node 0 stays; every pair of the three nodes is connected.
    await openTab(page, 'peers')
    await peerRow(page, 'N1').waitFor()
    expect(await page.locator(tid('peer-row')).count()).toBe(2)
    await eventually(() => page.locator(`${tid('node-item-N2')} ${tid('node-paired')}`).count()).toBe(1)
    await openTab(page, 'overview')
    expect(await page.locator(tid('topic-chip-B')).getAttribute('data-paired')).toBe('true')
    await openTab(page, 'events')
    await eventually(() => page.locator(`${tid('event-row')}[data-kind="paired"]`).count()).toBeGreaterThan(0)
    expect(
      await page
        .locator(`${tid('event-row')}[data-kind="paired"]`)
        .first()
        .textContent()
    ).toContain('paired for B with N1')
  })
})

describe('discovery reaches the whole connected network (issue #14 item 5)', () => {
  test('a first peer that is a LAN-only neighbour does not hide the nodes sharing the topic behind the hub', async () => {
    // hub — c1, hub — c2 (paired for the topic); the dashboard's node links to a neighbour with other topics first,
    // then to the hub, and runs discovery with the default start point.
    const topic = `chat-${process.pid}`
    const hub = await startChaskiNode({ name: 'Hub', subscribe: ['hub'] })
    const lanOnly = await startChaskiNode({ name: 'LanOnly', subscribe: ['other'] })
    // One after the other: C1 becomes the topic's first node, C2 pairs with it.
    for (const name of ['C1', 'C2']) {
      const holder = await startChaskiNode({
        name,
        subscribe: [topic],
        connect: [hub.address],
        extra: ['--discover', '--timeout', '10']
      })
      await holder.waitForLine((l) => l.event === 'discovery-concluded', `${name} discovery result`)
    }

    await createNode(page, { name: 'Newcomer', subscriptions: [topic], lan: false })
    await selectNode(page, 'Newcomer')
    await openTab(page, 'peers')
    for (const [peer, name] of [
      [lanOnly, 'LanOnly'],
      [hub, 'Hub']
    ] as const) {
      await page.fill(tid('connect-address'), peer.address)
      await page.click(tid('connect-submit'))
      await peerRow(page, name).waitFor()
    }
    await openTab(page, 'discovery')
    await page.click(tid('discovery-run'))
    const row = page.locator(`${tid('discovery-topic')}[data-topic="${topic}"]`)
    await row.waitFor()
    await eventually(() => row.getAttribute('data-state'), 25_000).toBe('paired')
    expect(await row.locator(tid('discovery-topic-text')).textContent()).toMatch(/paired with C[12] \(/)
    await screenshotBoth(session, page, 'dashboard-discovery-through-every-peer')
    expect(pageErrors).toEqual([])
  })
})

describe('on the LAN', () => {
  test('a loopback LAN peer appears with its topics and one click connects to it', async () => {
    const lanPeer = await startChaskiNode({ name: LAN_PEER, subscribe: [LAN_TOPIC], lan: true })
    await createNode(page, { name: 'Listener', subscriptions: [LAN_TOPIC], lan: true, autoConnect: false })
    await selectNode(page, 'Listener')
    await openTab(page, 'lan')
    const row = page.locator(`${tid('lan-row')}[data-peer-name="${LAN_PEER}"]`)
    await row.waitFor({ timeout: 20_000 })
    expect(await row.locator(tid('lan-peer-connected')).textContent()).toBe('not connected')
    expect(await row.textContent()).toContain(LAN_TOPIC)
    expect(await row.textContent()).toContain(lanPeer.address)

    // Not connected yet: drawn in the graph (dashed) next to the local nodes and their peers.
    await openTab(page, 'graph')
    await eventually(async () => {
      const { drawn, model } = await graphCounts(page)
      return drawn === model && (await page.locator(`g[data-id="${lanPeer.id}"]`).count()) === 1
    }).toBe(true)
    await screenshotBoth(session, page, 'dashboard-graph-lan-peer')

    await openTab(page, 'lan')
    await screenshotBoth(session, page, 'dashboard-lan')
    await row.locator(tid('lan-peer-connect')).click()
    await eventually(() => row.locator(tid('lan-peer-connected')).textContent()).toBe('connected')
    await lanPeer.waitForLine((l) => l.event === 'edge-added', 'edge to Listener')
    await openTab(page, 'peers')
    await peerRow(page, LAN_PEER).waitFor()

    // Turning LAN discovery off says how to get it back; the device stays listed, offline, until forgotten.
    await openTab(page, 'lan')
    await setSwitch(page.locator(tid('lan-enabled')), false)
    await page.waitForSelector(tid('lan-off'))
    await eventually(() => row.getAttribute('data-online')).toBe('false')
    expect(await row.locator(tid('lan-peer-seen')).textContent()).toMatch(/^last seen /)
    await row.locator(tid('lan-peer-forget')).click()
    await row.waitFor({ state: 'detached' })
  })
})
