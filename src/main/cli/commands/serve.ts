// `chaski serve`: the desktop app's node host, headless, with the dashboard served to a browser (src/main/serve).
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { TOKEN_PATTERN } from '../../serve/access-token'
import { DEFAULT_SERVE_PORT, startServeHost, type ServeHandle } from '../../serve/serve-host'
import type { AppNotice } from '../../../shared/snapshots'
import { CliUsageError, parseCommandArgs, parseInteger } from '../args'
import type { Command } from '../command'
import { EXIT_FAILURE, EXIT_OK } from '../command'
import { createPrinter, sanitize } from '../output'
import { DESKTOP_SETTINGS_BY_OS, desktopSettingsPath } from '../../settings/settings-location'
import { controlSocketPath, processControlSocketPath } from '../../control/control-path'

/**
 * The built renderer: beside out/main/cli.js once built; from a source checkout, the repo's out/renderer.
 * CHASKI_RENDERER_DIR overrides both (development and tests).
 */
export function findRendererDir(): string | null {
  const override = process.env['CHASKI_RENDERER_DIR']
  const candidates = override
    ? [override]
    : [join(__dirname, '../renderer'), resolve(__dirname, '../../../../out/renderer')]
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run nodes headless and serve the dashboard to a browser',
  usage: ['serve [--host <ip>] [--port <n>] [--token <t>] [--config <file>] [--bare] [--json]'],
  description:
    "Runs the desktop app's node host without a window and serves the same dashboard over HTTP on 127.0.0.1\n" +
    '(use --host to listen elsewhere). The dashboard page and its WebSocket need the access token: open the\n' +
    'printed URL, which carries it (no cookie is set). Nodes, what they remember (known peers, recent peers,\n' +
    'LAN devices) and preferences are kept in the --config file (the desktop app format); a path that is not\n' +
    'such a file is refused, never replaced. Without --config they last as long as the process. It checks that\n' +
    'it can listen before it starts any node or writes any file. Stops every node cleanly on Ctrl-C / SIGTERM.\n' +
    '\n' +
    `The desktop app keeps its settings in ${desktopSettingsPath()} here; on each system:\n` +
    DESKTOP_SETTINGS_BY_OS.map((line) => `  ${line}\n`).join('') +
    'Give that path to --config to run the same nodes headless (not while the desktop app runs).\n' +
    '`chaski trust` talks to it through a control socket readable by this user only: <config file>.control, or\n' +
    'with no --config a per-process socket in a private temp folder (printed at start).',
  flags: {
    host: { type: 'string', value: '<ip>', help: 'address to listen on (default 127.0.0.1)' },
    port: {
      type: 'string',
      value: '<n>',
      help: `HTTP port, 0 for any free one (default ${DEFAULT_SERVE_PORT})`
    },
    token: { type: 'string', value: '<t>', help: 'access token (default: a new random one)' },
    config: { type: 'string', value: '<file>', help: 'settings file to load and save (desktop app format)' },
    bare: { type: 'boolean', help: 'start with no node when the settings have none (no default first node)' },
    json: { type: 'boolean', help: 'print one JSON object per line' }
  },
  examples: ['chaski serve', 'chaski serve --port 8600 --config ~/.config/Chaski/settings.json'],

  async run(argv, { streams, signal }) {
    const args = parseCommandArgs(this.flags, argv)
    const port = args.has('port')
      ? parseInteger('port', args.string('port') ?? '', { min: 0, max: 65535 })
      : undefined
    const token = args.string('token')
    if (token !== undefined && !TOKEN_PATTERN.test(token))
      throw new CliUsageError('--token must be 8–200 letters, digits or ._~- characters')
    const printer = createPrinter({ json: args.flag('json'), streams, timestamps: !args.flag('json') })
    const rendererDir = findRendererDir()
    if (!rendererDir) {
      printer.error(
        'error',
        { error: 'dashboard not built' },
        'chaski serve: the dashboard is not built; run `npm run build` first'
      )
      return EXIT_FAILURE
    }
    const settingsFile = args.has('config') ? resolve(args.string('config') ?? '') : null
    let handle: ServeHandle
    try {
      handle = await startServeHost({
        host: args.string('host'),
        port,
        token,
        rendererDir,
        settingsFile,
        controlSocket: settingsFile ? controlSocketPath(settingsFile) : processControlSocketPath(),
        firstLaunchNode: !args.flag('bare'),
        logger: { warn: (message) => printer.error('warning', { message }, `warning: ${sanitize(message)}`) }
      })
    } catch (err) {
      const message =
        (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? `port ${port ?? DEFAULT_SERVE_PORT} is in use; pick another with --port (0 for any free one)`
          : (err as Error).message
      printer.error('error', { error: message }, `chaski serve: ${sanitize(message)}`)
      return EXIT_FAILURE
    }
    // Notices the dashboard shows (settings moved aside, ...) are printed here too: the terminal may be the only
    // place a headless user looks.
    const printed = new Set<string>()
    const printNotices = (notices: AppNotice[]) => {
      for (const notice of notices) {
        if (printed.has(notice.id)) continue
        printed.add(notice.id)
        printer.error(
          'notice',
          { level: notice.level, text: notice.text },
          `${notice.level}: ${sanitize(notice.text)}`
        )
      }
    }
    const state = handle.host.getState()
    printNotices(state.notices)
    const stopNotices = handle.host.subscribeUpdates((update) => {
      if (update.notices) printNotices(update.notices)
    })
    const nodes = state.nodes
    printer.event(
      'serving',
      {
        url: handle.url,
        openUrl: handle.openUrl,
        controlSocket: handle.controlSocket,
        nodes: nodes.map((n) => ({ id: n.id, name: n.config.name, address: n.address }))
      },
      [
        `Dashboard: ${handle.openUrl}`,
        `  (open it in a browser; the token in the URL is required)`,
        ...(handle.controlSocket
          ? [
              `Control socket: ${handle.controlSocket}` +
                (settingsFile ? '' : ` (chaski trust --socket ${handle.controlSocket})`)
            ]
          : []),
        ...nodes.map((n) => `  node ${sanitize(n.config.name)}: ${n.address ?? n.error ?? n.state}`)
      ].join('\n')
    )
    await new Promise<void>((done) => {
      if (signal.aborted) done()
      else signal.addEventListener('abort', () => done(), { once: true })
    })
    stopNotices()
    printer.event('stopping', {}, 'stopping: closing every node (peers see a deliberate close)...')
    await handle.close()
    printer.event('stopped', {}, 'stopped')
    return EXIT_OK
  }
}
