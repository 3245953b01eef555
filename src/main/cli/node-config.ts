// What `chaski node` runs with once its arguments are parsed (commands/node.ts) and what the foreground runner
// (foreground-node.ts) reads: a module of its own, so the two never import each other.
import { networkInterfaces } from 'node:os'
import type { ChaskiNodeOptions, PeerAddress } from '../chaski/index'
import { resolveLanInterfaces } from '../chaski/index'

export interface NodeCommandConfig {
  /** Validated options for `new ChaskiNode` (run: false; the runner starts it). */
  options: ChaskiNodeOptions
  /** --key: the identity key file (absolute), read or made at start; null: a new key each run. */
  keyFile: string | null
  /** --network-key-file (absolute): read at start, never written; null: no network key. */
  networkKeyFile: string | null
  /** Peers to connect to once listening, in order. */
  connect: PeerAddress[]
  discover: { onPair: 'none' | 'disconnect'; timeoutMs: number } | null
  /** LAN discovery requested, and whether it connects by itself (then --discover waits for a first edge). */
  lan: { interfaces: string[]; autoConnect: boolean; port?: number } | null
  json: boolean
  latencyEveryMs: number
}

/**
 * Interfaces LAN beacons would actually use once CHASKI_LAN_INTERFACES caps the request: an empty list deserves
 * a warning at start (the node runs, but nobody will hear it).
 */
export function effectiveLanInterfaces(lan: NonNullable<NodeCommandConfig['lan']>): string[] {
  const requested = lan.interfaces.length ? lan.interfaces : undefined
  return resolveLanInterfaces(requested, process.env, networkInterfaces()).map(
    (item) => `${item.name} (${item.address})`
  )
}
