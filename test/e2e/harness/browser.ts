// Launches Debian's Chromium (never a downloaded browser) headless through playwright-core. Playwright gives
// every launch a fresh temporary profile; the flags keep Chromium off the network. Screenshots: artifacts/screenshots.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const SCREENSHOT_DIR = resolve(__dirname, '../../../artifacts/screenshots')

function chromiumPath(): string {
  const fromEnv = process.env['CHROMIUM_PATH']
  if (fromEnv) return fromEnv
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim()
    } catch {
      // try the next name
    }
  }
  throw new Error('Chromium not found: install it with `apt-get install -y chromium` (or set CHROMIUM_PATH)')
}

export interface BrowserSession {
  browser: Browser
  newPage(options?: { colorScheme?: 'light' | 'dark' }): Promise<Page>
  screenshot(page: Page, name: string): Promise<string>
  close(): Promise<void>
}

export async function launchBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run'
    ]
  })
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        colorScheme: options.colorScheme ?? 'light'
      })
      const page = await context.newPage()
      // Surface page errors in the test output: a broken page should fail loudly, not silently.
      page.on('pageerror', (err) => console.error(`[page error] ${err.message}`))
      return page
    },
    async screenshot(page, name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true })
      const path = join(SCREENSHOT_DIR, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    },
    async close() {
      await browser.close()
    }
  }
}
