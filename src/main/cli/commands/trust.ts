// `chaski trust list|accept|reject|revoke|unrevoke`: who a RUNNING node host (the desktop app, `chaski serve`) trusts, and the
// person's decisions about peers, through the host's local control channel (src/main/control: a Unix socket beside
// the settings file, mode 0600; a named pipe on Windows). Nothing here touches the settings file itself.
import { resolve } from 'node:path'
import type { AppState, NodeSnapshot } from '../../../shared/snapshots'
import { displayNodeId } from '../../../shared/node-id-text'
import { callControl } from '../../control/control-client'
import { controlSocketPath } from '../../control/control-path'
import { desktopSettingsPath } from '../../settings/settings-location'
import { CliUsageError, parseCommandArgs } from '../args'
import type { Command } from '../command'
import { EXIT_FAILURE, EXIT_OK } from '../command'
import { createPrinter, errorFields, sanitize, type EventPrinter } from '../output'
import { findTrustTarget, type TrustVerb } from '../trust-target'

const ACTIONS = ['list', 'accept', 'reject', 'revoke', 'unrevoke'] as const
const METHOD: Record<TrustVerb, 'acceptPeer' | 'rejectPeer' | 'revokePeer' | 'unrevokePeer'> = {
  accept: 'acceptPeer',
  reject: 'rejectPeer',
  revoke: 'revokePeer',
  unrevoke: 'unrevokePeer'
}

export const trustCommand: Command = {
  name: 'trust',
  summary: 'list, accept, reject, revoke or unrevoke peers of a running desktop app or chaski serve',
  usage: [
    'trust list [--node <name|id>] [--config <file> | --key <file> | --socket <path>] [--json]',
    'trust accept|reject <peer> [--node <name|id>] [--config <file> | --key <file> | --socket <path>] [--json]',
    'trust revoke|unrevoke <peer> [--node <name|id>] [--config <file> | --key <file> | --socket <path>] [--json]'
  ],
  description:
    'Talks to a running node host: the desktop app (default: its settings file), `chaski serve --config <file>`\n' +
    '(give the same --config) or `chaski node --key <file>` (give the same --key), through its control socket\n' +
    '(<file>.control, readable by this user only; without --config / --key they print their --socket path).\n' +
    'A chaski node with --key keeps its trusted and revoked peers in <key file>.trust.json (mode 0600).\n' +
    '  list     each node: trust policy, peers waiting for approval with their comparison code, trusted peers\n' +
    '           (first and last seen) and revoked peers\n' +
    '  accept   a peer waiting for approval (policy approve) links and is trusted from now on: first check that\n' +
    '           the other side shows the same comparison code\n' +
    '  reject   a waiting peer is turned away (it may ask again)\n' +
    '  revoke   a peer is refused from now on, under every policy; its links close (kept across restarts)\n' +
    '  unrevoke a revoked peer is an unknown peer again: the trust policy decides at its next link (tofu\n' +
    '           trusts it again, approve asks you); it is not dialled by itself\n' +
    '<peer> is its id (grouped or not), the start of it (at least 4 characters, e.g. the short id) or its name.\n' +
    '--node picks the local node when several have such a peer.',
  flags: {
    node: { type: 'string', value: '<name|id>', help: 'the local node (by name or id)' },
    config: {
      type: 'string',
      value: '<file>',
      help: `the host's settings file (default: the desktop app's, ${desktopSettingsPath()})`
    },
    key: { type: 'string', value: '<file>', help: 'a foreground chaski node started with this --key' },
    socket: {
      type: 'string',
      value: '<path>',
      help: 'the control socket itself (chaski serve and chaski node print it)'
    },
    json: { type: 'boolean', help: 'one JSON object per line' }
  },
  examples: [
    'chaski trust list',
    'chaski trust accept ABCDEFG-HIJKLMN',
    'chaski trust revoke Laptop --node Desk',
    'chaski trust unrevoke Laptop',
    'chaski trust list --config ./serve-settings.json --json'
  ],

  async run(argv, { streams }) {
    const args = parseCommandArgs(this.flags, argv, 2)
    const [action, peer, ...extra] = args.positionals
    if (action === undefined) throw new CliUsageError(`say what to do: ${ACTIONS.join(', ')}`)
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new CliUsageError(`unknown action '${action}' (one of ${ACTIONS.join(', ')})`)
    if (action === 'list' && peer !== undefined) throw new CliUsageError(`unexpected argument '${peer}'`)
    if (action !== 'list' && peer === undefined)
      throw new CliUsageError(`name the peer to ${action}: its id, the start of it, or its name`)
    if (extra.length > 0) throw new CliUsageError(`unexpected argument '${extra[0]}'`)
    if (['config', 'key', 'socket'].filter((flag) => args.has(flag)).length > 1)
      throw new CliUsageError('give one of --config, --key or --socket')
    const socket =
      args.string('socket') ??
      controlSocketPath(resolve(args.string('key') ?? args.string('config') ?? desktopSettingsPath()))
    const printer = createPrinter({ json: args.flag('json'), streams })
    try {
      const state = (await call(socket, 'getState', [])) as AppState
      const nodeText = args.string('node')
      if (action === 'list') return list(printer, state.nodes, nodeText)
      const verb = action as TrustVerb
      const target = findTrustTarget(state.nodes, verb, peer!, nodeText)
      if (!target.ok) {
        printer.error('error', { error: target.message }, `chaski trust: ${sanitize(target.message)}`)
        return EXIT_FAILURE
      }
      const after = (await call(socket, METHOD[verb], [target.node.id, target.peerId])) as NodeSnapshot
      const done = { accept: 'accepted', reject: 'rejected', revoke: 'revoked', unrevoke: 'unrevoked' }[verb]
      printer.event(
        done,
        { node: after.id, nodeName: after.config.name, peerId: target.peerId, name: target.name },
        `${done} ${sanitize(target.name) || 'peer'} ${displayNodeId(target.peerId)} on ${sanitize(after.config.name)}`
      )
      return EXIT_OK
    } catch (err) {
      const { name, message } = errorFields(err)
      printer.error('error', { error: { name, message } }, `chaski trust: ${sanitize(message)}`)
      return EXIT_FAILURE
    }
  }
}

async function call(socket: string, method: string, args: unknown[]): Promise<unknown> {
  const result = await callControl(socket, method, args)
  if (!result.ok) throw Object.assign(new Error(result.error.message), { name: result.error.name })
  return result.value
}

function list(printer: EventPrinter, nodes: NodeSnapshot[], nodeText: string | undefined): number {
  const shown =
    nodeText === undefined ? nodes : nodes.filter((n) => n.config.name === nodeText || n.id === nodeText)
  if (nodeText !== undefined && shown.length === 0) {
    printer.error(
      'error',
      { error: `no node '${nodeText}'` },
      `chaski trust: no local node '${sanitize(nodeText)}'`
    )
    return EXIT_FAILURE
  }
  const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
  for (const node of shown) {
    const { trust } = node
    printer.event(
      'node',
      { id: node.id, nodeId: node.nodeId ?? null, name: node.config.name, state: node.state, ...trust },
      [
        `${sanitize(node.config.name)}  ${node.nodeId ? displayNodeId(node.nodeId) : '(not started yet)'}  ` +
          `${node.state}, trust ${trust.policy}${trust.insecure ? ', WARNING: plaintext peers allowed (insecure)' : ''}`,
        `  waiting for approval: ${trust.pending.length === 0 ? 'none' : ''}`,
        ...trust.pending.map(
          (p) =>
            `    ${sanitize(p.name)}  ${sanitize(p.address)}  code ${sanitize(p.code)}  ${displayNodeId(p.id)}  ` +
            `(${p.direction === 'inbound' ? 'asked' : 'dialled'} ${when(p.since)})`
        ),
        `  trusted: ${trust.trusted.length === 0 ? 'none' : ''}`,
        ...trust.trusted.map(
          (p) =>
            `    ${sanitize(p.name)}  ${displayNodeId(p.id)}  ${sanitize(p.address)}  ` +
            `first seen ${when(p.firstSeen)}, last seen ${when(p.lastSeen)}`
        ),
        `  revoked: ${trust.revoked.length === 0 ? 'none' : ''}`,
        ...trust.revoked.map((p) => `    ${sanitize(p.name)}  ${displayNodeId(p.id)}  since ${when(p.at)}`)
      ].join('\n')
    )
  }
  return EXIT_OK
}
