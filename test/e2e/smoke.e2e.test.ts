// Smoke test: the built renderer loads in real Chromium and the placeholder view draws its D3 graph.
import { resolve } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchBrowser, type BrowserSession } from './harness/browser'
import { serveStatic, type StaticServer } from './harness/static-server'

let server: StaticServer
let session: BrowserSession

beforeAll(async () => {
  server = await serveStatic(resolve(__dirname, '../../out/renderer'))
  session = await launchBrowser()
})

afterAll(async () => {
  await session?.close()
  await server?.close()
})

test('the placeholder view renders the force graph with one circle per node', async () => {
  const page = await session.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(server.url)
  await expect.poll(() => page.locator('h1').textContent()).toBe('Chaski')
  // Wait for the simulation to place the nodes: every circle inside the viewBox, not stacked at the origin.
  await page.waitForFunction(() => {
    const circles = [...document.querySelectorAll('[data-testid="graph"] svg circle')]
    return (
      circles.length === 4 &&
      circles.some((c) => c.closest('g')?.getAttribute('transform') !== 'translate(0,0)')
    )
  })
  expect(await page.locator('[data-testid="graph"] svg circle').count()).toBe(4)
  expect(await page.locator('[data-testid="graph"] svg line').count()).toBe(4)
  await session.screenshot(page, 'placeholder-light')
  const dark = await session.newPage({ colorScheme: 'dark' })
  await dark.goto(server.url)
  await dark.waitForSelector('[data-testid="graph"] svg circle')
  await session.screenshot(dark, 'placeholder-dark')
  expect(errors).toEqual([])
})
