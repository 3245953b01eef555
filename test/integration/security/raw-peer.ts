// An attacker's tools for the security tests (issue #11): a raw TCP peer that writes whatever bytes it likes and
// reads the node's frames, a fake service that counts the dials it receives, and a node in a child process whose
// memory and file descriptors can be read from /proc. Built on msgpackr and the frame format only, so the same
// tests run against older code (to show they failed before the fix).
import { spawn, type ChildProcess } from 'node:child_process'
import dgram from 'node:dgram'
import { readdirSync, readFileSync } from 'node:fs'
import net from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Packr } from 'msgpackr'
import type { ChaskiNodeOptions } from '../../../src/main/chaski/index'
import { encodeFrame, FrameDecoder } from '../../../src/main/chaski/framing'
import { createTlsCredentials, generateNodeKey, secureDial } from '../../../src/main/chaski/security/index'
import { waitFor } from '../../helpers/wait-for'

const packr = new Packr({ useRecords: false, mapsAsObjects: true })

/** Plain msgpack of a value (a copy: msgpackr reuses its buffer). */
export function plain(value: unknown): Buffer {
  return Buffer.from(packr.pack(value))
}

/** A msgpack map of the given keys and already-encoded values (fixmap or map 16). */
export function mapOf(entries: [string, Buffer][]): Buffer {
  const n = entries.length
  const header = n < 16 ? Buffer.from([0x80 | n]) : Buffer.from([0xde, n >> 8, n & 0xff])
  return Buffer.concat([header, ...entries.flatMap(([key, value]) => [plain(key), value])])
}

const str = plain

export interface EnvelopeOptions {
  /** 'uint64': the timestamp as msgpack uint64 (0xcf), as Python's msgpack writes integers above 2^32. */
  timestamp?: 'float' | 'uint64'
  /** 'shuffled': keys in another order than our encoder's (data first). */
  order?: 'ours' | 'shuffled'
  /** The envelope's hop limit (64 unless given). */
  ttl?: number
  /** Keys added after the six of the envelope (already-encoded values). */
  extra?: [string, Buffer][]
}

/** A frame body (the 6-entry envelope map) whose `data` is the given msgpack bytes, taken as they are. */
export function envelope(
  command: string,
  topic: string,
  data: Buffer,
  options: EnvelopeOptions = {}
): Buffer {
  const now = Date.now()
  let timestamp: Buffer
  if (options.timestamp === 'uint64') {
    timestamp = Buffer.alloc(9)
    timestamp[0] = 0xcf
    timestamp.writeBigUInt64BE(BigInt(now), 1)
  } else {
    timestamp = Buffer.alloc(9)
    timestamp[0] = 0xcb
    timestamp.writeDoubleBE(now, 1)
  }
  const entries: [string, Buffer][] = [
    ['command', str(command)],
    ['topic', str(topic)],
    ['timestamp', timestamp],
    ['ttl', plain(options.ttl ?? 64)],
    ['uuid', str(`raw-${Math.random().toString(36).slice(2)}`)],
    ['data', data]
  ]
  if (options.order === 'shuffled') entries.reverse()
  entries.push(...(options.extra ?? []))
  return mapOf(entries)
}

/** A whole frame: header, topic, body. */
export function frame(command: string, topic: string, data: Buffer, options?: EnvelopeOptions): Buffer {
  return encodeFrame(topic, envelope(command, topic, data, options))
}

/** msgpack ext 32 (0xc9) of `size` payload bytes: e.g. type 0x42, msgpackr's BigInt extension. */
export function ext32(type: number, size: number, fill = 0x5a): Buffer {
  const out = Buffer.alloc(6 + size, fill)
  out[0] = 0xc9
  out.writeUInt32BE(size, 1)
  out[5] = type
  return out
}

/** The identity fields of a handshake. */
export function handshakeData(
  id: string,
  port: number,
  subscriptions: string[] = [],
  ip = '127.0.0.1'
): Record<string, unknown> {
  return { v: 1, vmin: 1, id, name: id, ip, port, subscriptions, paired: false, root: false }
}

let nextClaimPort = 20_000

export interface ReceivedFrame {
  command: string
  data: Record<string, unknown>
  ttl: number
}

/** A hand-driven TCP peer: writes raw bytes, reads and decodes the node's frames, knows when the node hung up. */
export class RawPeer {
  readonly frames: ReceivedFrame[] = []
  /** Every frame as it came (topic and body bytes), for tests of the byte layout. */
  readonly rawFrames: { topic: string; body: Buffer }[] = []
  closed = false
  /** The node's `close` reason, once it sent one. */
  closeReason: string | null = null

  private constructor(readonly socket: net.Socket) {
    const decoder = new FrameDecoder(
      {
        acceptTopic: () => true,
        onFrame: (topic, body) => {
          this.rawFrames.push({ topic, body: Buffer.from(body) })
          const message = packr.unpack(body) as ReceivedFrame
          this.frames.push(message)
          if (message.command === 'close') this.closeReason = String(message.data.reason)
        }
      },
      { maxFrameSize: 64 * 1024 * 1024 }
    )
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk)
      } catch {
        socket.destroy()
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => (this.closed = true))
  }

  /** A raw peer on a socket the test set up itself (e.g. a TLS link made with secureDial). */
  static over(socket: net.Socket): RawPeer {
    return new RawPeer(socket)
  }

  /** Connects (optionally from a given loopback source address) and resolves once the TCP connection is open. */
  static connect(port: number, localAddress?: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress })
      socket.once('connect', () => resolve(new RawPeer(socket)))
      socket.once('error', reject)
    })
  }

  /** Connects and completes a handshake as node `id` (listening address claimed: 127.0.0.1:`port`). */
  static async handshake(
    nodePort: number,
    id: string,
    options: { claimPort?: number; subscriptions?: string[]; localAddress?: string; features?: string[] } = {}
  ): Promise<RawPeer> {
    const peer = await RawPeer.connect(nodePort, options.localAddress)
    // A distinct claimed address per peer: a node takes a new id at a known address for a restart of the old one.
    const data = handshakeData(id, options.claimPort ?? nextClaimPort++, options.subscriptions)
    if (options.features) data['features'] = options.features
    peer.write(frame('handshake', 'All', plain(data)))
    await peer.next('handshake_back')
    return peer
  }

  /**
   * Over a verified TLS link (protocol version 2) with a key of its own, and a handshake claiming that key's id: a
   * peer a secure node accepts, that then sends whatever the test wants inside TLS.
   */
  static async secureHandshake(
    nodePort: number,
    /** `claimId`: another id than its key's (an impostor); `answer`: the frame to wait for. */
    options: {
      subscriptions?: string[]
      claimId?: string
      answer?: 'handshake_back' | 'close'
      /** A loopback source address (127.x.y.z) of its own. */
      localAddress?: string
    } = {}
  ): Promise<RawPeer> {
    const credentials = await createTlsCredentials(generateNodeKey())
    const socket = net.connect({ host: '127.0.0.1', port: nodePort, localAddress: options.localAddress })
    const link = await secureDial(socket, credentials)
    const peer = new RawPeer(link.socket)
    const data = {
      ...handshakeData(options.claimId ?? credentials.key.id, nextClaimPort++, options.subscriptions),
      v: 2,
      vmin: 2
    }
    peer.write(frame('handshake', 'All', plain(data)))
    await peer.next(options.answer ?? 'handshake_back')
    return peer
  }

  /** Writes bytes; resolves once the kernel took them (or the socket is gone). */
  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve()
      this.socket.write(bytes, () => resolve())
    })
  }

  received(command: string): ReceivedFrame[] {
    return this.frames.filter((f) => f.command === command)
  }

  /** The first frame of `command` (bounded wait); fails fast if the node hangs up first. */
  async next(command: string, timeoutMs = 10_000): Promise<ReceivedFrame> {
    const found = await waitFor(
      () => this.frames.find((f) => f.command === command) ?? (this.closed ? 'closed' : undefined),
      { timeoutMs, message: `'${command}' from the node` }
    )
    if (found === 'closed') throw new Error(`the node closed the connection before '${command}'`)
    return found
  }

  /** Resolves when the node closed the connection (bounded). */
  async whenClosed(timeoutMs = 10_000): Promise<void> {
    await waitFor(() => this.closed, { timeoutMs, message: 'the node to close the connection' })
  }

  destroy(): void {
    this.socket.destroy()
  }
}

/** A TCP + UDP service on one port that answers nothing and counts every dial and datagram it receives. */
export interface DialCounter {
  port: number
  readonly tcp: number
  readonly udp: number
  close(): Promise<void>
}

export async function dialCounter(): Promise<DialCounter> {
  let tcp = 0
  let udp = 0
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = net.createServer((socket) => {
      tcp++
      socket.on('error', () => {})
      socket.destroy() // accepted and dropped: the dialler fails at once
    })
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
    )
    const socket = dgram.createSocket('udp4')
    const bound = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false))
      socket.bind(port, '127.0.0.1', () => resolve(true))
    })
    if (!bound) {
      await new Promise((resolve) => server.close(resolve))
      continue
    }
    socket.on('message', () => udp++)
    return {
      port,
      get tcp() {
        return tcp
      },
      get udp() {
        return udp
      },
      close: async () => {
        await new Promise((resolve) => server.close(resolve))
        await new Promise<void>((resolve) => socket.close(() => resolve()))
      }
    }
  }
  throw new Error('no free TCP+UDP port for the dial counter')
}

const TARGET_SCRIPT = fileURLToPath(new URL('./target-process.ts', import.meta.url))
const running = new Set<ChildProcess>()

/** A ChaskiNode in a child process (target-process.ts), optionally under a lower open-file limit. */
export class ChildNode {
  port = 0
  id = ''

  private constructor(readonly child: ChildProcess) {}

  static async start(options: ChaskiNodeOptions, init: { fdLimit?: number } = {}): Promise<ChildNode> {
    const node = [process.execPath, '--import', 'tsx', TARGET_SCRIPT, JSON.stringify(options)]
    const quoted = node.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ')
    const command = init.fdLimit ? `ulimit -n ${init.fdLimit} && exec ${quoted}` : `exec ${quoted}`
    const child = spawn('sh', ['-c', command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, CHASKI_LAN_INTERFACES: '127.0.0.1' }
    })
    running.add(child)
    child.once('exit', () => running.delete(child))
    child.stderr!.resume()
    const lines: Record<string, unknown>[] = []
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        // not a JSON line
      }
    })
    const ready = await waitFor(() => lines.find((line) => line['ready'] !== undefined), {
      timeoutMs: 30_000,
      message: 'child node ready'
    })
    if (ready['ready'] !== true) throw new Error(`child node failed: ${String(ready['error'])}`)
    const handle = new ChildNode(child)
    handle.port = ready['port'] as number
    handle.id = ready['id'] as string
    return handle
  }

  /** Resident memory now and at its peak (bytes), from /proc. */
  memory(): { rss: number; peak: number } {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8')
    const kib = (field: string): number =>
      Number(/(\d+) kB/.exec(status.split(`${field}:`)[1] ?? '')?.[1]) * 1024
    return { rss: kib('VmRSS'), peak: kib('VmHWM') }
  }

  /** CPU time the process used so far (user + system), in ms (from /proc: clock ticks of 10 ms). */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces, inside parentheses): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  }

  /** Open file descriptors of the process. */
  openFiles(): number {
    return readdirSync(`/proc/${this.child.pid}/fd`).length
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  async kill(): Promise<void> {
    if (!this.alive) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGKILL')
    await exited
  }

  static async killAll(): Promise<void> {
    await Promise.all(
      [...running].map(
        (child) =>
          new Promise((resolve) => {
            child.once('exit', resolve)
            child.kill('SIGKILL')
          })
      )
    )
  }
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
