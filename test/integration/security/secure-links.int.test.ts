// Secure links between real nodes over loopback sockets (issue #13, docs/PROTOCOL.md §3a): every link is TLS 1.3
// with verified node keys; a claimed id must be the proven key's; a node at a known peer's address with another key
// is refused and reported; a man in the middle (its own process) cannot link both sides; a recording relay never
// sees a payload, a node name or a topic; plaintext peers are refused unless the node is `insecure`.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { msgpackCodec } from '../../../src/main/chaski/codec'
import { encodeFrame, FrameDecoder } from '../../../src/main/chaski/framing'
import type { ChaskiNode, ChaskiNodeEvents } from '../../../src/main/chaski/index'
import { generateNodeKey } from '../../../src/main/chaski/security/index'
import { useNodes } from '../../helpers/nodes'
import { nextEvent, waitFor } from '../../helpers/wait-for'
import { HOST, newCredentials, useTlsNet } from './tls-peers'

const REPO_ROOT = path.resolve(__dirname, '../../..')
const MITM_CHILD = path.join(__dirname, 'mitm-relay-child.ts')
const PEER_CHILD = path.join(REPO_ROOT, 'test/helpers/peer-process.ts')

const createNode = useNodes()
const net$ = useTlsNet()

const children: ChildProcess[] = []
afterEach(async () => {
  await Promise.all(
    children.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGKILL')
      await once(child, 'exit')
    })
  )
})

/** A child process printing JSON lines: `line(predicate)` resolves with the first matching one (bounded). */
function childProcess(args: string[]): {
  child: ChildProcess
  line: <T>(match: (v: T) => boolean) => Promise<T>
} {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit']
  })
  children.push(child)
  const seen: unknown[] = []
  const waiting: { match: (v: unknown) => boolean; resolve: (v: unknown) => void }[] = []
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      return
    }
    seen.push(value)
    for (const w of waiting.splice(0)) {
      if (w.match(value)) w.resolve(value)
      else waiting.push(w)
    }
  })
  const line = <T>(match: (v: T) => boolean): Promise<T> => {
    const found = seen.find((v) => match(v as T))
    if (found !== undefined) return Promise.resolve(found as T)
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('child printed no matching line within 15 s')), 15_000)
      waiting.push({
        match: match as (v: unknown) => boolean,
        resolve: (v) => {
          clearTimeout(timer)
          resolve(v as T)
        }
      })
    })
  }
  return { child, line }
}

/** The next payload of a node event (bounded). */
function nodeEvent<K extends keyof ChaskiNodeEvents>(
  node: ChaskiNode,
  event: K,
  timeoutMs?: number
): Promise<ChaskiNodeEvents[K]> {
  return nextEvent(node as unknown as Parameters<typeof nextEvent<ChaskiNodeEvents[K]>>[0], event, timeoutMs)
}

function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: Error) => error
  )
}

describe('secure links', () => {
  it('two nodes link over TLS 1.3: each proves the key of its id, and messages arrive', async () => {
    const key = generateNodeKey()
    const a = await createNode({ name: 'a', key })
    const b = await createNode({ name: 'b', subscriptions: ['news'] })
    expect(a.id).toBe(key.id)
    const edge = await a.connect(b.address)
    expect(edge.id).toBe(b.id)
    expect(edge.secure).toBe(true)
    expect(edge.version).toBe(2)
    await waitFor(() => b.edges.length === 1)
    expect(b.edges[0]!.id).toBe(a.id)
    expect(b.edges[0]!.secure).toBe(true)
    const message = nodeEvent(b, 'message')
    await a.publish('news', { text: 'hello' })
    expect(await message).toMatchObject({ topic: 'news', data: { text: 'hello' } })
  })

  it('a peer claiming a known node id with another key is refused (identity-mismatch) and the node says so', async () => {
    const a = await createNode({ name: 'a' })
    const b = await createNode({ name: 'b' })
    await a.connect(b.address)
    const changed = nodeEvent(a, 'identity-changed')
    // The impostor has its own key (TLS proves it) and claims b's id in its handshake.
    const impostor = await newCredentials()
    const link = await net$.dial(a.port, impostor)
    const closes: unknown[] = []
    const decoder = new FrameDecoder({
      acceptTopic: () => true,
      onFrame: (_topic, body) => {
        const frame = msgpackCodec.decode(body) as { command: string; data: unknown }
        if (frame.command === 'close') closes.push(frame.data)
      }
    })
    link.socket.on('data', (chunk: Buffer) => decoder.push(chunk))
    const handshake = {
      v: 2,
      vmin: 2,
      reconnect: false,
      id: b.id,
      name: 'b',
      ip: HOST,
      port: b.port,
      subscriptions: [],
      paired: false,
      root: false
    }
    const body = msgpackCodec.encode({
      command: 'handshake',
      topic: 'All',
      data: handshake,
      timestamp: Date.now(),
      ttl: 64,
      uuid: 'impostor-1'
    })
    link.socket.write(encodeFrame('All', body))
    const event = await changed
    expect(event).toMatchObject({ expectedId: b.id, provenId: impostor.key.id, direction: 'inbound' })
    await waitFor(() => closes.length > 0)
    expect(closes[0]).toMatchObject({ reason: 'identity-mismatch' })
    // a's edge is still the real b.
    expect(a.edges.map((e) => e.id)).toEqual([b.id])
  })

  it('a node found at a known peer’s address with another key is refused on reconnection and reported', async () => {
    const a = await createNode({ name: 'a', reconnectBaseMs: 20, reconnectCapMs: 100 })
    const first = childProcess([PEER_CHILD, JSON.stringify({ name: 'b' })])
    const ready = await first.line<{ ready: boolean; port: number; id: string }>((v) => v.ready)
    const edge = await a.connect(`${HOST}:${ready.port}`)
    expect(edge.id).toBe(ready.id)
    const changed = nodeEvent(a, 'identity-changed', 20_000)
    first.child.kill('SIGKILL')
    await once(first.child, 'exit')
    // Another node (another key) now listens at b's address; a's reconnection expects b's key.
    const second = childProcess([PEER_CHILD, JSON.stringify({ name: 'b', port: ready.port })])
    const other = await second.line<{ ready: boolean; id: string }>((v) => v.ready)
    const event = await changed
    expect(event).toMatchObject({ expectedId: ready.id, provenId: other.id, direction: 'outbound' })
    expect(event.error.name).toBe('IdentityMismatchError')
    expect(a.edges).toEqual([])
    // Refused once, not retried: no more attempts are scheduled for that address.
    await waitFor(() => a.reconnects.length === 0)
  })

  it('an insecure node does not fall back to plaintext when it redials a formerly secure peer', async () => {
    const a = await createNode({ name: 'a', insecure: true, reconnectBaseMs: 100, reconnectCapMs: 500 })
    const first = childProcess([PEER_CHILD, JSON.stringify({ name: 'b' })])
    const ready = await first.line<{ ready: boolean; port: number; id: string }>((v) => v.ready)
    expect((await a.connect(`${HOST}:${ready.port}`)).secure).toBe(true)
    first.child.kill('SIGKILL')
    await once(first.child, 'exit')
    // A plaintext node now answers at b's address: a plaintext answer cannot prove b's key.
    const second = childProcess([PEER_CHILD, JSON.stringify({ name: 'b', port: ready.port, secure: false })])
    await second.line<{ ready: boolean }>((v) => v.ready)
    const outcome = await waitFor(
      () =>
        a.edges.find((e) => !e.secure) !== undefined
          ? 'linked in plaintext'
          : a.reconnects.find((r) => /not falling back to plaintext/.test(r.lastError ?? ''))?.lastError,
      { timeoutMs: 20_000, message: 'a redial refusing the plaintext answer' }
    )
    expect(outcome).toMatch(/^PlaintextPeerError: /)
    expect(a.edges).toEqual([])
  })

  it('a man-in-the-middle relay process cannot link both sides', async () => {
    const a = await createNode({ name: 'a' })
    const b = await createNode({ name: 'b' })
    const relay = childProcess([MITM_CHILD, String(b.port)])
    const { port } = await relay.line<{ port?: number }>((v) => v.port !== undefined)
    const bTold = nodeEvent(b, 'identity-changed')
    const error = await rejection(a.connect(`${HOST}:${port}`))
    // The relay did set up both TLS legs: it is in the middle, and the nodes' checks are what refuse it.
    await relay.line<{ relayed?: boolean }>((v) => v.relayed === true)
    // b sees the relay's key under a's claimed id and refuses; a is told why.
    expect(error).toMatchObject({ name: 'ConnectionRefusedError', reason: 'identity-mismatch' })
    const event = await bTold
    expect(event.expectedId).toBe(a.id)
    expect(event.provenId).not.toBe(a.id)
    expect(a.edges).toEqual([])
    expect(b.edges).toEqual([])
  })

  it('a recording relay never sees a payload, a node name or a topic (and does in plaintext)', async () => {
    const secrets = ['payload-5e1f7a', 'alice-node-x91', 'bob-node-q27', 'topic-k0z4']
    const captures: Record<'secure' | 'plaintext', Buffer> = {
      secure: Buffer.alloc(0),
      plaintext: Buffer.alloc(0)
    }
    for (const mode of ['secure', 'plaintext'] as const) {
      const options = mode === 'secure' ? {} : { secure: false }
      const a = await createNode({ ...options, name: secrets[1], subscriptions: [secrets[3]!] })
      const b = await createNode({ ...options, name: secrets[2], subscriptions: [secrets[3]!] })
      const relay = await net$.recordingRelay(b.port)
      const edge = await a.connect(`${HOST}:${relay.port}`)
      expect(edge.secure).toBe(mode === 'secure')
      let received = 0
      b.on('message', () => received++)
      for (let i = 0; i < 20; i++) await a.publish(secrets[3]!, { text: secrets[0] })
      await waitFor(() => received === 20)
      captures[mode] = relay.captured()
    }
    const found = (capture: Buffer): string[] =>
      secrets.filter(
        (s) => capture.includes(Buffer.from(s, 'utf8')) || capture.includes(Buffer.from(s, 'utf16le'))
      )
    expect(found(captures.plaintext)).toEqual(secrets) // the recorder works
    expect(captures.secure[0]).toBe(0x16) // a TLS handshake record
    expect(found(captures.secure)).toEqual([])
  })
})

describe('plaintext peers', () => {
  it('are refused with secure-required, which the plaintext node reads and reports', async () => {
    const secure = await createNode({ name: 'secure' })
    const plain = await createNode({ name: 'plain', secure: false })
    const refused = nodeEvent(secure, 'peer-refused')
    const error = await rejection(plain.connect(secure.address))
    expect(error).toMatchObject({ name: 'ConnectionRefusedError', reason: 'secure-required' })
    expect(error.message).toMatch(/secure links only/)
    expect((await refused).reason).toBe('secure-required')
    const dialled = await rejection(secure.connect(plain.address))
    expect(dialled.name).toBe('PlaintextPeerError')
    expect(secure.edges).toEqual([])
    expect(plain.edges).toEqual([])
  })

  it('link in plaintext (version 1) with an insecure node, both ways', async () => {
    const insecure = await createNode({ name: 'insecure', insecure: true })
    const plain = await createNode({ name: 'plain', secure: false })
    const inbound = await plain.connect(insecure.address)
    expect(inbound.version).toBe(1)
    await plain.closeConnection(inbound)
    await waitFor(() => insecure.edges.length === 0)
    const other = await createNode({ name: 'plain2', secure: false })
    const outbound = await insecure.connect(other.address)
    expect(outbound.secure).toBe(false)
    // Secure peers still link securely with it.
    const secure = await createNode({ name: 'secure' })
    expect((await secure.connect(insecure.address)).secure).toBe(true)
  })
})

it('a secure node refuses a fixed id (its id is its key’s)', async () => {
  await expect(createNode({ id: 'fixed' })).rejects.toThrow(/secure: false/)
})
