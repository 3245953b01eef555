// Policy approve, the pieces without sockets (docs/PROTOCOL.md §3a "Approve"): what the trust store admits and pins,
// and the readers of the four approval commands (untrusted bytes: exact sizes, required fields).
import { describe, expect, it } from 'vitest'
import { readApproveAccept } from '../../../src/main/chaski/commands/approve-accept'
import { readApproveCommit } from '../../../src/main/chaski/commands/approve-commit'
import { readApproveNonce } from '../../../src/main/chaski/commands/approve-nonce'
import { readApproveReveal } from '../../../src/main/chaski/commands/approve-reveal'
import { readClose } from '../../../src/main/chaski/commands/close'
import { COMMAND_NAMES } from '../../../src/main/chaski/commands/index'
import { normalizeOptions } from '../../../src/main/chaski/options'
import { TrustStore } from '../../../src/main/chaski/trust'

const peer = (id: string, address: string) => ({ id, name: id, address, firstSeen: 1, lastSeen: 1 })

describe('TrustStore under approve', () => {
  it('trusts the ids the user accepted (or that were seeded), at any address, and pins nothing on its own', () => {
    const store = new TrustStore('approve', [peer('seeded', '10.0.0.1:1')])
    expect(store.isTrusted('seeded')).toBe(true)
    expect(store.isTrusted('stranger')).toBe(false)
    // A link never pins under approve (only the user does); a pinned id's link refreshes its entry.
    store.seen('10.0.0.2:2', 'stranger', 'x', 5)
    store.seen('10.0.0.9:9', 'seeded', 'renamed', 7)
    expect(store.list()).toEqual([{ ...peer('seeded', '10.0.0.1:1'), name: 'renamed', lastSeen: 7 }])
    // No changed-identity refusals: another key at a known address is a stranger to ask about.
    expect(store.conflict('10.0.0.1:1', 'stranger')).toBeNull()
    store.pin('10.0.0.2:2', 'stranger', 'x', 9)
    expect(store.isTrusted('stranger')).toBe(true)
    store.unpin('stranger')
    expect(store.isTrusted('stranger')).toBe(false)
    store.revoke('seeded')
    expect(store.isTrusted('seeded')).toBe(false)
    expect(store.isRevoked('seeded')).toBe(true)
  })
})

describe('options', () => {
  it("accept trust 'approve' and pendingTimeoutMs on a secure node only", () => {
    expect(normalizeOptions({ trust: 'approve', run: false })).toMatchObject({
      trust: 'approve',
      pendingTimeoutMs: 300_000
    })
    expect(() => normalizeOptions({ trust: 'approve', secure: false, run: false })).toThrow(
      /needs a secure node/
    )
  })
})

describe('approval commands', () => {
  const bytes32 = new Uint8Array(32).fill(7)

  it('are registered, and read exactly 32-byte fields', () => {
    for (const name of ['approve_commit', 'approve_nonce', 'approve_reveal', 'approve_accept'] as const)
      expect(COMMAND_NAMES).toContain(name)
    expect(readApproveCommit({ commit: bytes32 })).toEqual({ commit: bytes32 })
    expect(readApproveNonce({ nonce: bytes32, hold: true })).toEqual({ nonce: bytes32, hold: true })
    expect(readApproveReveal({ nonce: bytes32, extra: 1 })).toEqual({ nonce: bytes32 })
    expect(readApproveAccept({})).toEqual({})
  })

  it('refuse wrong sizes, types and missing fields as protocol errors', () => {
    const bad: [(value: unknown) => unknown, unknown][] = [
      [readApproveCommit, { commit: new Uint8Array(31) }],
      [readApproveCommit, { commit: new Uint8Array(33) }],
      [readApproveCommit, { commit: 'x'.repeat(32) }],
      [readApproveCommit, {}],
      [readApproveNonce, { nonce: bytes32 }],
      [readApproveNonce, { nonce: bytes32, hold: 1 }],
      [readApproveNonce, { nonce: [...bytes32], hold: false }],
      [readApproveReveal, { nonce: new Uint8Array(0) }],
      [readApproveAccept, null],
      [readApproveAccept, [1]]
    ]
    for (const [read, value] of bad) expect(() => read(value), JSON.stringify(value)).toThrow(/approve_/)
  })

  it('close reasons of approve are known ones', () => {
    for (const reason of ['rejected', 'pending-expired', 'too-many-pending'])
      expect(readClose({ reason })).toEqual({ reason })
  })
})
