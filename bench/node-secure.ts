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
//   (secure-star-child.ts `rawtls`), and the plaintext pair beside, each in a fresh child process.
// With CHASKI_BENCH_BASE_REF=<commit> (base-library.ts), that commit's secure nodes are measured in the same rounds
// too ("before" rows), against the same raw TLS samples.
// "original (py)" is the Python implementation's plaintext figure, for scale.
import { randomBytes } from 'node:crypto'
import { loadBaseLibrary } from './base-library'
import { loadChaski, startNode, stopNodes, type Chaski, type ChaskiNodeInstance } from './chaski'
import { RawConnectTimer, RawEchoClient, rawThroughput } from './raw-baseline'
import {
  RawTlsConnectTimer,
  RawTlsEchoClient,
  rawTlsIdentity,
  rawTlsThroughput,
  type RawTlsIdentity
} from './raw-tls-baseline'
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

/**
 * What is measured: our secure nodes, our plaintext nodes, and (with a base ref) the base commit's secure nodes.
 * Secure kinds are compared with raw node:tls, the plaintext kind with raw node:net.
 */
type Kind = 'secure' | 'plain' | 'base'
type Raw = 'tls' | 'net'

interface Side {
  kind: Kind
  chaski: Chaski
  options: Record<string, unknown>
}

type PerKind<T> = Partial<Record<Kind, T>>
type PerRaw<T> = Record<Raw, T>

interface Series {
  ours: PerKind<number[]>
  raw: PerRaw<number[]>
}

const emptySeries = (): Series => ({ ours: {}, raw: { tls: [], net: [] } })

function push(into: PerKind<number[]>, kind: Kind, value: number): void {
  ;(into[kind] ??= []).push(value)
}

async function cpuTimed(fn: () => Promise<number>): Promise<[number, number]> {
  const before = process.cpuUsage()
  const value = await fn()
  const used = process.cpuUsage(before)
  return [value, (used.user + used.system) / 1000]
}

/**
 * Neighbour adverts (#16) are off in every node here: the connect server would otherwise keep the adverts of every
 * client that came and went and push them to each new one (hundreds of frames per connect, over the receiver's rate),
 * which measures the map, not the link.
 */
function node(side: Side, name: string, extra: Record<string, unknown> = {}): Promise<ChaskiNodeInstance> {
  return startNode(side.chaski, { name, subscriptions: [TOPIC], adverts: false, ...side.options, ...extra })
}

interface Figures {
  connect: Series & { cpu: Series; warmup: number; count: number }
  ping: Series & { warmup: number; count: number }
  throughput: Series & { cpu: Series; count: number; trials: number }
  cipher: { raw: string; ours: string }
}

/** `total` rounds; per round a raw sample of each kind, then each side's connect with a new client node. */
async function connectRounds(
  ctx: BenchContext,
  sides: Side[],
  servers: Map<Kind, ChaskiNodeInstance>,
  raw: { tls: RawTlsConnectTimer; net: RawConnectTimer },
  total: number,
  into: Figures['connect'] | null
): Promise<void> {
  for (let start = 0; start < total; start += BATCH) {
    const size = Math.min(BATCH, total - start)
    const clients = new Map<Kind, ChaskiNodeInstance[]>()
    for (const side of sides) {
      const made = await Promise.all(
        Array.from({ length: size }, (_, i) => node(side, `connect-${side.kind}-${start + i}`))
      )
      clients.set(side.kind, made)
    }
    try {
      for (let i = 0; i < size; i++) {
        for (const kind of ['tls', 'net'] as const) {
          const [ms, cpu] = await cpuTimed(() => raw[kind].sampleWithEcho(HANDSHAKE_SIZE))
          into?.raw[kind].push(ms)
          into?.cpu.raw[kind].push(cpu)
        }
        for (const side of sides) {
          const target = `127.0.0.1:${servers.get(side.kind)!.port}`
          const client = clients.get(side.kind)![i]!
          const [ms, cpu] = await cpuTimed(async () => {
            const t0 = performance.now()
            await withTimeout(client.connect(target), 10_000, `${side.kind} connect`)
            return performance.now() - t0
          })
          if (!into) continue
          push(into.ours, side.kind, ms)
          push(into.cpu.ours, side.kind, cpu)
        }
      }
    } finally {
      await stopNodes([...clients.values()].flat(), (msg) => ctx.progress(msg))
    }
  }
}

interface Pair {
  a: ChaskiNodeInstance
  b: ChaskiNodeInstance
}

async function openPair(side: Side, what: string): Promise<Pair> {
  const a = await node(side, `${what}-${side.kind}-a`)
  const b = await node(side, `${what}-${side.kind}-b`)
  await withTimeout(a.connect(b), 10_000, `${what}: ${side.kind} connect`)
  return { a, b }
}

/**
 * One counted throughput trial on a connected pair: `count` publishes a → b of `size` bytes. Also the process CPU
 * (both nodes live in this process) from the first publish until the last message was counted.
 */
async function pairThroughput(
  pair: Pair,
  count: number,
  size: number,
  timeoutMs: number
): Promise<{ perSecond: number; cpuMs: number }> {
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
    const cpu = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < count; i++) await pair.a.publish(TOPIC, payload)
    await withTimeout(done, timeoutMs, `throughput ${count}×${size} B (received ${received})`)
    const perSecond = (count * 1000) / (performance.now() - t0)
    const used = process.cpuUsage(cpu)
    return { perSecond, cpuMs: (used.user + used.system) / 1000 }
  } finally {
    pair.b.off('message', onMessage)
  }
}

/** The negotiated cipher suite of a secure edge (through its link's TLS socket; '' when not reachable). */
function cipherOf(edge: unknown): string {
  const socket = (edge as { link?: { socket?: { getCipher?: () => { standardName: string } } } }).link?.socket
  return socket?.getCipher?.().standardName ?? ''
}

async function measureLinks(ctx: BenchContext, sides: Side[], ids: RawTlsIdentity[]): Promise<Figures> {
  const quick = ctx.quick
  const [serverId, clientId] = ids as [RawTlsIdentity, RawTlsIdentity]
  const f: Figures = {
    connect: { ...emptySeries(), cpu: emptySeries(), warmup: quick ? 10 : 300, count: quick ? 10 : 100 },
    ping: { ...emptySeries(), warmup: quick ? 200 : 2000, count: quick ? 200 : 1000 },
    throughput: {
      ...emptySeries(),
      cpu: emptySeries(),
      count: quick ? 2_000 : 20_000,
      trials: quick ? 1 : 9
    },
    cipher: { raw: '', ours: '' }
  }
  const live: ChaskiNodeInstance[] = []
  const stopLive = (): Promise<void> => stopNodes(live.splice(0), (msg) => ctx.progress(msg))
  try {
    // Connect + handshake, a new client node each time.
    const servers = new Map<Kind, ChaskiNodeInstance>()
    for (const side of sides)
      servers.set(side.kind, await node(side, `server-${side.kind}`, { maxEdges: 4096 }))
    live.push(...servers.values())
    const raw = { tls: await RawTlsConnectTimer.open(serverId, clientId), net: await RawConnectTimer.open() }
    try {
      const names = sides.map((s) => s.kind).join(', ')
      ctx.progress(
        `connect: ${f.connect.warmup} warm-up rounds, then ${f.connect.count} (raw TLS, raw net, ${names})`
      )
      await connectRounds(ctx, sides, servers, raw, f.connect.warmup, null)
      await connectRounds(ctx, sides, servers, raw, f.connect.count, f.connect)
      f.cipher.raw = raw.tls.cipher
    } finally {
      await Promise.all([raw.tls.close(), raw.net.close()])
    }
    await stopLive()

    // Ping on an open link.
    const pairs = new Map<Kind, Pair>()
    for (const side of sides) pairs.set(side.kind, await openPair(side, 'ping'))
    for (const p of pairs.values()) live.push(p.a, p.b)
    const edgeOf = (kind: Kind): unknown => pairs.get(kind)!.a.edges[0]
    f.cipher.ours = cipherOf(edgeOf('secure'))
    const echo = { tls: await RawTlsEchoClient.open(serverId, clientId), net: await RawEchoClient.open() }
    try {
      const payload = randomBytes(ECHO_BYTES)
      const once = async (record: boolean): Promise<void> => {
        for (const kind of ['tls', 'net'] as const) {
          const ms = await echo[kind].roundTrip(payload)
          if (record) f.ping.raw[kind].push(ms)
        }
        for (const side of sides) {
          const pair = pairs.get(side.kind)!
          const t0 = performance.now()
          await withTimeout(pair.a.ping(pair.a.edges[0]!, { size: 0 }), 5_000, `${side.kind} ping`)
          if (record) push(f.ping.ours, side.kind, performance.now() - t0)
        }
      }
      ctx.progress(`ping: ${f.ping.warmup} warm-up rounds, then ${f.ping.count}`)
      for (let i = 0; i < f.ping.warmup; i++) await once(false)
      for (let i = 0; i < f.ping.count; i++) await once(true)
    } finally {
      await Promise.all([echo.tls.close(), echo.net.close()])
    }
    await stopLive()

    // 64 B one-way throughput, batched on both sides.
    const tpairs = new Map<Kind, Pair>()
    for (const side of sides) tpairs.set(side.kind, await openPair(side, 'throughput'))
    for (const p of tpairs.values()) live.push(p.a, p.b)
    const timeoutMs = 120_000
    // Each raw baseline is followed at once by the nodes compared with it, so a change of load hits both alike.
    const trial = async (record: boolean): Promise<void> => {
      const n = f.throughput.count
      const tls = await rawTlsThroughput(serverId, clientId, n, THROUGHPUT_SIZE, timeoutMs)
      if (record) {
        f.throughput.raw.tls.push(tls.perSecond)
        f.throughput.cpu.raw.tls.push(tls.cpuMs / n)
      }
      for (const kind of ['secure', 'base', 'plain'] as const) {
        const pair = tpairs.get(kind)
        if (!pair) continue
        if (kind === 'plain') {
          const net = await rawThroughput(n, THROUGHPUT_SIZE, timeoutMs)
          if (record) f.throughput.raw.net.push(net.perSecond)
        }
        const { perSecond, cpuMs } = await pairThroughput(pair, n, THROUGHPUT_SIZE, timeoutMs)
        if (!record) continue
        push(f.throughput.ours, kind, perSecond)
        push(f.throughput.cpu.ours, kind, cpuMs / n)
      }
    }
    ctx.progress(
      `throughput ${THROUGHPUT_SIZE} B: a warm-up trial, then ${f.throughput.trials} of ${f.throughput.count}`
    )
    await trial(false)
    for (let t = 0; t < f.throughput.trials; t++) await trial(true)
  } finally {
    await stopLive()
  }
  return f
}

type StarOutcome = Partial<Pick<StarResult, 'rssPerNode' | 'heapUsedPerNode' | 'connectMs' | 'createMs'>> & {
  error?: string
}

interface Stars {
  secure: StarOutcome
  rawTls: StarOutcome
  plain: StarOutcome | null
  rawNet: StarOutcome | null
}

/** Each star in a child of its own; adverts off in ours (see the row's note). The plaintext pair only in full runs. */
async function measureStars(ctx: BenchContext, count: number): Promise<Stars> {
  const failed = (err: Error): StarOutcome => ({ error: err.message })
  const star = (script: string, args: string[], what: string): Promise<StarOutcome> => {
    ctx.progress(`memory: ${what} of ${count} (child process)`)
    return runStarChild<StarOutcome>(ctx, script, count, args, what).catch(failed)
  }
  const n = String(count)
  const stars: Stars = {
    rawTls: await star('secure-star-child.ts', ['rawtls', n], 'raw node:tls star'),
    secure: await star('star-child.ts', ['node', n, '1', 'fast', 'secure'], 'secure ChaskiNode star'),
    plain: null,
    rawNet: null
  }
  if (!ctx.quick) {
    stars.rawNet = await star('star-child.ts', ['raw', n, '1'], 'raw node:net star')
    stars.plain = await star('star-child.ts', ['node', n, '1', 'fast', 'plain'], 'plaintext ChaskiNode star')
  }
  return stars
}

const med = (s: number[] | undefined): number | null => (s?.length ? median(s) : null)

function spread(s: number[] | undefined): Record<string, unknown> | undefined {
  return s?.length ? { ...roundSummary(summarize(s)), p90: round(percentile(s, 90)) } : undefined
}

function starFigure(o: StarOutcome | null, key: 'rssPerNode' | 'heapUsedPerNode'): number | null {
  return o && o.error === undefined ? (o[key] ?? null) : null
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const starCount = ctx.quick ? 100 : 1000
  let f: Figures | null = null
  let error: string | undefined
  let baseSha: string | null = null
  try {
    const chaski = await loadChaski()
    const sides: Side[] = [
      { kind: 'secure', chaski, options: { secure: true } },
      { kind: 'plain', chaski, options: {} }
    ]
    const base = await loadBaseLibrary(ctx.progress)
    if (base) {
      baseSha = base.sha
      sides.push({ kind: 'base', chaski: base.chaski, options: { secure: true } })
    }
    f = await measureLinks(ctx, sides, [await rawTlsIdentity(), await rawTlsIdentity()])
  } catch (err) {
    error = (err as Error).message
  }
  const stars = await measureStars(ctx, starCount)

  const cipher =
    f && f.cipher.raw && f.cipher.ours
      ? f.cipher.raw === f.cipher.ours
        ? `both ${f.cipher.ours}`
        : `CIPHERS DIFFER: ours ${f.cipher.ours}, raw ${f.cipher.raw}`
      : 'cipher not read'
  const metrics: Metric[] = []
  /** One row per kind measured: ours (secure, then base when set, then plaintext) against its raw baseline. */
  const rows = (
    id: string,
    what: string,
    kind: Metric['kind'],
    series: Series | undefined,
    rawLabel: Record<Raw, string>,
    original: number | null,
    target: Metric['target'],
    note: string
  ): void => {
    for (const k of ['secure', 'base', 'plain'] as const) {
      if (k === 'base' && baseSha === null) continue
      const raw = k === 'plain' ? 'net' : 'tls'
      const who = k === 'secure' ? 'secure' : k === 'base' ? `secure at ${baseSha} (before)` : 'plaintext'
      metrics.push({
        id: `secure.${id}${k === 'secure' ? '' : k === 'base' ? 'Base' : 'Plain'}`,
        label: `${who} ${what} (raw: ${rawLabel[raw]})`,
        kind,
        ours: med(series?.ours[k]),
        raw: med(series?.raw[raw]),
        original,
        target: k === 'secure' ? target : undefined,
        note: k === 'secure' ? (error ?? note) : undefined,
        detail: series && { ours: spread(series.ours[k]), raw: spread(series.raw[raw]) }
      })
    }
  }
  const c = f?.connect
  rows(
    'connect',
    `connect + handshake, median of ${c?.count ?? '?'}`,
    'duration',
    c,
    { tls: 'node:tls connect + 1 echo', net: 'node:net connect + 1 echo' },
    ORIGINAL_CONNECT_MS,
    { of: 'ratio', op: '<=', value: 1.5, text: '≤ 1.5× raw TLS' },
    `after ${c?.warmup} warm-up rounds, a new client node each time; TLS 1.3, mutual P-256 certificates, ${cipher}`
  )
  rows(
    'connectCpu',
    'connect + handshake, CPU of both ends',
    'duration',
    c?.cpu,
    { tls: 'node:tls', net: 'node:net' },
    null,
    undefined,
    'process CPU (user + system) around each sample, median: less sensitive to a busy machine than wall time'
  )
  const p = f?.ping
  rows(
    'ping',
    `ping, median of ${p?.count ?? '?'}`,
    'duration',
    p,
    { tls: `node:tls echo of ${ECHO_BYTES} B`, net: `node:net echo of ${ECHO_BYTES} B` },
    ORIGINAL_PING_MS,
    { of: 'ratio', op: '<=', value: 1.5, text: '≤ 1.5× raw TLS' },
    `after ${p?.warmup} warm-up rounds; ours timed around ping() on an open edge`
  )
  const t = f?.throughput
  rows(
    'throughput64B',
    `${THROUGHPUT_SIZE} B one-way, ${t?.count ?? '?'} msgs`,
    'rate',
    t,
    { tls: 'node:tls, batched', net: 'node:net, batched' },
    ORIGINAL_SMALL_PER_SECOND,
    { of: 'ratio', op: '>=', value: 0.6, text: '≥ 60 % raw TLS' },
    `median of ${t?.trials} trials; raw frames batched as our links batch them (raw-baseline.ts RawBatchWriter)`
  )
  rows(
    'throughput64BCpu',
    `${THROUGHPUT_SIZE} B one-way, CPU per message of both ends`,
    'duration',
    t?.cpu,
    { tls: 'node:tls, batched', net: 'node:net, not measured' },
    null,
    undefined,
    'process CPU (user + system) per message, sender and receiver together: what the rate is made of on a busy machine'
  )
  const starNote =
    'RSS delta after GC / nodes; reported, no target. Neighbour adverts off in both ChaskiNode stars: a leaf ' +
    "stores every other leaf's advert (2 hops), so with adverts on the figure grows with how long the star took to form"
  metrics.push(
    {
      id: 'secure.rssPerNode',
      label: `secure star of ${starCount}: resident memory per node (raw: node:tls star)`,
      kind: 'bytes',
      ours: starFigure(stars.secure, 'rssPerNode'),
      raw: starFigure(stars.rawTls, 'rssPerNode'),
      original: ORIGINAL_BYTES_PER_NODE,
      note:
        stars.secure.error ??
        stars.rawTls.error ??
        `${starNote}; raw = own key, certificate and TLS server + UDP socket + a TLS link per leaf`,
      detail: { ours: stars.secure, raw: stars.rawTls }
    },
    {
      id: 'secure.heapPerNode',
      label: `secure star of ${starCount}: JS heap per node (raw: node:tls star)`,
      kind: 'bytes',
      ours: starFigure(stars.secure, 'heapUsedPerNode'),
      raw: starFigure(stars.rawTls, 'heapUsedPerNode'),
      original: null
    }
  )
  if (stars.plain) {
    metrics.push({
      id: 'secure.rssPerNodePlain',
      label: `plaintext star of ${starCount}: resident memory per node (raw: node:net star)`,
      kind: 'bytes',
      ours: starFigure(stars.plain, 'rssPerNode'),
      raw: starFigure(stars.rawNet, 'rssPerNode'),
      original: ORIGINAL_BYTES_PER_NODE,
      note:
        stars.plain.error ??
        stars.rawNet?.error ??
        'the same star in plaintext, adverts off (the scale module has them on)',
      detail: { ours: stars.plain, raw: stars.rawNet }
    })
  }
  return metrics
}

const bench: BenchModule = {
  name: 'secure',
  description:
    'secure ChaskiNode links (TLS 1.3) vs raw node:tls, with the plaintext figures beside: connect, ping, 64 B throughput, memory',
  run
}
export default bench
