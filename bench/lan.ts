// LAN discovery (src/main/chaski/lan): how fast a node appears and disappears, on the loopback interface only.
// - appear: from `new ChaskiNode({ lan })` until two other nodes both list it (median of 20 fresh nodes);
// - lost: from SIGKILL of a node in a child process until both others drop it (median of a few kills).
// Every node asks for the interface 127.0.0.1 explicitly, so nothing is sent elsewhere whatever the environment
// says (CHASKI_LAN_INTERFACES can only narrow that further: then the bench fails with a clear message).
// No raw or original equivalent exists: the original ChaskiNode has no LAN discovery.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { loadChaski, plaintextDefaults, stopNodes, type Chaski, type ChaskiNodeInstance } from './chaski'
import { median, round } from './stats'
import { waitUntil, withTimeout } from './waiting'
import type { BenchContext, BenchModule, Metric } from './types'

const PEER_SCRIPT = path.join(__dirname, '..', 'test', 'helpers', 'lan-peer-process.ts')

/** A beacon group and port of this run only, so a concurrent test run or app is not disturbed. */
function benchLan(): { group: string; port: number; interfaces: string[]; autoConnect: false } {
  const pid = process.pid
  return {
    group: `239.255.${(pid >> 8) & 255}.${pid & 255}`,
    port: 33_000 + (pid % 2000),
    interfaces: ['127.0.0.1'],
    autoConnect: false
  }
}

async function startLanNode(chaski: Chaski, lan: ReturnType<typeof benchLan>): Promise<ChaskiNodeInstance> {
  const node = new chaski.ChaskiNode({ ...plaintextDefaults(chaski), lan })
  await node.ready
  return node
}

/** Observers must actually beacon: a cap that excludes loopback would make every figure meaningless. */
async function checkLoopbackAllowed(node: ChaskiNodeInstance): Promise<void> {
  await waitUntil(() => (node.lanDiscovery?.interfaces.length ?? 0) > 0, {
    timeoutMs: 2000,
    what: 'LAN beacons on 127.0.0.1',
    describe: () =>
      `CHASKI_LAN_INTERFACES=${process.env.CHASKI_LAN_INTERFACES ?? '(unset)'} must allow 127.0.0.1`
  })
}

async function measureAppear(
  chaski: Chaski,
  observers: ChaskiNodeInstance[],
  lan: ReturnType<typeof benchLan>
): Promise<number> {
  const t0 = performance.now()
  const node = new chaski.ChaskiNode({ ...plaintextDefaults(chaski), lan })
  try {
    const seenAt = await withTimeout(
      Promise.all(
        observers.map(
          (observer) =>
            new Promise<number>((resolve) => {
              const onSeen = ({ peer }: { peer: { id: string } }): void => {
                if (peer.id !== node.id) return
                observer.off('lan-peer-seen', onSeen)
                resolve(performance.now())
              }
              observer.on('lan-peer-seen', onSeen)
            })
        )
      ),
      5000,
      'two observers listing a new node'
    )
    return Math.max(...seenAt) - t0
  } finally {
    await node.stop()
    // Its goodbye must be processed before the next sample starts.
    await waitUntil(() => observers.every((observer) => !observer.lanPeers.has(node.id)), {
      timeoutMs: 5000,
      what: 'goodbye of the stopped node'
    })
  }
}

async function measureLost(
  observers: ChaskiNodeInstance[],
  lan: ReturnType<typeof benchLan>
): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', PEER_SCRIPT, JSON.stringify({ mode: 'node', lan })],
    {
      cwd: path.join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  try {
    const id = await withTimeout(
      new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (text) => {
          const line = JSON.parse(text) as { type: string; id?: string }
          if (line.type === 'ready' && line.id) resolve(line.id)
        })
        child.once('exit', (code) => reject(new Error(`LAN peer process exited (${String(code)})`)))
      }),
      20_000,
      'LAN peer process start'
    )
    await waitUntil(() => observers.every((observer) => observer.lanPeers.has(id)), {
      timeoutMs: 5000,
      what: 'observers listing the peer process'
    })
    const t0 = performance.now()
    child.kill('SIGKILL')
    await waitUntil(() => observers.every((observer) => !observer.lanPeers.has(id)), {
      timeoutMs: 10_000,
      intervalMs: 2,
      what: 'killed peer marked lost'
    })
    return performance.now() - t0
  } finally {
    child.kill('SIGKILL')
  }
}

async function run(ctx: BenchContext): Promise<Metric[]> {
  const appearRuns = ctx.quick ? 5 : 20
  const lostRuns = ctx.quick ? 1 : 5
  const appear: number[] = []
  const lost: number[] = []
  const observers: ChaskiNodeInstance[] = []
  let error: string | undefined
  try {
    const chaski = await loadChaski()
    chaski.setLogLevel('error')
    const lan = benchLan()
    observers.push(await startLanNode(chaski, lan), await startLanNode(chaski, lan))
    await checkLoopbackAllowed(observers[0]!)
    for (let i = 0; i < appearRuns; i++) {
      if (i % 5 === 0) ctx.progress(`appear ${i + 1}/${appearRuns}`)
      appear.push(await measureAppear(chaski, observers, lan))
    }
    for (let i = 0; i < lostRuns; i++) {
      ctx.progress(`lost ${i + 1}/${lostRuns} (about 3 s each)`)
      lost.push(await measureLost(observers, lan))
    }
  } catch (err) {
    error = (err as Error).message
  } finally {
    await stopNodes(observers, (message) => (error ??= message))
  }
  const complete = error === undefined
  return [
    {
      id: 'lan.appear',
      label: 'LAN: new node listed by 2 others',
      kind: 'duration',
      ours: complete && appear.length === appearRuns ? median(appear) : null,
      raw: null,
      original: null,
      target: { of: 'ours', op: '<=', value: 300, text: '≤ 300 ms' },
      note:
        error ??
        `median of ${appearRuns} fresh nodes (from constructor), max ${round(Math.max(...appear), 3)} ms`,
      detail: { samplesMs: appear.map((ms) => round(ms)) }
    },
    {
      id: 'lan.lost',
      label: 'LAN: killed node marked lost',
      kind: 'duration',
      ours: complete && lost.length === lostRuns ? median(lost) : null,
      raw: null,
      original: null,
      target: { of: 'ours', op: '<=', value: 3000, text: '≤ 3 s' },
      note:
        error ??
        `median of ${lostRuns} SIGKILLs, max ${round(Math.max(...lost), 4)} ms (lost 2.8 intervals after the last beacon heard)`,
      detail: { samplesMs: lost.map((ms) => round(ms)) }
    }
  ]
}

const bench: BenchModule = {
  name: 'lan',
  description:
    'LAN discovery on loopback: time to be listed by two nodes, and to be marked lost after SIGKILL',
  run
}
export default bench
