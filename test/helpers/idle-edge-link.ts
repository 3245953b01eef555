// The link under an edge in unit tests that build edges by hand: open, never congested, every send accepted and
// dropped. Tests of what an edge or a node part decides from its link's state use it instead of a socket.
import type { EdgeLink, LinkState } from '../../src/main/chaski/edge-link'
import { OpenRun } from '../../src/main/chaski/message-runs'

export function idleEdgeLink(outbound: boolean, remotePort: number): EdgeLink & { state: LinkState } {
  return {
    state: 'open',
    outbound,
    remoteAddress: '127.0.0.1',
    remotePort,
    congested: false,
    batch: Buffer.alloc(0),
    send: () => true,
    reserve: () => -1,
    peerRuns: false,
    openRun: () => new OpenRun(),
    batchGeneration: 0,
    batchEnd: 0,
    extendBatch: () => -1,
    waitDrain: async () => {},
    close: async () => {},
    destroy: () => {}
  }
}
