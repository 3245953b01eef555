// An edge keeps its booleans, direction and version in one field and its connection time as an offset (edge.ts):
// what the app reads back must be exactly what the node gave it, whatever the clock.
import { describe, expect, it } from 'vitest'
import { LinkedEdge } from '../../../src/main/chaski/linked-edge'
import { idleEdgeLink } from '../../helpers/idle-edge-link'

function edge(
  options: {
    root?: boolean
    paired?: boolean
    outbound?: boolean
    version?: number
    connectedAt?: number
  } = {}
): LinkedEdge {
  const identity = {
    id: 'peer',
    name: 'Peer',
    ip: '127.0.0.1',
    port: 9000,
    subscriptions: ['t'],
    paired: options.paired ?? false,
    root: options.root ?? false
  }
  return new LinkedEdge(
    identity,
    idleEdgeLink(options.outbound ?? true, 9000),
    '127.0.0.1',
    options.version ?? 1,
    options.connectedAt ?? Date.now()
  )
}

describe('Edge fields', () => {
  it('reads back root, peerPaired, direction and version as given, each independent of the others', () => {
    for (const root of [false, true])
      for (const paired of [false, true])
        for (const outbound of [false, true])
          for (const version of [1, 2]) {
            const e = edge({ root, paired, outbound, version })
            expect([e.root, e.peerPaired, e.direction, e.version, e.secure, e.supersededAtAddress]).toEqual([
              root,
              paired,
              outbound ? 'outbound' : 'inbound',
              version,
              version >= 2,
              false
            ])
          }
  })

  it('changes one field without touching the others', () => {
    const e = edge({ outbound: false, version: 2 })
    e.root = true
    e.supersededAtAddress = true
    e.version = 1
    expect([e.root, e.peerPaired, e.direction, e.version, e.supersededAtAddress]).toEqual([
      true,
      false,
      'inbound',
      1,
      true
    ])
    expect(e.refresh({ name: 'Peer', subscriptions: ['t'], paired: true, root: false })).toBe(true)
    expect([e.root, e.peerPaired, e.direction, e.version, e.supersededAtAddress]).toEqual([
      false,
      true,
      'inbound',
      1,
      true
    ])
    expect(e.toJSON()).toMatchObject({ root: false, paired: false, direction: 'inbound' })
  })

  it('gives back the exact connection time: now, a test clock at 0, fractions, years away', () => {
    const now = Date.now()
    const times = [now, now + 1, now - 86_400_000, 0, 1234.5, now + 0.25, now + 365 * 86_400_000, -5, 2 ** 52]
    for (const connectedAt of times) expect(edge({ connectedAt }).connectedAt).toBe(connectedAt)
  })
})
