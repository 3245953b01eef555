// The Vivaldi experiment of test/helpers/vivaldi-grid.ts across network namespaces: eight hosts on a bridge, one
// ChaskiNode process in each (test/helpers/latency-peer-process.ts), every link through a delay relay run by the
// dialling host on its own veth address, so the traffic crosses real veth pairs and a bridge, and each node has its
// own process and event loop. Needs root and `ip netns`; skipped with the reason otherwise (CI runs as root).
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestLan, netnsUnavailableReason, type TestLan } from '../../helpers/netns'
import { GRID_NODES, runGridExperiment, type LatencyNetwork } from '../../helpers/vivaldi-grid'

const unavailable = netnsUnavailableReason()
let lan: TestLan | undefined
const children: ChildProcess[] = []

beforeAll(async () => {
  if (unavailable === null) lan = await createTestLan(GRID_NODES, { subnet: 16 })
})
afterEach(async () => {
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGKILL')
        })
    )
  )
})
afterAll(async () => {
  await lan?.destroy()
})

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))
const peerScript = fileURLToPath(new URL('../../helpers/latency-peer-process.ts', import.meta.url))

interface Peer {
  id: string
  port: number
  request(command: Record<string, unknown>): Promise<Record<string, unknown>>
}

/** Starts the node process of one host; resolves when it listens. */
async function startPeer(ns: string, ip: string, name: string): Promise<Peer> {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, '--import', 'tsx', peerScript, JSON.stringify({ ip, name })],
    {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe']
    }
  )
  children.push(child)
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  const waiting = new Map<number, (answer: Record<string, unknown>) => void>()
  let nextRid = 0
  const ready = new Promise<{ id: string; port: number }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const answer = JSON.parse(text) as Record<string, unknown>
      if (answer.type === 'ready') resolve(answer as unknown as { id: string; port: number })
      else if (typeof answer.rid === 'number') waiting.get(answer.rid)?.(answer)
    })
    child.once('exit', (code) => reject(new Error(`peer in ${ns} exited (${String(code)}): ${stderr}`)))
  })
  const { id, port } = await ready
  return {
    id,
    port,
    request: (command) =>
      new Promise((resolve, reject) => {
        const rid = ++nextRid
        waiting.set(rid, (answer) => {
          waiting.delete(rid)
          if (answer.type === 'failed') reject(new Error(`${ns}: ${String(answer.error)}`))
          else resolve(answer)
        })
        child.stdin!.write(JSON.stringify({ ...command, rid }) + '\n')
      })
  }
}

async function namespaceNetwork(testLan: TestLan): Promise<LatencyNetwork> {
  const peers = await Promise.all(
    testLan.hosts.map((host, i) => startPeer(host.ns, host.address, `grid-${i}`))
  )
  return {
    ids: peers.map((peer) => peer.id),
    async link(i, j, delayMs) {
      const target = testLan.hosts[j]!
      await peers[i]!.request({ cmd: 'link', host: target.address, port: peers[j]!.port, delayMs })
    },
    async pingAll(pairs) {
      // One request per node for all its pairs, every node at once.
      const answers = await Promise.all(
        peers.map((peer, i) => {
          const mine = pairs.filter(([from]) => from === i)
          return peer.request({ cmd: 'ping', peers: mine.map(([, to]) => peers[to]!.id) })
        })
      )
      const cursor = peers.map(() => 0)
      return pairs.map(([from]) => (answers[from]!.rtts as number[])[cursor[from]!++]!)
    }
  }
}

describe('Vivaldi coordinates from real pings through delay relays (network namespaces)', () => {
  it('estimates the round trip of pairs that never measured each other', async (ctx) => {
    if (unavailable !== null || lan === undefined) return ctx.skip(`namespace tests skipped: ${unavailable}`)
    const outcome = await runGridExperiment(await namespaceNetwork(lan))
    if (process.env.CHASKI_REPORT) console.log(outcome.summary)
    for (const { estimate, map, real } of outcome.unmeasured) {
      const configured = map + outcome.overheadMs
      expect(Math.abs(estimate - configured), outcome.summary).toBeLessThanOrEqual(
        0.1 * configured + outcome.noiseMs
      )
      expect(Math.abs(estimate - real), outcome.summary).toBeLessThanOrEqual(0.1 * real + outcome.noiseMs)
    }
  })
})
