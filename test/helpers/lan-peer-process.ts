// A LAN peer in its own process, for tests that kill it (SIGKILL) or run it inside a network namespace.
// Usage: node --import tsx test/helpers/lan-peer-process.ts '<json LanPeerProcessConfig>'
// mode 'discovery' runs a bare LanDiscovery (announcing a made-up port); mode 'node' runs a ChaskiNode with `lan`.
// Prints one JSON object per line on stdout: {type:'ready', id, port} first, then every LAN event
// ({type:'lan-peer-seen' | 'lan-peer-updated' | 'lan-peer-lost', peer, reason?}) and, in node mode, edges and
// pairing ({type:'edge-added' | 'edge-removed', peerId, reason?}, {type:'paired', topic}). Reads JSON commands on
// stdin: {cmd:'subscribe', topics} and {cmd:'stop'} (clean stop with goodbye, then exit 0). SIGTERM stops too.
import { randomUUID } from 'node:crypto'
import { networkInterfaces } from 'node:os'
import { createInterface } from 'node:readline'
import { ChaskiNode, setLogLevel } from '../../src/main/chaski/index'
import { LanDiscovery } from '../../src/main/chaski/lan/index'
import type { LanOptions, LanPeer } from '../../src/main/chaski/lan/index'

export interface LanPeerProcessConfig {
  mode?: 'discovery' | 'node'
  id?: string
  name?: string
  /** The listening ip (node mode: the node binds it; discovery mode: the beacon announces it). */
  ip?: string
  /** Discovery mode: the port the beacon announces. Node mode: the node's port (0: any). */
  port?: number
  subscriptions?: string[]
  lan: LanOptions
  /** Beacon only over this family: the process picks its own non-internal addresses of it (IPv6: link-local). */
  lanFamily?: 4 | 6
  /** Discovery mode only. */
  interfacePollMs?: number
  /** Node mode only. */
  maxConnections?: number
}

export type LanPeerProcessLine =
  | { type: 'ready'; id: string; port: number }
  | { type: 'lan-peer-seen' | 'lan-peer-updated'; peer: LanPeer }
  | { type: 'lan-peer-lost'; peer: LanPeer; reason: string }
  | { type: 'edge-added'; peerId: string }
  | { type: 'edge-removed'; peerId: string; reason: string }
  | { type: 'paired'; topic: string }
  | { type: 'stopped' }

interface Running {
  id: string
  port: number
  subscribe(topics: string[]): void
  stop(): Promise<void>
}

function emit(line: LanPeerProcessLine): void {
  process.stdout.write(JSON.stringify(line) + '\n')
}

async function startDiscovery(config: LanPeerProcessConfig, lan: LanOptions): Promise<Running> {
  const id = config.id ?? randomUUID()
  const subscriptions = new Set(config.subscriptions ?? [])
  const port = config.port ?? 40_000 + (process.pid % 20_000)
  const discovery = new LanDiscovery({
    options: lan,
    interfacePollMs: config.interfacePollMs,
    self: () => ({
      id,
      name: config.name ?? id,
      v: 1,
      ip: config.ip ?? '127.0.0.1',
      port,
      subscriptions,
      paired: false,
      root: false
    }),
    isConnected: () => false
  })
  discovery.on('lan-peer-seen', ({ peer }) => emit({ type: 'lan-peer-seen', peer }))
  discovery.on('lan-peer-updated', ({ peer }) => emit({ type: 'lan-peer-updated', peer }))
  discovery.on('lan-peer-lost', ({ peer, reason }) => emit({ type: 'lan-peer-lost', peer, reason }))
  await discovery.start()
  return {
    id,
    port,
    subscribe: (topics) => {
      for (const topic of topics) subscriptions.add(topic)
      discovery.announce()
    },
    stop: () => discovery.stop()
  }
}

async function startNode(config: LanPeerProcessConfig, lan: LanOptions): Promise<Running> {
  const node = new ChaskiNode({
    ...(config.id !== undefined ? { id: config.id } : {}),
    ...(config.name !== undefined ? { name: config.name } : {}),
    ip: config.ip ?? '127.0.0.1',
    port: config.port ?? 0,
    subscriptions: config.subscriptions ?? [],
    maxConnections: config.maxConnections ?? 5,
    lan
  })
  node.on('edge-added', ({ edge }) => emit({ type: 'edge-added', peerId: edge.id }))
  node.on('edge-removed', ({ edge, reason }) => emit({ type: 'edge-removed', peerId: edge.id, reason }))
  node.on('paired', ({ topic }) => emit({ type: 'paired', topic }))
  node.on('lan-peer-seen', ({ peer }) => emit({ type: 'lan-peer-seen', peer }))
  node.on('lan-peer-updated', ({ peer }) => emit({ type: 'lan-peer-updated', peer }))
  node.on('lan-peer-lost', ({ peer, reason }) => emit({ type: 'lan-peer-lost', peer, reason }))
  await node.ready
  return {
    id: node.id,
    port: node.port,
    subscribe: (topics) => node.subscribe(topics),
    stop: () => node.stop()
  }
}

async function main(): Promise<void> {
  setLogLevel('error')
  const config = JSON.parse(process.argv[2] ?? '{}') as LanPeerProcessConfig
  const lan =
    config.lanFamily === undefined
      ? config.lan
      : { ...config.lan, interfaces: ownAddresses(config.lanFamily) }
  const running = config.mode === 'node' ? await startNode(config, lan) : await startDiscovery(config, lan)
  emit({ type: 'ready', id: running.id, port: running.port })

  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await running.stop()
    emit({ type: 'stopped' })
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop())
  createInterface({ input: process.stdin }).on('line', (text) => {
    const command = JSON.parse(text) as { cmd: string; topics?: string[] }
    if (command.cmd === 'subscribe') running.subscribe(command.topics ?? [])
    else if (command.cmd === 'stop') void stop()
  })
}

function ownAddresses(family: 4 | 6): string[] {
  return Object.values(networkInterfaces())
    .flatMap((infos) => infos ?? [])
    .filter((info) => !info.internal && info.family === `IPv${family}`)
    .filter((info) => family === 4 || info.address.startsWith('fe80:'))
    .map((info) => info.address)
}

main().catch((err: unknown) => {
  process.stderr.write(`lan-peer-process failed: ${String(err)}\n`)
  process.exit(1)
})
