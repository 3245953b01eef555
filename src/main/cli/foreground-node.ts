// Runs the node of `chaski node` until SIGINT/SIGTERM: listen, print, connect, discover, then stop cleanly so every
// peer sees a deliberate close (docs/SEMANTICS.md §3). The --connect targets are kept linked: dialled again whenever
// they go away, a graceful stop of theirs included, with backoff and no end (src/main/redial/peer-redialer.ts).
import { ChaskiNode, formatAddress } from '../chaski/index'
import { formatNodeId, loadNetworkKeyFile, loadOrCreateNodeKey } from '../chaski/security/index'
import { PeerRedialer } from '../redial/peer-redialer'
import { reachableAddresses } from '../host/reachable-addresses'
import type { CommandContext } from './command'
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './command'
import type { NodeCommandConfig } from './node-config'
import { effectiveLanInterfaces } from './node-config'
import { attachNodePrinter } from './node-events'
import type { EventPrinter } from './output'
import { createPrinter, errorFields, formatMs, formatTopics, sanitize } from './output'
import { untilAborted } from './signals'
import { controlSocketPath, processControlSocketPath } from '../control/control-path'
import { openControlChannel } from '../control/control-server'
import { foregroundControlHandlers } from '../control/foreground-handlers'
import { ForegroundTrust } from './foreground-trust'
import { loadTrustFile, trustFilePath, TrustFileWriter } from './trust-file'

/** stop() waits for peers to close their side (bounded by the library); past this the CLI gives up waiting. */
const STOP_DEADLINE_MS = 5_000

/** How the node's links are protected, in words (the start lines). */
function securityLine(secure: boolean, insecure: boolean, trust: string): string {
  if (!secure) return 'security: NONE, plaintext links (protocol version 1)'
  const policy =
    trust === 'tofu'
      ? 'tofu (the first key met at an address is pinned)'
      : trust === 'approve'
        ? 'approve (a new peer waits as pending, with a comparison code)'
        : 'open (any key)'
  const base = `security: TLS 1.3 links, each peer proving the key of its id; trust policy ${policy}`
  return insecure ? `${base}; WARNING --insecure: plaintext peers are linked too, unencrypted` : base
}

/** The network key in words: which keys (fingerprints, never the keys), and whether a rotation is under way. */
function networkKeyLines(fingerprints: readonly string[] | null): string[] {
  if (fingerprints === null) return []
  if (fingerprints.length === 1)
    return [`             network key ${fingerprints[0]}: links only with nodes holding it`]
  return [
    `             network keys ${fingerprints.join(' (new), ')} (old): rotating, links with nodes holding either`
  ]
}

export async function runForegroundNode(
  config: NodeCommandConfig,
  { streams, signal }: CommandContext
): Promise<number> {
  const printer = createPrinter({ json: config.json, streams, timestamps: !config.json })
  let options = config.options
  if (config.keyFile !== null) {
    try {
      const { key, created } = await loadOrCreateNodeKey(config.keyFile)
      options = { ...options, key }
      if (created)
        printer.event(
          'key-created',
          { file: config.keyFile, id: key.id },
          `identity     new key in ${sanitize(config.keyFile)}: keep it private, and back it up (it is this node's id)`
        )
    } catch (err) {
      printer.error(
        'error',
        { phase: 'key', file: config.keyFile, error: errorFields(err) },
        `chaski node: ${sanitize((err as Error).message)}`
      )
      return EXIT_FAILURE
    }
  }
  if (config.networkKeyFile !== null) {
    try {
      options = { ...options, networkKey: await loadNetworkKeyFile(config.networkKeyFile) }
    } catch (err) {
      printer.error(
        'error',
        { phase: 'network-key', file: config.networkKeyFile, error: errorFields(err) },
        `chaski node: ${sanitize((err as Error).message)}`
      )
      return EXIT_FAILURE
    }
  }
  // Pins and revocations outlast the process beside --key (a node without one has a new id each run anyway).
  const trustFile = config.keyFile !== null ? trustFilePath(config.keyFile) : null
  let trust: ForegroundTrust
  try {
    const saved = trustFile !== null ? await loadTrustFile(trustFile) : { trusted: [], revoked: [] }
    trust = new ForegroundTrust(saved, trustFile !== null ? new TrustFileWriter(trustFile) : null, (err) =>
      printer.error(
        'warning',
        { message: err.message, file: trustFile },
        `warning: the trust file ${sanitize(trustFile ?? '')} could not be saved: ${sanitize(err.message)}`
      )
    )
  } catch (err) {
    printer.error(
      'error',
      { phase: 'trust-file', file: trustFile, error: errorFields(err) },
      `chaski node: ${sanitize((err as Error).message)}`
    )
    return EXIT_FAILURE
  }
  const seeded = trust.seed()
  if (seeded.length > 0) options = { ...options, trustedPeers: seeded }
  const node = new ChaskiNode(options)
  trust.attach(node)
  const detach = attachNodePrinter(node, printer, { latencyEveryMs: config.latencyEveryMs })
  try {
    await node.start()
  } catch (err) {
    detach()
    await node.stop().catch(() => undefined)
    printer.error(
      'error',
      { phase: 'listen', error: errorFields(err) },
      `chaski node: cannot listen: ${listenHint(err, config)}`
    )
    return EXIT_FAILURE
  }
  printReady(node, config, printer)
  if (trustFile !== null)
    printer.event(
      'trust-file',
      { file: trustFile, trusted: seeded.length, revoked: trust.revokedPeers().length },
      `             trust kept in ${sanitize(trustFile)}: ${seeded.length} trusted, ` +
        `${trust.revokedPeers().length} revoked`
    )
  // `chaski trust` reaches this node through a local control socket (beside --key, else per process).
  const controlPath = config.keyFile !== null ? controlSocketPath(config.keyFile) : processControlSocketPath()
  const control = await openControlChannel(controlPath, foregroundControlHandlers(node, trust), {
    warn: (message) => printer.error('warning', { message }, `warning: ${sanitize(message)}`)
  }).catch((err: unknown) => {
    printer.error(
      'warning',
      { message: (err as Error).message },
      `warning: no control socket for chaski trust: ${sanitize((err as Error).message)}`
    )
    return null
  })
  if (control)
    printer.event(
      'control',
      { socket: control.path },
      `control      chaski trust list|accept|reject|revoke|unrevoke --socket ${sanitize(control.path)}`
    )

  const redialer = new PeerRedialer(node, {
    onRetry: (target, attempt, delayMs, lastError) => {
      printer.event(
        'redialing',
        { target, attempt, delayMs, lastError },
        `redial       ${target}: attempt ${attempt} in ${formatMs(delayMs)} ms (keeps trying until you stop this node)` +
          (lastError ? `; last try: ${sanitize(lastError)}` : '')
      )
    },
    onStatus: (target, status) => {
      if (status.kind === 'closed-by-peer')
        printer.event(
          'redial-held',
          { target, reason: 'closed-by-peer' },
          `redial       ${target}: the peer closed the link on purpose; not dialled again`
        )
      if (status.kind === 'identity-changed')
        printer.event(
          'redial-held',
          { target, reason: 'identity-changed', expectedId: status.expectedId, provenId: status.provenId },
          `redial       ${target}: the node there proved another key than the one known; not dialled again`
        )
    }
  })
  const work = connectAndDiscover(node, config, printer, signal, redialer)
  await untilAborted(signal)
  const signalName = String(signal.reason)
  redialer.stop()
  await control?.close()
  printer.event('stopping', { signal: signalName }, `stopping     (${signalName}): closing every link`)
  const stopped = await Promise.race([
    node.stop().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_DEADLINE_MS).unref())
  ])
  await work
  // The pins as they are at the end (last seen times), saved before the process goes.
  await trust.keep()
  await trust.flush()
  detach()
  if (!stopped) {
    printer.error(
      'error',
      { phase: 'stop' },
      `chaski node: the node did not stop within ${STOP_DEADLINE_MS / 1000} s`
    )
    return EXIT_INTERRUPTED
  }
  printer.event('stopped', { signal: signalName }, 'stopped')
  return EXIT_OK
}

function printReady(node: ChaskiNode, config: NodeCommandConfig, printer: EventPrinter): void {
  const address = formatAddress(node.ip, node.port)
  const subscriptions = [...node.subscriptions]
  const lanInterfaces = config.lan ? effectiveLanInterfaces(config.lan) : []
  // Where peers can reach it: one address per interface for a node on 0.0.0.0 / ::, loopback marked.
  const reachable = reachableAddresses(node.ip, node.port)
  const join = reachable.find((a) => !a.loopback) ?? reachable[0]
  printer.event(
    'ready',
    {
      id: node.id,
      name: node.name,
      ip: node.ip,
      port: node.port,
      address: `${node.name}@${address}`,
      reachableAt: reachable,
      subscriptions,
      root: node.options.root,
      paired: node.paired,
      secure: node.options.secure,
      insecure: node.options.insecure,
      trust: node.trust,
      networkKey: node.options.networkKey?.fingerprints ?? null,
      lan: config.lan ? { ...config.lan, using: lanInterfaces } : null
    },
    [
      `listening    ${sanitize(node.name)} on ${address} (TCP and UDP), topics ${formatTopics(subscriptions)}` +
        `${node.options.root ? ', root' : ''}`,
      `             id ${node.options.secure ? formatNodeId(node.id) : node.id}` +
        (node.options.secure && config.keyFile === null ? ' (a new id each run: --key <file> keeps it)' : ''),
      `             ${securityLine(node.options.secure, node.options.insecure, node.trust)}`,
      ...networkKeyLines(node.options.networkKey?.fingerprints ?? null),
      ...reachable.map(
        (a) =>
          `             reachable at ${a.address}` +
          (a.interface
            ? ` (${sanitize(a.interface)}${a.loopback ? ', loopback: this machine only' : ''})`
            : '')
      ),
      `             others can join with: chaski node --connect ${join?.address ?? address}`
    ].join('\n')
  )
  if (config.lan && lanInterfaces.length === 0) {
    printer.error(
      'warning',
      { message: 'LAN discovery has no interface to use', cap: process.env.CHASKI_LAN_INTERFACES ?? null },
      'warning      LAN discovery has no interface to use (check --lan and the CHASKI_LAN_INTERFACES cap)'
    )
  }
}

/** The --connect and --discover steps; failures are printed, the node keeps running. Never rejects. */
async function connectAndDiscover(
  node: ChaskiNode,
  config: NodeCommandConfig,
  printer: EventPrinter,
  signal: AbortSignal,
  redialer: PeerRedialer
): Promise<void> {
  for (const target of config.connect) {
    if (signal.aborted) return
    const address = formatAddress(target.ip, target.port)
    try {
      const edge = await node.connect(address)
      redialer.add(address, edge.id)
    } catch (err) {
      if (signal.aborted) return
      printer.error(
        'connect-failed',
        { target: address, error: errorFields(err) },
        `connect      ${address} failed: ${connectHint(err)}`
      )
      // Tried again with backoff, for as long as this node runs (the peer may not be up yet).
      redialer.add(address, null, { error: err instanceof Error ? err.message : String(err) })
    }
  }
  if (!config.discover || signal.aborted) return
  try {
    if (node.edges.length === 0 && config.lan?.autoConnect)
      await firstEdge(node, config.discover.timeoutMs, signal)
    if (signal.aborted) return
    // Progress and results are printed from the node's discovery-started / discovery-concluded events.
    await node.discovery({ onPair: config.discover.onPair, timeoutMs: config.discover.timeoutMs })
  } catch (err) {
    if (signal.aborted) return
    printer.error(
      'discovery-failed',
      { error: errorFields(err) },
      `discovery    failed: ${sanitize((err as Error).message)}`
    )
  }
}

/** With --lan --auto-connect and nothing to search through yet, wait (bounded) for the first LAN link. */
function firstEdge(node: ChaskiNode, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      node.off('edge-added', done)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, timeoutMs)
    node.on('edge-added', done)
    signal.addEventListener('abort', done, { once: true })
  })
}

function connectHint(err: unknown): string {
  const error = err instanceof Error ? err : new Error(String(err))
  const message = sanitize(error.message)
  switch (error.name) {
    case 'PeerUnreachableError':
      return `${message}. Is a chaski node running there? Check the address and port it printed.`
    case 'ConnectTimeoutError':
      return `${message}. Nothing answered in time: check the address, the network and any firewall.`
    case 'HandshakeTimeoutError':
      return `${message}. Something answered but did not complete the ChaskiNode handshake: is it a chaski node?`
    case 'SelfConnectionError':
      return `${message}. That is this node's own address.`
    default:
      return message
  }
}

function listenHint(err: unknown, config: NodeCommandConfig): string {
  const error = err instanceof Error ? err : new Error(String(err))
  if (error.name === 'AddressInUseError') {
    return `${sanitize(error.message)}. Another program uses port ${String(config.options.port ?? 0)}: pick another --port, or --port 0 for any free one.`
  }
  if (error.name === 'ListenError') {
    return `${sanitize(error.message)}. Check that --ip is an address of this machine (or 0.0.0.0 / :: for all).`
  }
  return `${error.name}: ${sanitize(error.message)}`
}
