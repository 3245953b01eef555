// Puts `chaski serve` in the state one browser test needs, through the dashboard's own bridge (the WebSocket with
// the page's Origin and token), so that every test sets up its own local nodes, links and preferences and runs the
// same alone, after any other test or in a shuffled order (issue #12).
import WebSocket from 'ws'
import type { ContractArgs, ContractResults, NodeConfigInput } from '../../../src/shared/contract'
import type { MethodName } from '../../../src/shared/methods'
import type { Result } from '../../../src/shared/result'
import type { NodeSnapshot, Preferences } from '../../../src/shared/snapshots'
import { freeFixedPort } from '../../helpers/free-port'
import { waitFor } from '../../helpers/wait-for'

export interface HostCalls {
  call<M extends MethodName>(method: M, ...args: ContractArgs<M>): Promise<ContractResults[M]>
  close(): void
}

/** A bridge connection of the test's own to the host at `openUrl` (the dashboard's URL with its token). */
export async function connectToHost(openUrl: string): Promise<HostCalls> {
  const { origin, searchParams } = new URL(openUrl)
  const ws = new WebSocket(
    `${origin.replace('http', 'ws')}/bridge`,
    ['chaski.v1', `chaski.token.${searchParams.get('token') ?? ''}`],
    { origin }
  )
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: number; result?: Result<unknown> }
    const waiting = message.type === 'reply' && message.id !== undefined && pending.get(message.id)
    if (!waiting || !message.result) return
    pending.delete(message.id!)
    if (message.result.ok) waiting.resolve(message.result.value)
    else waiting.reject(new Error(message.result.error.message))
  })
  ws.on('close', () => {
    for (const p of pending.values()) p.reject(new Error('the host closed the bridge'))
    pending.clear()
  })
  let next = 1
  return {
    call(method, ...args) {
      const id = next++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        ws.send(JSON.stringify({ type: 'call', id, method, args }))
      })
    },
    close: () => ws.close()
  }
}

export interface NodeSetup extends NodeConfigInput {
  name: string
  /** Addresses this node connects to once it serves (they become its known peers, as from the connect box). */
  connect?: string[]
}

/**
 * Removes every local node, sets the preferences (theme 'system' and no recent addresses unless given), then
 * creates `nodes` in order, waits until each serves and makes its connections. Returns the nodes as created.
 * A node given no port gets a free one of its own, not the first free one from 8511 that the node it replaces had:
 * it is a new identity, and a peer that trusts on first use refuses a new key at an address it knows. That port is
 * outside the kernel's ephemeral range (freeFixedPort), as 8511 is, so it is still free when the host restarts.
 */
export async function resetHost(
  openUrl: string,
  nodes: NodeSetup[],
  preferences: Partial<Preferences> = {}
): Promise<NodeSnapshot[]> {
  const host = await connectToHost(openUrl)
  try {
    for (const node of (await host.call('getState')).nodes) await host.call('removeNode', node.id)
    await host.call('setPreferences', { theme: 'system', recentAddresses: [], ...preferences })
    const created: NodeSnapshot[] = []
    for (const { connect = [], ...config } of nodes) {
      const node = await host.call('createNode', { port: await freeFixedPort(), ...config })
      await waitFor(
        async () => (await host.call('getState')).nodes.find((n) => n.id === node.id)?.state === 'serving',
        { timeoutMs: 20_000, message: `${config.name} serving` }
      )
      for (const address of connect) await host.call('connect', node.id, { kind: 'address', address })
      created.push(node)
    }
    return created
  } finally {
    host.close()
  }
}
