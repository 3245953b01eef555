// Which peer `chaski trust accept|reject|revoke <peer>` means (src/main/cli/trust-target.ts).
import { describe, expect, test } from 'vitest'
import { findTrustTarget } from '../../../src/main/cli/trust-target'
import { generateNodeKey } from '../../../src/main/chaski/security/node-key'
import { groupNodeId, shortGroupedNodeId } from '../../../src/shared/node-id-text'
import { node } from '../renderer/fixtures'

const carol = generateNodeKey().id
const dave = generateNodeKey().id
const pending = (id: string, name: string) => ({
  id,
  name,
  address: '127.0.0.1:1',
  direction: 'inbound' as const,
  code: '123 456',
  since: 0,
  accepted: false,
  peerAccepted: true
})
const gate = node({
  id: 'gate',
  trust: {
    policy: 'approve',
    insecure: false,
    pending: [pending(carol, 'Carol'), pending(dave, 'Dave')],
    trusted: [],
    revoked: []
  }
})

describe('trust targets', () => {
  test('a peer by its grouped id, its short id, the start of its id, or its name', () => {
    for (const text of [groupNodeId(carol)!, shortGroupedNodeId(carol)!, carol.slice(0, 6), 'Carol'])
      expect(findTrustTarget([gate], 'accept', text, undefined)).toMatchObject({ ok: true, peerId: carol })
  })

  test('nothing or several matching: said in words', () => {
    expect(findTrustTarget([gate], 'accept', 'Erin', undefined)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no peer waiting for approval matches 'Erin'/)
    })
    expect(findTrustTarget([gate], 'revoke', 'Carol', undefined)).toMatchObject({ ok: true, peerId: carol })
    expect(findTrustTarget([gate], 'accept', 'Carol', 'Desk')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no local node is named or has the id 'Desk'/)
    })
    const twin = node({ id: 'twin', trust: { ...gate.trust, pending: [pending(carol, 'Carol')] } })
    expect(findTrustTarget([gate, twin], 'accept', 'Carol', undefined)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/matches 2 peers.*or --node/)
    })
    expect(findTrustTarget([gate, twin], 'accept', 'Carol', 'twin')).toMatchObject({ ok: true })
  })

  test('unrevoke names a revoked peer only', () => {
    const desk = node({
      id: 'desk',
      trust: {
        policy: 'tofu',
        insecure: false,
        pending: [],
        trusted: [{ id: dave, name: 'Dave', address: '127.0.0.1:2', firstSeen: 0, lastSeen: 0 }],
        revoked: [{ id: carol, name: 'Carol', at: 0 }]
      }
    })
    expect(findTrustTarget([desk], 'unrevoke', 'Carol', undefined)).toMatchObject({ ok: true, peerId: carol })
    expect(findTrustTarget([desk], 'unrevoke', 'Dave', undefined)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no peer revoked matches 'Dave'/)
    })
    expect(findTrustTarget([desk], 'revoke', 'Carol', undefined)).toMatchObject({ ok: false })
  })
})
