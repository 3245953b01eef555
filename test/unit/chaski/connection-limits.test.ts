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
const limits = (): ConnectionLimits => new ConnectionLimits(createLogger('test'))

describe('ConnectionLimits', () => {
  it('admits connections per source up to its share, and again once one is released', () => {
    const l = limits()
    for (let i = 0; i < MAX_PENDING_HANDSHAKES_PER_SOURCE; i++) expect(l.admitPending('10.0.0.1')).toBeNull()
    expect(l.admitPending('10.0.0.1')).toMatch(/from 10\.0\.0\.1/)
    expect(l.admitPending('10.0.0.2')).toBeNull()
    l.releasePending('10.0.0.1')
    expect(l.admitPending('10.0.0.1')).toBeNull()
  })

  it('admits at most the total over every source', () => {
    const l = limits()
    for (let i = 0; i < MAX_PENDING_HANDSHAKES; i++)
      expect(l.admitPending(`10.0.${i >> 8}.${i & 255}`)).toBeNull()
    expect(l.admitPending('10.9.9.9')).toMatch(/already waiting/)
    l.releasePending('10.0.0.0')
    expect(l.admitPending('10.9.9.9')).toBeNull()
    l.releasePending('never-admitted') // ignored: counts cannot go wrong
    expect(l.admitPending('10.9.9.8')).toMatch(/already waiting/)
  })

  it('keeps separate byte budgets before and after the handshake', () => {
    const l = limits()
    expect(l.hold(true, MAX_PRE_HANDSHAKE_BYTES)).toBe(true)
    expect(l.hold(true, 1)).toBe(false)
    expect(l.hold(false, MAX_PARTIAL_FRAME_BYTES)).toBe(true)
    expect(l.hold(false, 1)).toBe(false)
    expect(l.hold(false, -1)).toBe(true)
    expect(l.hold(true, -MAX_PRE_HANDSHAKE_BYTES - 1)).toBe(true)
    expect(l.hold(true, 1024)).toBe(true)
  })
})
