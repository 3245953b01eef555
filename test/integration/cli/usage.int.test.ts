// `chaski` command lines a person gets wrong: exit code 2 and a message that says what to do next; --help
// on every command (help never starts anything, `serve` included).
import { afterAll, describe, expect, it } from 'vitest'
import { COMMANDS, runCli as dispatch } from '../../../src/main/cli/dispatch'
import { killAllCli, runCli } from './cli-process'

afterAll(killAllCli)

const BAD_COMMAND_LINES: { args: string[]; message: RegExp }[] = [
  { args: ['node', '--prot', '1'], message: /unknown option '--prot' \(did you mean '--port'\?\)/ },
  { args: ['node', '--port'], message: /option '--port' needs a value: --port <port>/ },
  { args: ['node', '--port', '70000'], message: /--port must be an integer in 0\.\.65535, got 70000/ },
  { args: ['node', '--port', 'abc'], message: /--port must be a whole number, got 'abc'/ },
  { args: ['node', '--ttl', '-1'], message: /--ttl must be an integer in 0\.\.255, got -1/ },
  { args: ['node', '--ip', '1.2.3'], message: /--ip must be an IPv4 or IPv6 address, got '1\.2\.3'/ },
  {
    args: ['node', '--connect', 'nowhere:99'],
    message: /bad address for --connect: .*e\.g\. 127\.0\.0\.1:8511/
  },
  {
    args: ['node', '--connect', '127.0.0.1:0'],
    message: /bad address for --connect: port 0 is out of range \(1–65535\)/
  },
  {
    args: ['node', '--discover', '--on-pair', 'maybe'],
    message: /--on-pair must be 'none' or 'disconnect', got 'maybe'/
  },
  { args: ['node', '--on-pair', 'none'], message: /--on-pair only applies to a search: add --discover/ },
  { args: ['node', '--subscribe', 'A,,B'], message: /--subscribe has an empty item/ },
  { args: ['node', '--auto-connect'], message: /add --lan/ },
  { args: ['node', '--json=yes'], message: /option '--json' takes no value/ },
  { args: ['node', 'extra'], message: /unexpected argument 'extra'/ },
  { args: ['status'], message: /which node\? give its address/ },
  { args: ['status', '127.0.0.1'], message: /bad address for status/ },
  {
    args: ['ping', '127.0.0.1:8511', '--count', '0'],
    message: /--count must be between 1 and 1000000, got 0/
  },
  { args: ['ping', '[::1]:8511', '--interval', 'soon'], message: /--interval must be a number of seconds/ },
  { args: ['pong'], message: /unknown command 'pong'\. Commands: node, status, ping, map, serve/ }
]

/** The dispatcher in this process, with captured output: the same code path as the binary, minus process start. */
async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const streams = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) }
  }
  const code = await dispatch(args, { streams, signal: new AbortController().signal })
  return { code, stdout, stderr }
}

describe('chaski command line mistakes', () => {
  it('exit with code 2 and a message naming the mistake and where to look next', async () => {
    for (const { args, message } of BAD_COMMAND_LINES) {
      const run = await runInProcess(args)
      expect(run, `chaski ${args.join(' ')}`).toMatchObject({ code: 2, stdout: '' })
      expect(run.stderr).toMatch(message)
      expect(run.stderr).toMatch(/Run 'chaski( \w+)? --help' for usage\.\n$/)
    }
  })

  it('a real process exits with code 2, message on stderr, nothing on stdout', async () => {
    const picked = [
      BAD_COMMAND_LINES[0],
      BAD_COMMAND_LINES[2],
      BAD_COMMAND_LINES[8],
      BAD_COMMAND_LINES.at(-1)!
    ]
    const runs = await Promise.all(picked.map(({ args }) => runCli(args)))
    runs.forEach((run, index) => {
      expect(run.exitInfo, run.describe()).toEqual({ code: 2, signal: null })
      expect(run.stderr).toMatch(picked[index].message)
      expect(run.lines).toEqual([])
    })
  }, 60_000)

  it('--help works on every command, exits 0 and lists the options', async () => {
    const [top, node, status, ping, serve] = await Promise.all([
      runCli(['--help']),
      runCli(['node', '--help']),
      runCli(['status', '-h']),
      runCli(['ping', '--help']),
      runCli(['serve', '--help'])
    ])
    for (const run of [top, node, status, ping, serve])
      expect(run.exitInfo).toEqual({ code: 0, signal: null })
    expect(top.lines.join('\n')).toMatch(/node .*\n.*status .*\n.*ping .*\n.*map .*\n.*serve /)
    const nodeHelp = node.lines.join('\n')
    for (const flag of [
      '--name',
      '--ip',
      '--port',
      '--subscribe',
      '--root',
      '--paired',
      '--ttl',
      '--max-connections',
      '--max-edges',
      '--reconnections',
      '--connect',
      '--discover',
      '--on-pair',
      '--timeout',
      '--lan [interface]',
      '--auto-connect',
      '--json'
    ]) {
      expect(nodeHelp).toContain(flag)
    }
    expect(status.lines.join('\n')).toContain('Usage: chaski status <host:port>')
    expect(ping.lines.join('\n')).toMatch(/-c, --count <n>/)
    expect(serve.lines.join('\n')).toContain('Usage: chaski serve')
  }, 120_000)

  it('the synopsis of every command names every one of its options (issue 14: node left out --root, --ttl...)', async () => {
    for (const command of COMMANDS) {
      const { stdout } = await runInProcess([command.name, '--help'])
      const synopsis = stdout.slice(0, stdout.indexOf('\n\n'))
      const missing = Object.keys(command.flags).filter((flag) => !synopsis.includes(`--${flag}`))
      expect(missing, `chaski ${command.name} synopsis:\n${synopsis}`).toEqual([])
    }
  })
})
