// The contract's server side: one handler per method that validates the raw arguments against the shared schemas,
// calls the NodeHost, and turns every outcome into a Result. Electron's ipcMain and the browser host's WebSocket
// both dispatch through this table, so validation is identical on both paths.
import { parseArguments, type ContractArgs, type ContractResults } from '../../shared/contract'
import { METHOD_NAMES, isMethodName, type MethodName } from '../../shared/methods'
import { fail, ok, type Result } from '../../shared/result'
import { describeError } from './host-errors'
import type { NodeHost } from './node-host'

export type ContractHandler = (rawArgs: unknown) => Promise<Result<unknown>>

// Each method's call into the host; `satisfies` keeps argument and result types tied to the contract.
const DISPATCH = {
  getState: (host) => host.getState(),
  createNode: (host, input) => host.createNode(input),
  startNode: (host, id) => host.startNode(id),
  stopNode: (host, id) => host.stopNode(id),
  removeNode: (host, id) => host.removeNode(id),
  renameNode: (host, id, name) => host.renameNode(id, name),
  subscribe: (host, id, topics) => host.subscribe(id, topics),
  unsubscribe: (host, id, topics) => host.unsubscribe(id, topics),
  setLan: (host, id, patch) => host.setLan(id, patch),
  connect: (host, id, target) => host.connect(id, target),
  disconnect: (host, id, peerId) => host.disconnect(id, peerId),
  discovery: (host, id, args) => host.discovery(id, args),
  ping: (host, id, peerId) => host.ping(id, peerId),
  publish: (host, id, topic, data) => host.publish(id, topic, data),
  setPreferences: (host, patch) => host.setPreferences(patch),
  dismissNotice: (host, id) => host.dismissNotice(id),
  forgetLanPeer: (host, id, peerId) => host.forgetLanPeer(id, peerId),
  editNode: (host, id, input) => host.editNode(id, input),
  restartNode: (host, id) => host.restartNode(id),
  setKnownPeer: (host, id, address, keep) => host.setKnownPeer(id, address, keep),
  forgetKnownPeer: (host, id, address) => host.forgetKnownPeer(id, address),
  getMap: (host, id, depth) => host.getMap(id, depth),
  acceptPeer: (host, id, peerId) => host.acceptPeer(id, peerId),
  rejectPeer: (host, id, peerId) => host.rejectPeer(id, peerId),
  revokePeer: (host, id, peerId) => host.revokePeer(id, peerId),
  unrevokePeer: (host, id, peerId) => host.unrevokePeer(id, peerId)
} satisfies {
  [M in MethodName]: (
    host: NodeHost,
    ...args: ContractArgs<M>
  ) => Promise<ContractResults[M]> | ContractResults[M]
}

/** Builds the handler table: method name → (raw argument list) → Result. */
export function createContractHandlers(host: NodeHost): Map<MethodName, ContractHandler> {
  const table = new Map<MethodName, ContractHandler>()
  for (const method of METHOD_NAMES) {
    table.set(method, async (rawArgs) => {
      const parsed = parseArguments(method, rawArgs)
      if (!parsed.ok) return fail('ValidationError', parsed.message)
      try {
        const run = DISPATCH[method] as unknown as (host: NodeHost, ...args: unknown[]) => Promise<unknown>
        return ok(await run(host, ...(parsed.args as unknown[])))
      } catch (err) {
        const { name, message } = describeError(err)
        return fail(name, message)
      }
    })
  }
  return table
}

/** For transports that receive the method name from the wire (WebSocket): unknown methods are errors, not crashes. */
export async function dispatchContractCall(
  table: Map<MethodName, ContractHandler>,
  method: unknown,
  rawArgs: unknown
): Promise<Result<unknown>> {
  if (!isMethodName(method))
    return fail('ValidationError', `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`)
  return table.get(method)!(rawArgs)
}
