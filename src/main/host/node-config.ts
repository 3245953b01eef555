// A local node's configuration: defaults for what the user left out, and the mapping to ChaskiNode options.
import { randomUUID } from 'node:crypto'
import type { NodeConfigInput } from '../../shared/contract'
import { nodeDefaults } from '../../shared/node-defaults'
import type { NodeConfig } from '../../shared/snapshots'
import type { ChaskiNodeOptions, NodeKey, TrustedPeer } from '../chaski/index'
import { stripUndefined } from './strip-undefined'

export function defaultNodeConfig(): NodeConfig {
  return { id: randomUUID(), name: 'Node', ...nodeDefaults() }
}

export function completeNodeConfig(
  input: NodeConfigInput,
  base: NodeConfig = defaultNodeConfig()
): NodeConfig {
  const { lan, ...rest } = input
  const defined = stripUndefined(rest)
  const config: NodeConfig = { ...base, ...defined, lan: { ...base.lan, ...stripUndefined(lan ?? {}) } }
  config.subscriptions = [...new Set(config.subscriptions)]
  return config
}

/**
 * The ChaskiNode options for a config; `run: false` because the host starts nodes itself. The config id names the
 * node in the host; peers know it by its key's id (`key`, node-keys.ts).
 */
export function toNodeOptions(
  config: NodeConfig,
  key?: NodeKey,
  trustedPeers: TrustedPeer[] = []
): ChaskiNodeOptions {
  return {
    ...(key === undefined ? {} : { key }),
    // Default tofu: a desktop node pins the first key it meets at each address (issue #13).
    trust: config.trust,
    insecure: config.insecure,
    trustedPeers,
    name: config.name,
    ip: config.ip,
    port: config.port,
    subscriptions: config.subscriptions,
    ttl: config.ttl,
    root: config.root,
    paired: config.paired,
    maxConnections: config.maxConnections,
    reconnections: config.reconnections,
    keepAlive: config.keepAlive,
    messagePropagation: config.messagePropagation,
    messagesPoolMaxSize: config.messagesPoolMaxSize,
    lan: config.lan.enabled
      ? {
          autoConnect: config.lan.autoConnect,
          ...(config.lan.interfaces.length > 0 ? { interfaces: config.lan.interfaces } : {})
        }
      : false,
    run: false
  }
}
