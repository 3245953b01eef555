// Microbenchmark of each piece of the hand-written msgpack path against msgpackr alone, in one process, no sockets:
// ns per operation, median of rounds. Run: node --import tsx bench/codec-pieces.ts
import { planFrame, writePlannedFrame } from '../src/main/chaski/envelope-encoder'
import type { PongBytes } from '../src/main/chaski/pong-bytes'
import { decodeEnvelopeFast } from '../src/main/chaski/envelope-decoder'
import { packValue, unpackRange } from '../src/main/chaski/codec'
import { encodeFrame } from '../src/main/chaski/framing'
import { parseEnvelope } from '../src/main/chaski/envelope'
import '../src/main/chaski/commands/index'
import { readHandshake as parseHandshake } from '../src/main/chaski/commands/handshake'
import { readPing as parsePing } from '../src/main/chaski/commands/ping'
import { readPong as parsePong } from '../src/main/chaski/commands/pong'
import { nextMessageId } from '../src/main/chaski/ids'
import { encodePingData } from '../src/main/chaski/control-data'
import { LocalIdentity } from '../src/main/chaski/local-identity'

const identity = {
  id: '6f1c1d2e-7a4b-4c1e-9f00-1234567890ab',
  name: 'node-1',
  ip: '127.0.0.1',
  port: 40123,
  subscriptions: ['A', 'chat'],
  paired: true,
  root: false
}
const local = new LocalIdentity({ identityNow: () => identity }, false)
const buf = Buffer.allocUnsafe(65536)
const payload = Buffer.alloc(64, 7)
const payload4k = Buffer.alloc(4096, 7)

function time(fn: () => unknown, n = 200_000): number {
  for (let i = 0; i < n; i++) fn()
  const rounds: number[] = []
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    rounds.push(Number(process.hrtime.bigint() - t0) / n)
  }
  rounds.sort((a, b) => a - b)
  return rounds[3]!
}

function generic(command: string, topic: string, data: unknown, ts: number): Buffer {
  const body = packValue({ command, topic, data, timestamp: ts, ttl: 64, uuid: nextMessageId() })
  return encodeFrame(topic, body)
}
function fast(command: string, topic: string, data: unknown, ts: number): number {
  const size = planFrame(command, topic, data, ts, 64, null)
  return writePlannedFrame(buf, 0) + size
}
function bodyOf(frame: Buffer): { topic: string; body: Buffer } {
  const bodyLen = frame.readUInt32BE(0)
  const topicLen = frame.readUInt32BE(4)
  return {
    topic: frame.toString('utf8', 8, 8 + topicLen),
    body: frame.subarray(8 + topicLen, 8 + topicLen + bodyLen)
  }
}
function fastFrame(command: string, topic: string, data: unknown): Buffer {
  const size = planFrame(command, topic, data, Date.now(), 64, null)
  const out = Buffer.allocUnsafe(size)
  writePlannedFrame(out, 0)
  return out
}

const rows: [string, number, number][] = []
const row = (name: string, f: () => unknown, g: () => unknown): void => {
  rows.push([name, time(f), time(g)])
}
const now = Date.now()
row(
  'encode message 64 B',
  () => fast('message', 'A', payload, now),
  () => generic('message', 'A', payload, now)
)
row(
  'encode message 4 KiB',
  () => fast('message', 'A', payload4k, now),
  () => generic('message', 'A', payload4k, now)
)
{
  const f = bodyOf(fastFrame('message', 'A', payload))
  const g = bodyOf(generic('message', 'A', payload, now))
  row(
    'decode message 64 B',
    () => decodeEnvelopeFast(f.body, 'A', false),
    () => parseEnvelope(unpackRange(g.body, 0, g.body.length), 'A')
  )
}
row(
  'encode ping',
  () => fast('ping', 'All', encodePingData(1234, true, null), now),
  () => generic('ping', 'All', { ping_id: 1234, latency_update: true, dummy_data: null }, now)
)
{
  const f = bodyOf(fastFrame('ping', 'All', encodePingData(1234, true, null)))
  const g = bodyOf(generic('ping', 'All', { ping_id: 1234, latency_update: true, dummy_data: null }, now))
  row(
    'decode+validate ping',
    () => parsePing(decodeEnvelopeFast(f.body, 'All', false)!.data),
    () => parsePing(parseEnvelope(unpackRange(g.body, 0, g.body.length), 'All').data)
  )
}
row(
  'encode pong',
  () => fast('pong', 'All', local.pong(1234), now),
  () => generic('pong', 'All', { ping_id: 1234, ...identity }, now)
)
{
  const f = bodyOf(fastFrame('pong', 'All', local.pong(1234)))
  const g = bodyOf(generic('pong', 'All', { ping_id: 1234, ...identity }, now))
  const known = (decodeEnvelopeFast(f.body, 'All', false)!.data as PongBytes).identityCopy()
  row(
    'decode pong (identity unchanged)',
    () => {
      const d = decodeEnvelopeFast(f.body, 'All', false)!.data as PongBytes
      return d.identityEquals(known) ? d.pingId : -1
    },
    () => parsePong(parseEnvelope(unpackRange(g.body, 0, g.body.length), 'All').data).ping_id
  )
}
row(
  'encode handshake',
  () => fast('handshake', 'All', local.handshake(1, false), now),
  () => generic('handshake', 'All', { v: 1, vmin: 1, reconnect: false, ...identity }, now)
)
{
  const f = bodyOf(fastFrame('handshake', 'All', local.handshake(1, false)))
  const g = bodyOf(generic('handshake', 'All', { v: 1, vmin: 1, reconnect: false, ...identity }, now))
  row(
    'decode+validate handshake',
    () => parseHandshake(decodeEnvelopeFast(f.body, 'All', false)!.data, 'handshake'),
    () => parseHandshake(parseEnvelope(unpackRange(g.body, 0, g.body.length), 'All').data, 'handshake')
  )
}
console.log('piece                                  fast ns   msgpackr ns   msgpackr/fast')
for (const [name, f, g] of rows)
  console.log(
    `${name.padEnd(36)} ${f.toFixed(0).padStart(8)} ${g.toFixed(0).padStart(12)} ${(g / f).toFixed(2).padStart(14)}`
  )
