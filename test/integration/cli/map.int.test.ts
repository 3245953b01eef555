// `chaski map host:port` against a `chaski node` process whose neighbours (in this process) form a chain: the
// map it prints (text, --json, --dot) holds the nodes and links that node learned from neighbour adverts.
import { afterAll, describe, expect, it } from 'vitest'
import type { ChaskiNode } from '../../../src/main/chaski/index'
import { useNodes } from '../../helpers/nodes'
import { waitFor } from '../../helpers/wait-for'
import { CliProcess, START_TIMEOUT_MS, killAllCli, runCli, type CliEvent } from './cli-process'

const makeNode = useNodes({ adverts: { debounceMs: 50 } })

afterAll(async () => {
  await killAllCli()
})

interface PrintedMap {
  nodes: { id: string; name: string; known: string; hops: number | null }[]
  links: { a: string; b: string; confirmed: boolean }[]
}

describe('chaski map', () => {
  it('prints the map a running node holds as text, JSON and DOT; --depth limits it', async () => {
    const target = CliProcess.start(['node', '--name', 'target', '--json'])
    const port = await target.readyPort()
    const address = `127.0.0.1:${port}`
    const b: ChaskiNode = await makeNode({ name: 'bee' })
    const c: ChaskiNode = await makeNode({ name: 'sea' })
    await b.connect(address)
    await c.connect(b.address)
    // target ← b ← c: target learns c from b's advert (its debounce is 1 s by default).
    let printed: PrintedMap | undefined
    await waitFor(
      async () => {
        const json = await runCli(['map', address, '--json'])
        const event = json.events('map')[0] as (CliEvent & { map: PrintedMap }) | undefined
        printed = event?.map
        return (
          printed?.nodes.length === 3 && printed.links.length === 2 && printed.links.every((l) => l.confirmed)
        )
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 200, message: 'the map never showed the chain' }
    )
    const byName = new Map(printed!.nodes.map((node) => [node.name, node]))
    expect(byName.get('target')).toMatchObject({ known: 'local', hops: 0 })
    expect(byName.get('bee')).toMatchObject({ known: 'direct', hops: 1 })
    expect(byName.get('sea')).toMatchObject({ known: 'learned', hops: 2 })

    // One after the other: each asking node is a direct peer of the target while it asks (and leaves itself out).
    const text = await runCli(['map', address])
    const dot = await runCli(['map', address, '--dot'])
    const near = await runCli(['map', address, '--depth', '1', '--json'])
    expect(text.exitInfo.code).toBe(0)
    expect(text.lines[0]).toBe(`map held by ${address}: 3 nodes, 2 links (depth 3)`)
    expect(text.lines).toContain(`  target@${address}  (this node, advert just now)`)
    expect(
      text.lines.some((line) =>
        /^ {2}sea@127\.0\.0\.1:\d+ {2}\(2 hops, advert (just now|\d+ s ago)\)$/.test(line)
      )
    ).toBe(true)
    expect(dot.exitInfo.code).toBe(0)
    expect(dot.lines[0]).toBe('graph chaski {')
    expect(dot.lines.filter((line) => line.includes(' -- '))).toHaveLength(2)
    expect(dot.lines.at(-1)).toBe('}')
    const nearMap = (near.events('map')[0] as CliEvent & { map: PrintedMap }).map
    expect(nearMap.nodes.map((node) => node.name).sort()).toEqual(['bee', 'target'])

    const usage = await runCli(['map', address, '--json', '--dot'])
    expect(usage.exitInfo.code).toBe(2)
    target.kill('SIGINT')
    await target.waitForExit()
  }, 90_000)

  it('exits 1 with a clear message when nothing listens there', async () => {
    const node = await makeNode({ name: 'gone' })
    const address = node.address
    await node.stop()
    const result = await runCli(['map', address, '--timeout', '1'])
    expect(result.exitInfo.code).toBe(1)
    expect(result.stderr).toMatch(/chaski map: cannot reach/)
  }, 60_000)
})
