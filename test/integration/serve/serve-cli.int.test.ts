// `chaski serve` as a real process: prints a ready-to-open URL, keeps nodes in the --config file, and on SIGTERM
// stops every node so peers see a deliberate close.
import { existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import WebSocket from 'ws'
import { ChaskiNode, type RemovalReason } from '../../../src/main/chaski/index'
import { CliProcess, useServeScratchDir } from '../cli/cli-process'
import { waitFor } from '../../helpers/wait-for'

const dir = useServeScratchDir('chaski-serve-cli-')

test('serve prints its URL, saves nodes to --config, and stops them cleanly on SIGTERM', async () => {
  const config = join(dir(), 'settings.json')
  const serve = CliProcess.start(['serve', '--port', '0', '--bare', '--json', '--config', config])
  const serving = await serve.waitForEvent('serving')
  const openUrl = String(serving['openUrl'])
  expect(openUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/)
  expect((await fetch(openUrl)).status).toBe(200)
  expect((await fetch(openUrl.replace(/\?token=.*/, ''))).status).toBe(401)

  // Create a node through the WebSocket, as the dashboard does: its own Origin, the token as a subprotocol.
  const { origin, searchParams } = new URL(openUrl)
  const ws = new WebSocket(
    `${origin.replace('http', 'ws')}/bridge`,
    ['chaski.v1', `chaski.token.${searchParams.get('token')}`],
    { origin }
  )
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const replies: { id: number; result: { ok: boolean; value?: { address: string } } }[] = []
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString())
    if (message.type === 'reply') replies.push(message)
  })
  ws.send(
    JSON.stringify({
      type: 'call',
      id: 1,
      method: 'createNode',
      args: [{ name: 'Served', ip: '127.0.0.1', port: 0, lan: { enabled: false } }]
    })
  )
  const reply = await waitFor(() => replies.find((r) => r.id === 1))
  expect(reply.result.ok).toBe(true)
  const address = reply.result.value!.address
  expect(JSON.parse(readFileSync(config, 'utf8')).nodes[0].name).toBe('Served')

  const peer = new ChaskiNode({ ip: '127.0.0.1', port: 0, name: 'Watcher', reconnections: 3 })
  try {
    await peer.ready
    await peer.connect(address)
    const reasons: RemovalReason[] = []
    peer.on('edge-removed', ({ reason }) => reasons.push(reason))
    serve.kill('SIGTERM')
    const exit = await serve.waitForExit()
    expect(exit.code).toBe(0)
    expect(serve.events('stopped')).toHaveLength(1)
    await waitFor(() => reasons.length > 0)
    expect(reasons).toEqual(['peer-stopped'])
    expect(peer.reconnects).toEqual([])
  } finally {
    ws.close()
    await peer.stop()
  }
})

test('serve with its port in use says so and exits before it starts a node or writes its settings file (issue 14)', async () => {
  const taken = net.createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  const port = (taken.address() as net.AddressInfo).port
  const config = join(dir(), 'never-written.json')
  try {
    // Without --bare and with no settings file, the host would create (and start) its first-launch node.
    const serve = CliProcess.start(['serve', '--port', String(port), '--config', config])
    expect(await serve.waitForExit()).toMatchObject({ code: 1 })
    expect(serve.stderr).toContain(`port ${port} is in use; pick another with --port`)
    expect(serve.lines.join('\n')).not.toMatch(/Dashboard:|node /)
    expect(existsSync(config)).toBe(false)
  } finally {
    await new Promise((resolve) => taken.close(resolve))
  }
})
