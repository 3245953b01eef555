// Secure links (issue #13 "Performance"): secure ChaskiNodes (TLS 1.3, protocol version 2) against a raw node:tls
// baseline (raw-tls-baseline.ts: TLS 1.3, the same cipher, the same kind of P-256 self-signed certificates, mutual
// authentication), and today's plaintext figures beside them, all in one run with samples alternating so background
// load hits every kind alike:
// - connect + handshake: a new secure node connect()s to a secure server node, against a raw TLS connect + one echoed
//   160-byte frame (about our handshake frame); plaintext: ours against a node:net connect + one echo;
// - ping: ping(edge) on an open secure edge against a 16-byte raw TLS echo; plaintext against a node:net echo;
// - 64 B one-way throughput: publish() to a subscribed node against raw frames batched as our links batch them
//   (RawBatchWriter) over TLS; plaintext against the same over node:net;
// - memory per node at 1000 secure nodes in a star (star-child.ts `secure`) against a star of raw node:tls servers
//   (secure-star-child.ts `rawtls`), each in a fresh child process.
// "original (py)" is the Python implementation's plaintext figure, for scale.
import { randomBytes } from 'node:crypto'
import { loadChaski, startNode, stopNodes, type Chaski, type ChaskiNodeInstance } from './chaski'
import {
  RawConnectTimer,
  RawEchoClient,
  rawThroughput,
  type ThroughputResult
} from './raw-baseline'
import {
  RawTlsConnectTimer,
  RawTlsEchoClient,
  rawTlsIdentity,
  rawTlsThroughput,
  type RawTlsIdentity
} from './raw-tls-baseline'
import type { SecureStarResult } from './secure-star-child'
import type { StarResult } from './star-child'
import { runStarChild } from './star-launcher'
import { median, percentile, round, roundSummary, summarize } from './stats'
import { withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric } from './types'

/** The Python implementation's plaintext figures (the issue's), for scale: connect, ping, 64 B messages, memory. */
const ORIGINAL_CONNECT_MS = 1.2
const ORIGINAL_PING_MS = 0.083
const ORIGINAL_SMALL_PER_SECOND = 50_000
const ORIGINAL_BYTES_PER_NODE = 30_000

const HANDSHAKE_SIZE = 160
const ECHO_BYTES = 16
const THROUGHPUT_SIZE = 64
const TOPIC = 'A'
/** Client nodes live one batch at a time (a secure node holds a key, a certificate and a TLS context). */
const BATCH = 50

type Kind = 'secure' | 'plain'
const KINDS: readonly Kind[] = ['secure', 'plain']

interface Samples {
  ours: Record<Kind, number[]>
  raw: Record<Kind, number[]>
  /** Process CPU (user + system, both ends share this process) per connect, ms. */
  cpu: { ours: number[]; raw: number[] }
}

const emptySamples = (): Samples => ({
  ours: { secure: [], plain: [] },
  raw: { secure: [], plain: [] },
  cpu: { ours: [], raw: [] }
})

const nodeOptions = (kind: Kind, name: string): Record<string, unknown> => ({
  name,
  subscriptions: [TOPIC],
  ...(kind === 'secure' ? { secure: true } : {})
})

async function cpuTimed<T>(into: number[] | null, fn: () => Promise<T>): Promise<T> {
  const before = process.cpuUsage()
  const value = await fn()
  const used = process.cpuUsage(before)
  into?.push((used.user + used.system) / 1000)
  return value
}

interface ConnectSetup {
  chaski: Chaski
  servers: Record<Kind, ChaskiNodeInstance>
  rawTls: RawTlsConnectTimer
  rawNet: RawConnectTimer
}

/** `total` rounds (raw TLS, secure, raw net, plaintext), clients made BATCH at a time; `pick` says where they go. */
async function connectRounds(
  ctx: BenchContext,
  setup: ConnectSetup,
  total: number,
  pick: (i: number) => Samples | null
): Promise<void> {
  const target = (kind: Kind): string => `127.0.0.1:${setup.servers[kind].port}`
  for (let start = 0; start < total; start += BATCH) {
    const size = Math.min(BATCH, total - start)
    const make = (kind: Kind): Promise<ChaskiNodeInstance[]> =>
      Promise.all(
        Array.from({ length: size }, (_, i) =>
          startNode(setup.chaski, nodeOptions(kind, `connect-${kind}-${start + i}`))
        )
      )
    const clients = { secure: await make('secure'), plain: await make('plain') }
    try {
      for (let i = 0; i < size; i++) {
        const into = pick(start + i)
        const rawTls = await cpuTimed(into?.cpu.raw ?? null, () => setup.rawTls.sampleWithEcho(HANDSHAKE_SIZE))
        const ours = await cpuTimed(into?.cpu.ours ?? null, async () => {
          const t0 = performance.now()
          await withTimeout(clients.secure[i]!.connect(target('secure')), 10_000, 'secure connect')
          return performance.now() - t0
        })
        const rawNet = await setup.rawNet.sampleWithEcho(HANDSHAKE_SIZE)
        const t0 = performance.now()
        await withTimeout(clients.plain[i]!.connect(target('plain')), 10_000, 'plaintext connect')
        const plain = performance.now() - t0
        if (!into) continue
        into.raw.secure.push(rawTls)
        into.ours.secure.push(ours)
        into.raw.plain.push(rawNet)
        into.ours.plain.push(plain)
      }
    } finally {
      await stopNodes([...clients.secure, ...clients.plain], (msg) => ctx.progress(msg))
    }
  }
}

interface Pair {
  a: ChaskiNodeInstance
  b: ChaskiNodeInstance
}

async function openPair(chaski: Chaski, kind: Kind, what: string): Promise<Pair> {
  const a = await startNode(chaski, nodeOptions(kind, `${what}-${kind}-a`))
  const b = await startNode(chaski, nodeOptions(kind, `${what}-${kind}-b`))
  await withTimeout(a.connect(b), 10_000, `${what}: ${kind} connect`)
  return { a, b }
}

/** One counted throughput trial on a connected pair: `count` publishes a → b of `size` bytes. */
async function pairThroughput(pair: Pair, count: number, size: number, timeoutMs: number): Promise<number> {
  let received = 0
  let all!: () => void
  const done = new Promise<void>((resolve) => (all = resolve))
  const onMessage = ({ topic, data }: { topic: string; data: unknown }): void => {
    if (topic !== TOPIC) return
    if (!Buffer.isBuffer(data) || data.length !== size) throw new Error('payload of the wrong size')
    if (++received === count) all()
  }
  pair.b.on('message', onMessage)
  const payload = randomBytes(size)
  try {
    const t0 = performance.now()
    for (let i = 0; i < count; i++) await pair.a.publish(TOPIC, payload)
    await withTimeout(done, timeoutMs, `throughput ${count}×${size} B (received ${received})`)
    return (count * 1000) / (performance.now() - t0)
  } finally {
    pair.b.off('message', onMessage)
  }
}

interface Figures {
  connect: { warm: Samples; warmup: number; count: number }
  ping: { ours: Record<Kind, number[]>; raw: Record<Kind, number[]>; count: number }
  throughput: { ours: Record<Kind, number[]>; raw: Record<Kind, number[]>; count: number; trials: number }
  cipher: { raw: string; ours: string }
}

async function measureLinks(ctx: BenchContext, chaski: Chaski, tlsIds: RawTlsIdentity[]): Promise<Figures> {
  const quick = ctx.quick
  const [serverId, clientId] = tlsIds as [RawTlsIdentity, RawTlsIdentity]
  const figures: Figures = {
    connect: { warm: emptySamples(), warmup: quick ? 10 : 500, count: quick ? 10 : 100 },
    ping: {
      ours: { secure: [], plain: [] },
      raw: { secure: [], plain: [] },
      count: quick ? 200 : 1000
    },
    throughput: {
      ours: { secure: [], plain: [] },
      raw: { secure: [], plain: [] },
      count: quick ? 2_000 : 20_000,
      trials: quick ? 1 : 5
    },
    cipher: { raw: '', ours: '' }
  }
  const stopping: ChaskiNodeInstance[] = []
  try {
    // Connect + handshake.
    const { warmup, count } = figures.connect
    const servers = {
      secure: await startNode(chaski, { ...nodeOptions('secure', 'connect-server-secure'), maxEdges: 4096 }),
      plain: await startNode(chaski, { ...nodeOptions('plain', 'connect-server-plain'), maxEdges: 4096 })
    }
    stopping.push(servers.secure, servers.plain)
    const setup: ConnectSetup = {
      chaski,
      servers,
      rawTls: await RawTlsConnectTimer.open(serverId, clientId),
      rawNet: await RawConnectTimer.open()
    }
    try {
      ctx.progress(`connect: ${warmup} warm-up rounds, then ${count} (raw TLS, secure, raw net, plaintext)`)
      await connectRounds(ctx, setup, warmup, () => null)
      await connectRounds(ctx, setup, count, () => figures.connect.warm)
      figures.cipher.raw = setup.rawTls.cipher
    } finally {
      await Promise.all([setup.rawTls.close(), setup.rawNet.close()])
    }
    await stopNodes(stopping.splice(0), (msg) => ctx.progress(msg))

    // Ping on an open link.
    const pairs = {
      secure: await openPair(chaski, 'secure', 'ping'),
      plain: await openPair(chaski, 'plain', 'ping')
    }
    for (const p of Object.values(pairs)) stopping.push(p.a, p.b)
    const edges = {
      secure: pairs.secure.a.edges[0]!,
      plain: pairs.plain.a.edges[0]!
    }
    figures.cipher.ours = cipherOf(edges.secure)
    const rawEcho = {
      secure: await RawTlsEchoClient.open(serverId, clientId),
      plain: await RawEchoClient.open()
    }
    try {
      const echo = randomBytes(ECHO_BYTES)
      const sample = async (kind: Kind, into: Figures['ping'] | null): Promise<void> => {
        const raw = await rawEcho[kind].roundTrip(echo)
        const t0 = performance.now()
        await withTimeout(pairs[kind].a.ping(edges[kind], { size: 0 }), 5_000, `${kind} ping`)
        const ours = performance.now() - t0
        into?.raw[kind].push(raw)
        into?.ours[kind].push(ours)
      }
      const pings = figures.ping.count
      ctx.progress(`ping: ${quick ? 200 : 2000} warm-up, then ${pings} (raw TLS / secure, raw net / plaintext)`)
      for (let i = 0; i < (quick ? 200 : 2000); i++) for (const k of KINDS) await sample(k, null)
      for (let i = 0; i < pings; i++) for (const k of KINDS) await sample(k, figures.ping)
    } finally {
      await Promise.all([rawEcho.secure.close(), rawEcho.plain.close()])
    }
    await stopNodes(stopping.splice(0), (msg) => ctx.progress(msg))

    // 64 B throughput, batched on both sides.
    const tpairs = {
      secure: await openPair(chaski, 'secure', 'throughput'),
      plain: await openPair(chaski, 'plain', 'throughput')
    }
    for (const p of Object.values(tpairs)) stopping.push(p.a, p.b)
    const { count: frames, trials } = figures.throughput
    const timeoutMs = 120_000
    const trial = async (kind: Kind, n: number): Promise<[number, number]> => {
      const raw: ThroughputResult =
        kind === 'secure'
          ? await rawTlsThroughput(serverId, clientId, n, THROUGHPUT_SIZE, timeoutMs)
          : await rawThroughput(n, THROUGHPUT_SIZE, timeoutMs)
      const ours = await pairThroughput(tpairs[kind], n, THROUGHPUT_SIZE, timeoutMs)
      return [raw.perSecond, ours]
    }
    ctx.progress(`throughput ${THROUGHPUT_SIZE} B: warm-up, then ${trials} trials of ${frames} each`)
    for (const k of KINDS) await trial(k, frames)
    for (let t = 0; t < trials; t++) {
      for (const k of KINDS) {
        const [raw, ours] = await trial(k, frames)
        figures.throughput.raw[k].push(raw)
        figures.throughput.ours[k].push(ours)
      }
    }
  } finally {
    await stopNodes(stopping, (msg) => ctx.progress(msg))
  }
  return figures
}

/** The negotiated cipher suite of a secure edge (through its link's TLS socket; '' when not reachable). */
function cipherOf(edge: unknown): string {
  const socket = (edge as { link?: { socket?: { getCipher?: () => { standardName: string } } } }).link?.socket
  return socket?.getCipher?.().standardName ?? ''
}

type StarOutcome = { rssPerNode?: number; heapUsedPerNode?: number; connectMs?: number; error?: string }

async function measureStars(ctx: BenchContext, count: number): Promise<{ ours: StarOutcome; raw: StarOutcome }> {
  const failed = (err: Error): StarOutcome => ({ error: err.message })
  ctx.progress(`memory: star of ${count} raw node:tls nodes (child process)`)
  const raw = await runStarChild<SecureStarResult>(
    ctx,
    'secure-star-child.ts',
    count,
    ['rawtls', String(count)],
    'raw TLS star'
  ).catch(failed)
  ctx.progress(`memory: star of ${count} secure ChaskiNodes (child process)`)
  const ours = await runStarChild<StarResult>(
    ctx,
    'star-child.ts',
    count,
    ['node', String(count), '1', 'fast', 'secure'],
    'secure star'
  ).catch(failed)
  return { ours, raw }
}

const med = (s: number[]): number | null => (s.length ? median(s) : null)

function variation(s: number[]): Record<string, unknown> {
  return { ...roundSummary(summarize(s)), p90: round(percentile(s, 90)) }
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const starCount = ctx.quick ? 200 : 1000
  let figures: Figures | null = null
  let error: string | undefined
  try {
    const chaski = await loadChaski()
    const ids = [await rawTlsIdentity(), await rawTlsIdentity()]
    figures = await measureLinks(ctx, chaski, ids)
  } catch (err) {
    error = (err as Error).message
  }
  const stars = await measureStars(ctx, starCount)
  const f = figures
  const c = f?.connect
  const sameCipher =
    f && f.cipher.raw && f.cipher.ours
      ? f.cipher.raw === f.cipher.ours
        ? `both ${f.cipher.ours}`
        : `CIPHERS DIFFER: ours ${f.cipher.ours}, raw ${f.cipher.raw}`
      : 'cipher not read'
  const metrics: Metric[] = [
    {
      id: 'secure.connect',
      label: `secure connect + handshake, median of ${c?.count ?? '?'} (raw: node:tls connect + 1 echo)`,
      kind: 'duration',
      ours: c ? med(c.warm.ours.secure) : null,
      raw: c ? med(c.warm.raw.secure) : null,
      original: ORIGINAL_CONNECT_MS,
      target: { of: 'ratio', op: '<=', value: 1.5, text: '≤ 1.5× raw TLS' },
      note:
        error ??
        `after ${c?.warmup} warm-up rounds; new client node each time; TLS 1.3, mutual P-256 certificates, ${sameCipher}`,
      detail: c === undefined ? undefined : { ours: variation(c.warm.ours.secure), raw: variation(c.warm.raw.secure) }
    },
    {
      id: 'secure.connectCpu',
      label: 'secure connect + handshake, CPU of both ends, median',
      kind: 'duration',
      ours: c ? med(c.warm.cpu.ours) : null,
      raw: c ? med(c.warm.cpu.raw) : null,
      original: null,
      note: 'process CPU (user + system) around each sample: less sensitive to a busy machine than wall time',
      detail: c === undefined ? undefined : { ours: variation(c.warm.cpu.ours), raw: variation(c.warm.cpu.raw) }
    },
    {
      id: 'secure.connectPlain',
      label: 'plaintext connect + handshake, same rounds (raw: node:net connect + 1 echo)',
      kind: 'duration',
      ours: c ? med(c.warm.ours.plain) : null,
      raw: c ? med(c.warm.raw.plain) : null,
      original: ORIGINAL_CONNECT_MS,
      note: "today's plaintext link, measured in the same rounds",
      detail: c === undefined ? undefined : { ours: variation(c.warm.ours.plain), raw: variation(c.warm.raw.plain) }
    },
    {
      id: 'secure.ping',
      label: `secure ping, median of ${f?.ping.count ?? '?'} (raw: node:tls echo of ${ECHO_BYTES} B)`,
      kind: 'duration',
      ours: f ? med(f.ping.ours.secure) : null,
      raw: f ? med(f.ping.raw.secure) : null,
      original: ORIGINAL_PING_MS,
      target: { of: 'ratio', op: '<=', value: 1.5, text: '≤ 1.5× raw TLS' },
      note: error ?? 'ours timed around ping() on an open secure edge',
      detail: f === null ? undefined : { ours: variation(f.ping.ours.secure), raw: variation(f.ping.raw.secure) }
    },
    {
      id: 'secure.pingPlain',
      label: 'plaintext ping, same rounds (raw: node:net echo)',
      kind: 'duration',
      ours: f ? med(f.ping.ours.plain) : null,
      raw: f ? med(f.ping.raw.plain) : null,
      original: ORIGINAL_PING_MS,
      detail: f === null ? undefined : { ours: variation(f.ping.ours.plain), raw: variation(f.ping.raw.plain) }
    },
    {
      id: 'secure.throughput64B',
      label: `secure ${THROUGHPUT_SIZE} B one-way, ${f?.throughput.count ?? '?'} msgs (raw: node:tls, batched)`,
      kind: 'rate',
      ours: f ? med(f.throughput.ours.secure) : null,
      raw: f ? med(f.throughput.raw.secure) : null,
      original: ORIGINAL_SMALL_PER_SECOND,
      target: { of: 'ratio', op: '>=', value: 0.6, text: '≥ 60 % raw TLS' },
      note:
        error ??
        `median of ${f?.throughput.trials} trials; raw frames batched as our links batch them (RawBatchWriter)`,
      detail: f === null ? undefined : {
        ours: f.throughput.ours.secure.map(Math.round),
        raw: f.throughput.raw.secure.map(Math.round)
      }
    },
    {
      id: 'secure.throughput64BPlain',
      label: `plaintext ${THROUGHPUT_SIZE} B one-way, same trials (raw: node:net, batched)`,
      kind: 'rate',
      ours: f ? med(f.throughput.ours.plain) : null,
      raw: f ? med(f.throughput.raw.plain) : null,
      original: ORIGINAL_SMALL_PER_SECOND,
      detail: f === null ? undefined : {
        ours: f.throughput.ours.plain.map(Math.round),
        raw: f.throughput.raw.plain.map(Math.round)
      }
    },
    {
      id: 'secure.rssPerNode',
      label: `star of ${starCount} secure nodes: resident memory per node (raw: node:tls star)`,
      kind: 'bytes',
      ours: stars.ours.error === undefined ? (stars.ours.rssPerNode ?? null) : null,
      raw: stars.raw.error === undefined ? (stars.raw.rssPerNode ?? null) : null,
      original: ORIGINAL_BYTES_PER_NODE,
      note:
        stars.ours.error ??
        stars.raw.error ??
        'RSS delta after GC / nodes (reported, no target); raw = own key + certificate + TLS server + UDP socket + TLS link; plaintext: the scale module',
      detail: { ours: stars.ours, raw: stars.raw }
    },
    {
      id: 'secure.heapPerNode',
      label: `star of ${starCount} secure nodes: JS heap per node`,
      kind: 'bytes',
      ours: stars.ours.error === undefined ? (stars.ours.heapUsedPerNode ?? null) : null,
      raw: stars.raw.error === undefined ? (stars.raw.heapUsedPerNode ?? null) : null,
      original: null
    }
  ]
  return metrics
}

const bench: BenchModule = {
  name: 'secure',
  description:
    'secure ChaskiNode links (TLS 1.3) vs raw node:tls, with the plaintext figures beside: connect, ping, 64 B throughput, memory',
  run
}
export default bench
