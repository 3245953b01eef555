// Names and topics come from untrusted handshakes: a peer named with a right-to-left override, zero-width or control
// characters must not reorder, hide or rewrite what `chaski node`, `status` and `ping` print. Human lines show each
// such character as a \u{...} escape; JSON lines keep the exact text with JSON \u escapes (nothing raw on a terminal).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../../helpers/wait-for'
import { CliProcess, START_TIMEOUT_MS, killAllCli, runCli } from './cli-process'

// Reads "Evil" then, reversed by the override, what looks like an address: "(55673:1.0.0.721)" → "(127.0.0.1:37655)".
const REVERSED = 'Evil\u202E(55673:1.0.0.721)'
// Zero-width space, BEL, a C1 control (CSI) and a line separator: invisible, or able to drive a terminal.
const INVISIBLE = 'Ze\u200Bro\u0007\u009B2J\u2028x'
const TOPIC = 'news\u2066'
// Anything a terminal could act on or hide; none of it may reach stdout raw.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u

let evil: CliProcess
let invisible: CliProcess
let evilAddress = ''
let invisibleAddress = ''

async function listeningAddress(cli: CliProcess): Promise<string> {
  const line = await waitFor(() => cli.lines.find((text) => text.includes(' listening ')), {
    timeoutMs: START_TIMEOUT_MS,
    message: `listening line\n${cli.describe()}`
  })
  return /on (\S+) \(TCP and UDP\)/.exec(line)![1]
}

beforeAll(async () => {
  evil = CliProcess.start(['node', '--name', REVERSED, '--subscribe', TOPIC])
  invisible = CliProcess.start(['node', '--name', INVISIBLE])
  ;[evilAddress, invisibleAddress] = await Promise.all([listeningAddress(evil), listeningAddress(invisible)])
}, START_TIMEOUT_MS + 5_000)

afterAll(killAllCli)

describe('hostile names in the CLI', () => {
  it('chaski node prints a peer named with an override or invisible characters escaped, in order', async () => {
    const watcher = CliProcess.start([
      'node',
      '--name',
      'watcher',
      '--connect',
      evilAddress,
      '--connect',
      invisibleAddress
    ])
    const added = (name: string) =>
      watcher.waitForLine((line) => line.includes('edge +') && line.includes(name), `edge line for ${name}`)
    const evilLine = await added('Evil')
    expect(evilLine).toContain(`Evil\\u{202e}(55673:1.0.0.721)@${evilAddress}`)
    expect(evilLine).toContain('topics news\\u{2066}')
    const invisibleLine = await added('Ze')
    expect(invisibleLine).toContain(`Ze\\u{200b}ro\\u{7}\\u{9b}2J\\u{2028}x@${invisibleAddress}`)
    // The evil node's own listening line is escaped too.
    expect(evil.lines.find((line) => line.includes(' listening '))).toContain(
      'Evil\\u{202e}(55673:1.0.0.721) on'
    )
    for (const line of [...watcher.lines, ...evil.lines, ...invisible.lines])
      expect(line).not.toMatch(RAW_UNSAFE)
  }, 60_000)

  it('chaski status and ping print the name escaped; --json keeps it exact with \\u escapes', async () => {
    const [status, statusJson, ping] = await Promise.all([
      runCli(['status', evilAddress]),
      runCli(['status', invisibleAddress, '--json']),
      runCli(['ping', invisibleAddress, '--count', '1'])
    ])
    expect(status.exitInfo.code).toBe(0)
    expect(status.lines[0]).toBe(`Evil\\u{202e}(55673:1.0.0.721) at ${evilAddress}`)
    expect(status.lines[2]).toBe('  paired:       news\\u{2066} no')
    expect(ping.exitInfo.code).toBe(0)
    expect(ping.lines[0]).toContain(`PING Ze\\u{200b}ro\\u{7}\\u{9b}2J\\u{2028}x@${invisibleAddress}`)
    expect(statusJson.lines[0]).toContain('"name":"Ze\\u200bro\\u0007\\u009b2J\\u2028x"')
    expect(statusJson.events()[0]!.name).toBe(INVISIBLE)
    for (const line of [...status.lines, ...statusJson.lines, ...ping.lines])
      expect(line).not.toMatch(RAW_UNSAFE)
  }, 60_000)
})
