import { describe, expect, test } from 'vitest'
import { firstFreeNodePort, nextFreeNodePort, nodePortCandidates } from '../../../src/main/host/node-ports'
import { DASHBOARD_PORT, LIMITS, NODE_PORTS } from '../../../src/shared/limits'

describe('node ports', () => {
  test("the range starts at 8511, holds a port per node the host can keep, and leaves out the dashboard's", () => {
    const all = nodePortCandidates()
    expect(all[0]).toBe(8511)
    expect(all).not.toContain(DASHBOARD_PORT)
    expect(all.length).toBeGreaterThanOrEqual(LIMITS.nodes)
    expect(all.at(-1)).toBe(NODE_PORTS.last)
  })

  test('a new node gets the first port free on the machine that no other local node is set to', async () => {
    const busy = new Set([8511, 8513])
    const isFree = async (_ip: string, port: number) => !busy.has(port)
    expect(await firstFreeNodePort('127.0.0.1', new Set([8512]), { isFree })).toBe(8514)
    expect(await firstFreeNodePort('127.0.0.1', new Set(), { isFree: async () => false })).toBeNull()
  })

  test('a taken port: the next free one after it is offered (from the start of the range for a port outside it)', async () => {
    const isFree = async (_ip: string, port: number) => port !== 8515
    expect(await nextFreeNodePort('127.0.0.1', 8514, new Set([8516]), isFree)).toBe(8517)
    expect(await nextFreeNodePort('127.0.0.1', 40000, new Set([8511]), isFree)).toBe(8512)
  })
})
