// Child process of the scale bench (bench/node-scale.ts): builds N nodes in one process, connects N-1 leaves to
// node 0 (a star), and measures the time to all connected and the memory per node. A process of its own keeps
// the resident-memory figure free of what earlier benches left behind.
// Usage: node --expose-gc --import tsx bench/star-child.ts <raw|node> <count> <concurrency> [fast|msgpackr] [secure|plain]
// The last argument is the secure module's (node-secure.ts): TLS nodes, each with its own key (`secure`) or plaintext
// ones (`plain`), both with neighbour adverts off; without it, plaintext nodes with default options.
// Prints one JSON line (StarResult) on stdout; progress goes to stderr.
import net from 'node:net'
import dgram from 'node:dgram'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import v8 from 'node:v8'
import { loadChaski, startNode, stopNodes, type ChaskiNodeInstance } from './chaski'
import { runLimited, sleep, waitUntil, withTimeout } from './waiting'

export interface StarResult {
  kind: 'raw' | 'node'
  count: number
  concurrency: number
  createMs: number
  connectMs: number
  rssPerNode: number
  heapUsedPerNode: number
  externalPerNode: number
  /** Growth of V8's young generation (resident pages, empty after GC), per node: see youngGenerationBytes. */
  youngGenerationPerNode: number
  /** V8's young generation resident before the star (bytes): how much of its cap the burst could still touch. */
  youngBefore: number
  rssBefore: number
  rssAfter: number
  fdLimit: number | null
  error?: string
}

const HOST = '127.0.0.1'
/** File descriptors per star member: TCP server, UDP socket, the leaf's link, the hub's end of it. */
const FDS_PER_NODE = 4

/** Soft limit on open files, read from /proc (Linux); null when unknown. */
export function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'))
    const soft = line?.split(/\s{2,}/)[1]
    if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER
    return soft ? Number(soft) : null
  } catch {
    return null
  }
}

export function fdsNeeded(count: number): number {
  return count * FDS_PER_NODE + 256
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with --expose-gc')
  gc()
  gc()
}

/**
 * Resident bytes of V8's young generation. A burst of long-lived objects (a thousand nodes made at once) grows it
 * towards its cap; its pages stay resident though empty after a full GC. That is a once-per-process cost, counted
 * in the RSS delta, that does not grow with more nodes once at the cap.
 */
function youngGenerationBytes(): number {
  return v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
    .reduce((sum, space) => sum + space.physical_space_size, 0)
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  // Let pending socket callbacks run, then collect twice, so only live objects remain.
  await sleep(100)
  fullGc()
  await sleep(50)
  fullGc()
  return process.memoryUsage()
}

interface Star {
  create(): Promise<void>
  connect(concurrency: number): Promise<void>
  close(): Promise<void>
}

/** Plain node:net servers + dgram sockets, leaves connected to the hub with a bare TCP connect. */
function rawStar(count: number): Star {
  const servers: net.Server[] = []
  const udps: dgram.Socket[] = []
  const links: net.Socket[] = []
  const accepted: net.Socket[] = []
  const bindOne = async (): Promise<void> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const server = net.createServer((s) => accepted.push(s.on('error', () => s.destroy())))
      server.listen(0, HOST)
      await once(server, 'listening')
      const port = (server.address() as net.AddressInfo).port
      const udp = dgram.createSocket('udp4')
      try {
        udp.bind(port, HOST)
        await once(udp, 'listening')
        servers.push(server)
        udps.push(udp)
        return
      } catch {
        udp.close()
        server.close()
      }
    }
    throw new Error('raw star: no free TCP+UDP port pair in 20 tries')
  }
  return {
    create: async () => {
      await Promise.all(Array.from({ length: count }, bindOne))
    },
    connect: async (concurrency) => {
      const hubPort = (servers[0].address() as net.AddressInfo).port
      await runLimited(count - 1, concurrency, async () => {
        const socket = net.connect({ host: HOST, port: hubPort })
        socket.on('error', () => socket.destroy())
        await once(socket, 'connect')
        links.push(socket)
      })
      await waitUntil(() => accepted.length === count - 1, { timeoutMs: 60_000, what: 'raw hub accepts' })
    },
    close: async () => {
      for (const s of [...links, ...accepted]) s.destroy()
      for (const u of udps) u.close()
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
    }
  }
}

/**
 * ChaskiNodes (default options, subscriptions ['A']); leaves connect(hub) until both ends list the edge. With codec
 * 'msgpackr', every node gets msgpackr as its serializer (bench/codec-paths.ts: no hand-written msgpack path).
 */
function nodeStar(count: number, codec: 'fast' | 'msgpackr', links: string | undefined): Star {
  let nodes: ChaskiNodeInstance[] = []
  return {
    create: async () => {
      const chaski = await loadChaski()
      const codecOptions =
        codec === 'msgpackr'
          ? { serializer: chaski.msgpackCodec.encode, deserializer: chaski.msgpackCodec.decode }
          : {}
      nodes = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          // The hub keeps every leaf: past the default maxEdges (256) on purpose.
          startNode(chaski, {
            name: `star-${i}`,
            subscriptions: ['A'],
            ...codecOptions,
            ...(links === 'secure' ? { secure: true } : {}),
            ...(links === 'secure' || links === 'plain' ? { adverts: false } : {}),
            ...(i === 0 ? { maxEdges: count } : {})
          })
        )
      )
    },
    connect: async (concurrency) => {
      const hub = nodes[0]
      const target = `127.0.0.1:${hub.port}`
      await runLimited(count - 1, concurrency, async (i) => {
        await withTimeout(nodes[i + 1].connect(target), 30_000, `leaf ${i + 1} connect`)
      })
      await waitUntil(() => hub.edges.length === count - 1, {
        timeoutMs: 60_000,
        what: 'hub lists every leaf',
        describe: () => `hub has ${hub.edges.length} edges`
      })
    },
    close: () => stopNodes(nodes, (msg) => process.stderr.write(`${msg}\n`))
  }
}

async function main(): Promise<void> {
  const [kindArg, countArg, concurrencyArg, codecArg, linksArg] = process.argv.slice(2)
  const kind = kindArg === 'raw' ? 'raw' : 'node'
  const count = Number(countArg ?? 1000)
  const concurrency = Number(concurrencyArg ?? 100)
  const fdLimit = openFileLimit()
  const result: StarResult = {
    kind,
    count,
    concurrency,
    createMs: Number.NaN,
    connectMs: Number.NaN,
    rssPerNode: Number.NaN,
    heapUsedPerNode: Number.NaN,
    externalPerNode: Number.NaN,
    youngGenerationPerNode: Number.NaN,
    youngBefore: Number.NaN,
    rssBefore: Number.NaN,
    rssAfter: Number.NaN,
    fdLimit
  }
  const star =
    kind === 'raw' ? rawStar(count) : nodeStar(count, codecArg === 'msgpackr' ? 'msgpackr' : 'fast', linksArg)
  try {
    if (fdLimit !== null && fdLimit < fdsNeeded(count)) {
      throw new Error(
        `open-file limit ${fdLimit} is below the ${fdsNeeded(count)} needed for ${count} nodes; ` +
          `raise it (ulimit -n ${fdsNeeded(count)}) or run with fewer nodes`
      )
    }
    if (kind === 'node') await loadChaski() // library code loaded before the baseline, so it is not counted
    const before = await settledMemory()
    const youngBefore = youngGenerationBytes()
    const t0 = performance.now()
    await star.create()
    const t1 = performance.now()
    await star.connect(concurrency)
    const t2 = performance.now()
    const after = await settledMemory()
    const youngAfter = youngGenerationBytes()
    Object.assign(result, {
      createMs: t1 - t0,
      connectMs: t2 - t1,
      rssBefore: before.rss,
      rssAfter: after.rss,
      rssPerNode: (after.rss - before.rss) / count,
      heapUsedPerNode: (after.heapUsed - before.heapUsed) / count,
      externalPerNode: (after.external - before.external) / count,
      youngGenerationPerNode: (youngAfter - youngBefore) / count,
      youngBefore
    })
  } catch (err) {
    result.error = (err as Error).message
  } finally {
    await withTimeout(star.close(), 60_000, 'closing the star').catch((err: Error) => {
      result.error ??= err.message
    })
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
  // Anything the library left open must not keep the child alive: the parent has its figures.
  process.exit(result.error ? 1 : 0)
}

// The basename, not a suffix: secure-star-child.ts imports this module and must not run its main.
if (process.argv[1] && path.basename(process.argv[1]) === 'star-child.ts') void main()
