// Issue #11 row 10: `chaski serve` bounds its WebSocket clients. Against a real `chaski serve` process (its memory is
// read from /proc): 2,000 connection attempts get at most 32 clients in, the rest a clear close reason; a client that
// asks for the state over and over and never reads is dropped before its unread replies pile up in memory; a
// well-behaved client keeps working throughout.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CliProcess, START_TIMEOUT_MS, killAllCli } from '../cli/cli-process'
import { waitFor } from '../../helpers/wait-for'
import { bridgeClient, rssOf, type BridgeClient } from './serve-helpers'

const MAX_CLIENTS = 32
const MiB = 1024 * 1024
let dir: string
let serve: CliProcess
let base: string
let token: string
let good: BridgeClient

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chaski-serve-clients-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Chaski</title>')
  process.env['CHASKI_RENDERER_DIR'] = dir
  serve = CliProcess.start(['serve', '--port', '0', '--bare', '--json'])
  const serving = await serve.waitForEvent('serving', () => true, START_TIMEOUT_MS)
  const openUrl = new URL(String(serving['openUrl']))
  token = openUrl.searchParams.get('token') ?? ''
  base = `${openUrl.origin}/`
  good = await bridgeClient(base, { token })
  expect(good.opened).toBe(true)
}, 60_000)
afterAll(async () => {
  delete process.env['CHASKI_RENDERER_DIR']
  good?.ws.close()
  serve?.kill('SIGTERM')
  await serve?.waitForExit().catch(() => undefined)
  await killAllCli()
  rmSync(dir, { recursive: true, force: true })
})

describe('chaski serve: WebSocket clients are bounded', () => {
  test('2,000 connection attempts: at most 32 clients, the rest told why; memory bounded; a good client works', async () => {
    const before = rssOf(serve.pid)
    let peak = before
    const clients: BridgeClient[] = []
    try {
      for (let batch = 0; batch < 20; batch++) {
        const opened = await Promise.all(Array.from({ length: 100 }, () => bridgeClient(base, { token })))
        clients.push(...opened)
        peak = Math.max(peak, rssOf(serve.pid))
      }
      expect(clients).toHaveLength(2000)
      // The good client holds one place: 31 more got in and stay; every other one is closed with 1013 and a reason.
      const refusedAll = () =>
        clients.filter((c) => c.closeCode() !== null).length >= 2000 - (MAX_CLIENTS - 1)
      await waitFor(refusedAll, { timeoutMs: 10_000 }).catch(() => undefined) // the counts below say what is wrong
      const stayed = clients.filter((c) => c.closeCode() === null)
      const refused = clients.filter((c) => c.closeCode() !== null)
      expect(stayed).toHaveLength(MAX_CLIENTS - 1)
      expect(new Set(refused.map((c) => c.closeCode()))).toEqual(new Set([1013]))
      expect(refused[0].closeReason()).toMatch(/too many dashboard clients \(at most 32\)/)
      expect(await good.call('getState', [])).toMatchObject({ ok: true })
      expect(await stayed[0].call('getState', [])).toMatchObject({ ok: true })
      const growth = peak - before
      expect(growth, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(48 * MiB)
      if (process.env['CHASKI_PRINT_FIGURES'])
        console.log(`2000 attempts: serve RSS +${(growth / MiB).toFixed(1)} MiB`)
    } finally {
      for (const c of clients) c.ws.terminate()
    }
    // Places are given back: once the others leave, a new client gets in.
    const late = await waitFor(
      async () => {
        const client = await bridgeClient(base, { token })
        if (client.opened) return client
        client.ws.terminate()
        return null
      },
      { timeoutMs: 10_000, message: 'a new client admitted after the others left' }
    )
    late.ws.close()
  }, 120_000)

  test('a client that sends getState over and over and never reads is dropped; memory stays bounded', async () => {
    // Make the state big (about 0.5 MB of JSON per reply), so that unread replies add up fast.
    for (let i = 0; i < 30; i++) {
      const subscriptions = Array.from({ length: 64 }, (_, t) => `topic-${i}-${t}-${'x'.repeat(80)}`)
      const created = await good.call('createNode', [
        { name: `Big${i}`, subscriptions, autoStart: false, lan: { enabled: false } }
      ])
      expect(created).toMatchObject({ ok: true })
    }
    const reply = JSON.stringify(await good.call('getState', []))
    expect(reply.length).toBeGreaterThan(300_000)

    const before = rssOf(serve.pid)
    let peak = before
    const flooder = await rawBridgeSocket(base, token)
    let closed = false
    flooder.on('close', () => (closed = true))
    flooder.on('error', () => undefined)
    // 400 calls would be ~200 MB of replies if the server kept them all for a client that never reads.
    const frame = maskedTextFrame(JSON.stringify({ type: 'call', id: 1, method: 'getState', args: [] }))
    const warned = () =>
      serve.events('warning').some((w) => /still unread; dropping it/.test(String(w['message'])))
    const dropped = () => closed || warned()
    // Paced below the in-flight limit (64 calls), so that what bounds it is the unread data, not that limit.
    for (let sent = 0; sent < 400 && !dropped(); sent += 16) {
      flooder.write(Buffer.concat(Array.from({ length: 16 }, () => frame)))
      await new Promise((resolve) => setTimeout(resolve, 25))
      peak = Math.max(peak, rssOf(serve.pid))
    }
    await waitFor(
      () => {
        peak = Math.max(peak, rssOf(serve.pid))
        return dropped() || peak - before > 256 * MiB
      },
      { timeoutMs: 30_000 }
    ).catch(() => undefined) // the assertions below say what went wrong, with the memory figure
    const growth = peak - before
    const grew = `RSS grew by ${(growth / MiB).toFixed(1)} MiB`
    expect(dropped(), `the non-reading client was not dropped; ${grew}`).toBe(true)
    const warning = serve.events('warning').find((w) => /still unread/.test(String(w['message'])))
    expect(String(warning?.['message'])).toMatch(/more than 8 MiB sent to it are still unread; dropping it/)
    expect(growth, grew).toBeLessThan(48 * MiB)
    if (process.env['CHASKI_PRINT_FIGURES']) console.log(`non-reader: serve ${grew}`)
    // Reading now drains what the kernel held and then meets the server's close.
    flooder.resume()
    await waitFor(() => closed, { message: 'the flooder socket closed by the server' })
    // The good client was never affected.
    expect(await good.call('getState', [], 20_000)).toMatchObject({ ok: true })
    flooder.destroy()
  }, 120_000)
})

describe('chaski serve: a client that resets its upgrade request does not stop the host', () => {
  test('2,000 upgrade requests (refused: no token) reset while the host answers: the host keeps serving', async () => {
    const url = new URL(base)
    for (let i = 0; i < 2000; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(
            `GET /bridge HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${url.origin}\r\nUpgrade: websocket\r\n` +
              `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
              'Sec-WebSocket-Version: 13\r\n\r\n'
          )
          setImmediate(() => {
            socket.resetAndDestroy()
            resolve()
          })
        })
        socket.on('error', () => resolve())
      })
      if (serve.exitInfo) break
    }
    expect(serve.exitInfo, serve.describe()).toBeNull()
    expect(await good.call('getState', [])).toMatchObject({ ok: true })
  }, 120_000)
})

/** A WebSocket handshake by hand, then a socket that never reads again (paused): the non-reading client. */
async function rawBridgeSocket(base: string, token: string): Promise<Socket> {
  const url = new URL(base)
  const socket = connect(Number(url.port), url.hostname)
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  socket.write(
    [
      'GET /bridge HTTP/1.1',
      `Host: ${url.host}`,
      `Origin: ${url.origin}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Protocol: chaski.v1, chaski.token.${token}`,
      '',
      ''
    ].join('\r\n')
  )
  const head = await new Promise<string>((resolve, reject) => {
    let text = ''
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1')
      if (text.includes('\r\n\r\n')) {
        socket.off('data', onData)
        socket.pause()
        resolve(text)
      }
    }
    socket.on('data', onData)
    socket.once('error', reject)
  })
  expect(head).toMatch(/^HTTP\/1\.1 101/)
  return socket
}

/** One masked text frame (clients must mask: RFC 6455 §5.3). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  if (payload.length > 125) throw new Error('short frames only')
  const mask = randomBytes(4)
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]))
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked])
}
