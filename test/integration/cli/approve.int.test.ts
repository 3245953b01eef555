// `chaski node --trust approve` (issue #13): the foreground node holds a new peer as pending and prints it with the
// comparison code, the same code the peer shows; nothing is linked meanwhile. (Accepting it from the command line is
// `chaski trust` against a running host, not this process.)
import { afterEach, describe, expect, it } from 'vitest'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { CliProcess, killAllCli } from './cli-process'

afterEach(killAllCli)
const createNode = useNodes({ reconnections: 0 })

describe('chaski node --trust approve', () => {
  it('prints each pending peer with the comparison code both sides show (JSON and text)', async () => {
    const json = CliProcess.start(['node', '--name', 'gate', '--port', '0', '--trust', 'approve', '--json'])
    const port = await json.readyPort()
    expect(json.events('ready')[0]).toMatchObject({ trust: 'approve', secure: true })
    const visitor = await createNode({ name: 'visitor', trust: 'approve' })
    void visitor.connect(`127.0.0.1:${port}`).catch(() => {})
    const shown = await waitFor(() => visitor.pendingPeers()[0])
    const printed = await json.waitForEvent('peer-pending')
    expect(printed).toMatchObject({
      peer: { id: visitor.id, name: 'visitor' },
      direction: 'inbound',
      code: shown.code,
      accepted: false,
      peerAccepted: false
    })
    expect(visitor.edges).toEqual([])
    expect(json.events('edge-added')).toEqual([])

    const text = CliProcess.start(['node', '--name', 'gate2', '--port', '0', '--trust', 'approve'])
    await text.waitForLine((line) => /trust policy approve/.test(line), 'the trust policy line')
    const listening = text.lines.join('\n').match(/127\.0\.0\.1:(\d+)/)
    expect(listening).not.toBeNull()
    void visitor.connect(`127.0.0.1:${listening![1]}`).catch(() => {})
    const second = await waitFor(() => visitor.pendingPeers().find((peer) => peer.name === 'gate2'))
    const line = await waitFor(() => text.lines.find((l) => /pending .*comparison code/.test(l)), {
      timeoutMs: 20_000
    })
    expect(line).toContain(`comparison code ${second.code}`)
    expect(line).toMatch(/pending +visitor@127\.0\.0\.1:\d+ \(id [A-Z2-7]{7}-[A-Z2-7]{7}\) \(inbound\)/)
  })

  it('refuses an unknown policy with a usage error', async () => {
    const cli = CliProcess.start(['node', '--trust', 'sometimes'])
    const exit = await cli.waitForExit()
    expect(exit.code).toBe(2)
    expect(cli.stderr).toMatch(/--trust must be one of open, tofu, approve/)
  })
})
