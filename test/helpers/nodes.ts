// Test nodes that are always stopped (after each test, or after the file for a shared one), even when a test failed.
import { afterAll, afterEach, beforeAll } from 'vitest'
import { ChaskiNode, setLogLevel, type ChaskiNodeOptions } from '../../src/main/chaski/index'

// Malformed-frame tests log warnings on purpose; keep test output readable unless CHASKI_DEBUG is set.
if (!process.env.CHASKI_DEBUG) setLogLevel('silent')

/** Creates nodes for one test file; every node is stopped after each test. */
export function useNodes(
  defaults: ChaskiNodeOptions = {}
): (options?: ChaskiNodeOptions) => Promise<ChaskiNode> {
  const created: ChaskiNode[] = []
  afterEach(async () => {
    const all = created.splice(0)
    await Promise.all(all.map((node) => node.stop()))
  })
  return async (options: ChaskiNodeOptions = {}) => {
    const node = new ChaskiNode({ ip: '127.0.0.1', port: 0, keepAlive: false, ...defaults, ...options })
    created.push(node)
    await node.ready
    return node
  }
}

/** Edge counts of a list of nodes, in order. */
export function edgeCounts(nodes: ChaskiNode[]): number[] {
  return nodes.map((node) => node.edges.length)
}

/**
 * One node for a whole test file (a legitimate peer that must still get through while a test attacks something
 * else): started before the first test, stopped after the last. Read it inside tests, not at load time.
 */
export function useFileNode(options: ChaskiNodeOptions): () => ChaskiNode {
  let node: ChaskiNode | undefined
  beforeAll(async () => {
    node = new ChaskiNode({ ip: '127.0.0.1', port: 0, keepAlive: false, ...options })
    await node.ready
  })
  afterAll(() => node?.stop())
  return () => {
    if (node === undefined) throw new Error('useFileNode: the node exists only once the tests run')
    return node
  }
}
