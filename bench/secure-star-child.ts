// Child process of the channel bench (secure-transport.ts) and of the secure bench (node-secure.ts): N nodes of one
// transport in one process, each with a TCP listener and (tls) its own key, certificate and SecureContext or (noise)
// its own key pair; N-1 leaves link to node 0 (a star), one at a time. Prints one JSON line (SecureStarResult):
// resident memory per node after GC, and the time to create the nodes and to link them. A process of its own keeps
// the figure free of what the parent holds. `rawtls` is the secure bench's raw baseline: plain node:tls servers
// (raw-tls-baseline.ts: own P-256 key and certificate, client certificates requested) plus a UDP socket per node,
// as the plaintext raw star (star-child.ts) has beside its TCP server.
// Usage: node --expose-gc --import tsx bench/secure-star-child.ts <net|tls|noise|rawtls> <count>
import net from 'node:net'
import dgram from 'node:dgram'
import tls from 'node:tls'
import path from 'node:path'
import { once } from 'node:events'
import type { Duplex } from 'node:stream'
import {
  HOST,
  loadNoise,
  NOISE_INSTALL,
  noiseAccept,
  noiseDial,
  noiseIdentity,
  tlsAccept,
  tlsDial,
  tlsIdentity,
  type TransportName
} from './secure-streams'
import { rawTlsIdentity } from './raw-tls-baseline'
import { fdsNeeded, openFileLimit } from './star-child'
import { sleep, waitUntil, withTimeout } from './waiting'

export type StarTransport = TransportName | 'rawtls'

export interface SecureStarResult {
  kind: StarTransport
  count: number
  createMs: number
  connectMs: number
  rssPerNode: number
  /** The part of rssPerNode already there once the nodes exist, before any link: identity, listener, context. */
  createRssPerNode: number
  heapUsedPerNode: number
  externalPerNode: number
  error?: string
}

type Accept = (raw: net.Socket) => Promise<{ stream: Duplex }>
type Dial = (port: number) => Promise<{ stream: Duplex }>

interface StarNode {
  server: net.Server
  port: number
  dial: Dial
  udp?: dgram.Socket
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with --expose-gc')
  // Let pending socket callbacks run, then collect twice, so only live objects remain.
  await sleep(100)
  gc()
  await sleep(50)
  gc()
  return process.memoryUsage()
}

/** A node of `kind`: its identity made here (it is part of what a node costs), a listener, a dial function. */
async function makeNode(kind: StarTransport, accepted: Duplex[]): Promise<StarNode> {
  if (kind === 'rawtls') return makeRawTlsNode(accepted)
  let accept: Accept
  let dial: Dial
  if (kind === 'tls') {
    const identity = await tlsIdentity()
    accept = (raw) => tlsAccept(raw, identity)
    dial = (port) => tlsDial(port, identity)
  } else if (kind === 'noise') {
    const SecretStream = loadNoise()
    if (!SecretStream) throw new Error(`Noise candidate not installed (${NOISE_INSTALL})`)
    const identity = noiseIdentity(SecretStream)
    accept = (raw) => noiseAccept(SecretStream, raw, identity)
    dial = (port) => noiseDial(SecretStream, port, identity)
  } else {
    accept = async (raw) => ({ stream: raw.on('error', () => raw.destroy()) })
    dial = async (port) => {
      const socket = net.connect({ host: HOST, port, noDelay: true })
      socket.on('error', () => socket.destroy())
      await once(socket, 'connect')
      return { stream: socket }
    }
  }
  const server = net.createServer({ noDelay: true }, (raw) => {
    accept(raw).then(
      ({ stream }) => accepted.push(stream),
      () => raw.destroy()
    )
  })
  server.listen({ port: 0, host: HOST, backlog: 4096 })
  await once(server, 'listening')
  return { server, port: (server.address() as net.AddressInfo).port, dial }
}

/** A raw node:tls node: its own key, certificate and server context, a TLS server, a UDP socket. */
async function makeRawTlsNode(accepted: Duplex[]): Promise<StarNode> {
  const identity = await rawTlsIdentity()
  const server = tls.createServer(
    { ...identity.options, requestCert: true, rejectUnauthorized: false, noDelay: true },
    (socket) => accepted.push(socket.on('error', () => socket.destroy()))
  )
  server.listen({ port: 0, host: HOST, backlog: 4096 })
  await once(server, 'listening')
  const udp = dgram.createSocket('udp4')
  udp.bind(0, HOST)
  await once(udp, 'listening')
  const dial: Dial = async (port) => {
    const socket = tls.connect({
      socket: net.connect({ host: HOST, port, noDelay: true }),
      secureContext: identity.context,
      rejectUnauthorized: false
    })
    socket.on('error', () => socket.destroy())
    await once(socket, 'secureConnect')
    return { stream: socket }
  }
  return { server, port: (server.address() as net.AddressInfo).port, dial, udp }
}

async function main(): Promise<void> {
  const [kindArg, countArg] = process.argv.slice(2)
  const kind: StarTransport =
    kindArg === 'tls' || kindArg === 'noise' || kindArg === 'rawtls' ? kindArg : 'net'
  const count = Number(countArg ?? 1000)
  const result: SecureStarResult = {
    kind,
    count,
    createMs: Number.NaN,
    connectMs: Number.NaN,
    rssPerNode: Number.NaN,
    createRssPerNode: Number.NaN,
    heapUsedPerNode: Number.NaN,
    externalPerNode: Number.NaN
  }
  const nodes: StarNode[] = []
  const links: Duplex[] = []
  const accepted: Duplex[] = []
  try {
    const limit = openFileLimit()
    if (limit !== null && limit < fdsNeeded(count)) {
      throw new Error(`open-file limit ${limit} is below the ${fdsNeeded(count)} needed for ${count} nodes`)
    }
    // Code paths loaded before the baseline (one node made and dropped), so they are not counted per node.
    const probe = await makeNode(kind, [])
    probe.server.close()
    probe.udp?.close()
    const before = await settledMemory()
    const t0 = performance.now()
    for (let i = 0; i < count; i++) nodes.push(await makeNode(kind, accepted))
    const t1 = performance.now()
    const created = await settledMemory()
    const t1b = performance.now()
    for (let i = 1; i < count; i++) {
      links.push((await withTimeout(nodes[i]!.dial(nodes[0]!.port), 30_000, `leaf ${i} link`)).stream)
    }
    await waitUntil(() => accepted.length === count - 1, {
      timeoutMs: 60_000,
      what: 'hub accepts every leaf',
      describe: () => `${accepted.length} accepted`
    })
    const t2 = performance.now()
    const after = await settledMemory()
    Object.assign(result, {
      createMs: t1 - t0,
      connectMs: t2 - t1b,
      rssPerNode: (after.rss - before.rss) / count,
      createRssPerNode: (created.rss - before.rss) / count,
      heapUsedPerNode: (after.heapUsed - before.heapUsed) / count,
      externalPerNode: (after.external - before.external) / count
    })
  } catch (err) {
    result.error = (err as Error).message
  } finally {
    for (const s of [...links, ...accepted]) s.destroy()
    for (const n of nodes) {
      n.server.close()
      n.udp?.close()
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(result.error ? 1 : 0)
}

if (process.argv[1] && path.basename(process.argv[1]) === 'secure-star-child.ts') void main()
