// Bounded before trust (docs/PROTOCOL.md §10): caps on connections still handshaking and byte budgets.
import { describe, expect, it } from 'vitest'
import { ConnectionLimits } from '../../../src/main/chaski/connection-limits'
import {
  MAX_PARTIAL_FRAME_BYTES,
  MAX_PENDING_HANDSHAKES,
  MAX_PENDING_HANDSHAKES_PER_SOURCE,
  MAX_PRE_HANDSHAKE_BYTES
} from '../../../src/main/chaski/constants'
import { createLogger, setLogLevel } from '../../../src/main/chaski/logger'

setLogLevel('silent')

/** Connections as a node holds them: admitted ones wait until released. */
function pending() {
  const limits = new ConnectionLimits(createLogger('test'))
  const waiting = new Set<{ remoteAddress: string }>()
  let addressReads = 0
  return {
    limits,
    waiting,
    get addressReads() {
      return addressReads
    },
    admit(remoteAddress: string): string | null {
      const refused = limits.admitPending(
        () => {
          addressReads++
          return remoteAddress
        },
        () => waiting
      )
      if (refused === null) waiting.add({ remoteAddress })
      return refused
    },
    release(remoteAddress: string): void {
      const connection = [...waiting].find((c) => c.remoteAddress === remoteAddress)!
      waiting.delete(connection)
      limits.releasePending(connection)
    }
  }
}

describe('ConnectionLimits', () => {
  it('admits connections per source up to its share, and again once one is released', () => {
    const p = pending()
    for (let i = 0; i < MAX_PENDING_HANDSHAKES_PER_SOURCE; i++) expect(p.admit('10.0.0.1')).toBeNull()
    // Below the per-source share in total, no address is even read.
    expect(p.addressReads).toBe(0)
    expect(p.admit('10.0.0.1')).toMatch(/from 10\.0\.0\.1/)
    expect(p.admit('::ffff:10.0.0.1')).toMatch(/from 10\.0\.0\.1/)
    expect(p.admit('10.0.0.2')).toBeNull()
    p.release('10.0.0.1')
    expect(p.admit('10.0.0.1')).toBeNull()
    expect(p.admit('10.0.0.1')).toMatch(/from 10\.0\.0\.1/)
  })

  it('counts one IPv6 /64 as one source', () => {
    const p = pending()
    for (let i = 0; i < MAX_PENDING_HANDSHAKES_PER_SOURCE; i++)
      expect(p.admit(`2001:db8::${i.toString(16)}`)).toBeNull()
    expect(p.admit('2001:db8::ffff')).toMatch(/2001:db8:0:0::\/64/)
    expect(p.admit('2001:db8:1::1')).toBeNull()
  })

  it('admits at most the total over every source, and counts right after many come and go', () => {
    const p = pending()
    for (let i = 0; i < MAX_PENDING_HANDSHAKES; i++) expect(p.admit(`10.0.${i >> 8}.${i & 255}`)).toBeNull()
    expect(p.admit('10.9.9.9')).toMatch(/already waiting/)
    p.release('10.0.0.0')
    expect(p.admit('10.9.9.9')).toBeNull()
    for (const c of [...p.waiting]) p.release(c.remoteAddress)
    for (let i = 0; i < MAX_PENDING_HANDSHAKES_PER_SOURCE; i++) expect(p.admit('10.0.0.7')).toBeNull()
    expect(p.admit('10.0.0.7')).toMatch(/from 10\.0\.0\.7/)
  })

  it('keeps separate byte budgets before and after the handshake', () => {
    const { limits } = pending()
    expect(limits.hold(true, MAX_PRE_HANDSHAKE_BYTES)).toBe(true)
    expect(limits.hold(true, 1)).toBe(false)
    expect(limits.hold(false, MAX_PARTIAL_FRAME_BYTES)).toBe(true)
    expect(limits.hold(false, 1)).toBe(false)
    expect(limits.hold(false, -1)).toBe(true)
    expect(limits.hold(true, -MAX_PRE_HANDSHAKE_BYTES - 1)).toBe(true)
    expect(limits.hold(true, 1024)).toBe(true)
  })
})
