// Where a node's heap goes: builds a star of N nodes in this process (the bundled library, as the scale bench), or a
// raw star of node:net servers + UDP sockets, takes a heap snapshot after GC and prints the retained self size per
// kind of object (constructor or type), per node, largest first. Compare the two to see what a node costs.
// Run: [OWNERS=1] [ADVERTS=0] [SETTLE_MS=200] node --expose-gc --import tsx bench/heap-census.ts <node|raw> [count=300] [top=40]
import net from 'node:net'
import dgram from 'node:dgram'
import { once } from 'node:events'
import { readFileSync, unlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { loadChaski, startNode, type ChaskiNodeInstance } from './chaski'

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[]
      node_types: (string | string[])[]
      edge_fields: string[]
      edge_types: (string | string[])[]
    }
  }
  nodes: number[]
  edges: number[]
  strings: string[]
}

/**
 * With OWNERS=1, arrays, numbers, strings and closures are keyed by what holds them (owner.edge); with OWNERS=2,
 * every kind is.
 */
const BY_OWNER = process.env.OWNERS === '1' || process.env.OWNERS === '2'
const EVERY_OWNER = process.env.OWNERS === '2'
/** With ADVERTS=0, nodes send no neighbour adverts (what a node costs without the map). */
const NO_ADVERTS = process.env.ADVERTS === '0'
/** SETTLE_MS=3000: wait that long after the star is connected (adverts flow after their 1 s debounce). */
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 200)

function census(file: string): Map<string, { count: number; bytes: number }> {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const meta = data.snapshot.meta
  const fields = meta.node_fields
  const types = meta.node_types[0] as string[]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const edgeCountAt = fields.indexOf('edge_count')
  const edgeWidth = meta.edge_fields.length
  const edgeTypes = meta.edge_types[0] as string[]
  const keyOf = (i: number): string => {
    const type = types[data.nodes[i + typeAt]!]!
    const name = data.strings[data.nodes[i + nameAt]!]!
    return type === 'object' || type === 'closure' || type === 'native'
      ? `${type}:${name}`
      : type === 'string' || type === 'concatenated string' || type === 'sliced string'
        ? 'string'
        : type
  }
  // The first retainer of each node (by the order of edges), for BY_OWNER.
  const owner = new Map<number, string>()
  if (BY_OWNER) {
    let edge = 0
    for (let i = 0; i < data.nodes.length; i += width) {
      const n = data.nodes[i + edgeCountAt]!
      for (let e = 0; e < n; e++, edge += edgeWidth) {
        const edgeType = edgeTypes[data.edges[edge]!]!
        if (edgeType === 'weak' || edgeType === 'shortcut') continue
        const to = data.edges[edge + 2]!
        if (owner.has(to)) continue
        const nameOrIndex = data.edges[edge + 1]!
        const label =
          edgeType === 'element' || edgeType === 'hidden' ? `[${edgeType}]` : data.strings[nameOrIndex]
        owner.set(to, `${keyOf(i)}.${label}`)
      }
    }
  }
  const out = new Map<string, { count: number; bytes: number }>()
  for (let i = 0; i < data.nodes.length; i += width) {
    let key = keyOf(i)
    if (
      BY_OWNER &&
      (EVERY_OWNER ||
        key === 'array' ||
        key === 'number' ||
        key === 'string' ||
        key.startsWith('closure') ||
        key === 'object:system / Context')
    )
      key = `${key} <- ${owner.get(i) ?? '?'}`
    const entry = out.get(key) ?? { count: 0, bytes: 0 }
    entry.count++
    entry.bytes += data.nodes[i + sizeAt]!
    out.set(key, entry)
  }
  return out
}

async function buildStar(kind: string, count: number): Promise<unknown> {
  if (kind === 'raw') {
    const held: unknown[] = []
    const servers: net.Server[] = []
    for (let i = 0; i < count; i++) {
      const server = net.createServer((s) => held.push(s))
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      const udp = dgram.createSocket('udp4')
      udp.bind((server.address() as net.AddressInfo).port, '127.0.0.1')
      await once(udp, 'listening')
      servers.push(server)
      held.push(udp)
    }
    const hub = (servers[0]!.address() as net.AddressInfo).port
    for (let i = 1; i < count; i++) {
      const socket = net.connect({ host: '127.0.0.1', port: hub })
      await once(socket, 'connect')
      held.push(socket)
    }
    return [servers, held]
  }
  const chaski = await loadChaski()
  const nodes: ChaskiNodeInstance[] = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startNode(chaski, {
        name: `star-${i}`,
        subscriptions: ['A'],
        ...(NO_ADVERTS ? { adverts: false } : {}),
        ...(i === 0 ? { maxEdges: count } : {})
      })
    )
  )
  for (let i = 1; i < count; i++) await nodes[i]!.connect(nodes[0]!)
  while (nodes[0]!.edges.length < count - 1) await new Promise((r) => setTimeout(r, 10))
  return nodes
}

async function main(): Promise<void> {
  const [kind = 'node', countText = '300', topText = '40'] = process.argv.slice(2)
  const count = Number(countText)
  const gc = (globalThis as { gc?: () => void }).gc!
  if (kind !== 'raw') await loadChaski()
  gc()
  // Both snapshots first, then their census: what the census itself allocates must not count.
  const file0 = path.join(os.tmpdir(), `census-0-${process.pid}.heapsnapshot`)
  v8.writeHeapSnapshot(file0)
  const star = await buildStar(kind, count)
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  gc()
  gc()
  const file = path.join(os.tmpdir(), `census-${process.pid}.heapsnapshot`)
  v8.writeHeapSnapshot(file)
  const before = census(file0)
  const after = census(file)
  unlinkSync(file0)
  if (process.env.KEEP_SNAPSHOT === '1') process.stderr.write(`kept ${file}\n`)
  else unlinkSync(file)
  const rows = [...after.entries()].map(([key, value]) => {
    const was = before.get(key) ?? { count: 0, bytes: 0 }
    return { key, count: (value.count - was.count) / count, bytes: (value.bytes - was.bytes) / count }
  })
  rows.sort((a, b) => b.bytes - a.bytes)
  const total = rows.reduce((sum, row) => sum + row.bytes, 0)
  process.stdout.write(`${kind} star of ${count}: ${total.toFixed(0)} bytes of heap objects per node\n`)
  for (const row of rows.slice(0, Number(topText)))
    process.stdout.write(
      `${row.bytes.toFixed(1).padStart(9)} B ${row.count.toFixed(2).padStart(7)}×  ${row.key}\n`
    )
  void star
  process.exit(0)
}

void main()
